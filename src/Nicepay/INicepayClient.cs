namespace Orchestrator.Nicepay;

/// <summary>
/// The NICEPAY V2 direct API for convenience-store (CVS) payments. Every method returns a typed
/// <see cref="NicepayResult{T}"/> and throws only for invalid arguments or when
/// the cancellation token is cancelled (then the outcome is unknown, as for a timeout).
/// </summary>
public interface INicepayClient
{
    /// <summary>
    /// Issues a payment code. Sent once: never re-sent after it may have left (see the README), so an Unknown
    /// outcome must be reconciled with <see cref="InquireAsync"/> by reference number before registering again.
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid (e.g. blank fields, amount ≤ 0, cart total ≠ amount).</exception>
    Task<NicepayResult<CvsRegistration>> RegisterAsync(
        NicepayCredentials credentials, CvsRegistrationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a transaction's status. Allowed in any state; retried on transient failures.</summary>
    /// <exception cref="ArgumentException">The request is invalid.</exception>
    Task<NicepayResult<CvsStatus>> InquireAsync(
        NicepayCredentials credentials, CvsInquiryRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels an unpaid payment code (full cancel). Allowed only before payment (NICEPAY answers 9326 after).
    /// Retried on transient failures; a rejection after an attempt whose fate is unknown is reported as Unknown.
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid.</exception>
    Task<NicepayResult<CvsCancellation>> CancelAsync(
        NicepayCredentials credentials, CvsCancelRequest request, CancellationToken cancellationToken = default);
}
