namespace Orchestrator.Contracts.Checkouts;

/// <summary>
/// One checkout: a single NICEPAY CVS transaction from registration to fulfilment, keyed by
/// <see cref="CheckoutKey"/> (merchant and the merchant's reference). Non-reentrant: calls are handled one at a time,
/// so concurrent identical creates register at NICEPAY once.
/// </summary>
public interface ICheckoutGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the checkout and registers it at NICEPAY, or returns the existing one when the same request was made
    /// before, or reports a conflict when a different request used this reference. Allowed in any status.
    /// </summary>
    Task<CreateCheckoutResult> CreateAsync(CreateCheckoutCommand command);

    /// <summary>Returns the checkout, or null when none exists under this key.</summary>
    Task<CheckoutSnapshot?> GetAsync();

    /// <summary>
    /// Cancels the payment code at NICEPAY, then the checkout. Permitted while registered (unpaid); refused once
    /// a payment is notified or confirmed.
    /// </summary>
    Task<CheckoutCommandResult> CancelAsync(CheckoutCause cause);

    /// <summary>Marks a confirmed checkout fulfilled (idempotent). Refused in every other status.</summary>
    Task<CheckoutCommandResult> FulfilAsync();

    /// <summary>
    /// Handles a NICEPAY notification: verifies its token with the merchant's key, records it, and schedules a
    /// status inquiry (answered before the inquiry runs). Permitted in any status; duplicates are absorbed.
    /// </summary>
    Task<NotificationResult> HandleNotificationAsync(NicepayNotificationForm notification);

    /// <summary>Asks NICEPAY for the status now and applies the answer (operator action).</summary>
    Task<CheckoutCommandResult> CheckStatusAsync(CheckoutCause cause);

    /// <summary>Returns the whole state for operators, or null when none exists under this key.</summary>
    Task<CheckoutDetails?> GetDetailsAsync();
}

/// <summary>The grain key of a checkout: <c>{merchantId}/{referenceNo}</c>.</summary>
public static class CheckoutKey
{
    private const char Separator = '/';

    /// <summary>Builds the key. Neither part may contain '/'; the API validates both before calling.</summary>
    public static string Format(string merchantId, string referenceNo)
    {
        ArgumentException.ThrowIfNullOrEmpty(merchantId);
        ArgumentException.ThrowIfNullOrEmpty(referenceNo);
        if (merchantId.Contains(Separator, StringComparison.Ordinal) || referenceNo.Contains(Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException("Merchant ids and references cannot contain '/'.");
        }

        return string.Concat(merchantId, "/", referenceNo);
    }

    /// <summary>Splits a key into merchant id and reference.</summary>
    public static (string MerchantId, string ReferenceNo) Parse(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var index = key.IndexOf(Separator, StringComparison.Ordinal);
        if (index <= 0 || index == key.Length - 1)
        {
            throw new FormatException($"'{key}' is not a checkout key.");
        }

        return (key[..index], key[(index + 1)..]);
    }
}
