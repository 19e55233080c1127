using System.Globalization;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Api.Checkouts;

/// <summary>
/// A checkout as merchants see it, in every response and in every webhook event's <c>data</c>. Null fields are omitted.
/// </summary>
public sealed record CheckoutResponse
{
    /// <summary>The merchant's reference.</summary>
    public required string ReferenceNo { get; init; }

    /// <summary>created, registered, notified, confirmed, fulfilled, expired, cancelled, failed or reversed.</summary>
    public required string Status { get; init; }

    /// <summary>The amount in whole rupiah.</summary>
    public required long Amount { get; init; }

    /// <summary>Always IDR.</summary>
    public required string Currency { get; init; }

    /// <summary>indomaret or alfamart.</summary>
    public required string Store { get; init; }

    /// <summary>The code the customer gives the cashier, once issued.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PaymentCode { get; init; }

    /// <summary>When the payment code stops being payable.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>NICEPAY's transaction id, once registered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TransactionId { get; init; }

    /// <summary>When the checkout was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Increases by one with every transition.</summary>
    public required int Version { get; init; }

    /// <summary>What the customer does at the store; present while the code is payable.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PaymentInstructions? Instructions { get; init; }

    /// <summary>What the customer buys.</summary>
    public required string GoodsName { get; init; }

    /// <summary>The customer.</summary>
    public required CustomerResponse Customer { get; init; }

    /// <summary>The merchant's own pairs, as given.</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>When the customer paid at the store, as NICEPAY reports it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>Why the checkout failed (machine-readable).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FailureReason { get; init; }

    /// <summary>True while an anomaly waits for an operator (amount mismatch, reversal, contradiction).</summary>
    public required bool RequiresAttention { get; init; }
}

/// <summary>The customer of a checkout.</summary>
public sealed record CustomerResponse(string Name, string Phone, string Email);

/// <summary>What the customer tells the cashier and pays.</summary>
public sealed record PaymentInstructions
{
    /// <summary>The stores where the code is payable, as the customer knows them.</summary>
    public required string StoreName { get; init; }

    /// <summary>The code to give the cashier.</summary>
    public required string PaymentCode { get; init; }

    /// <summary>The exact amount, in whole rupiah.</summary>
    public required long Amount { get; init; }

    /// <summary>The amount as the customer reads it, e.g. "Rp 150.000".</summary>
    public required string AmountFormatted { get; init; }

    /// <summary>What to tell the cashier: "NICEPAY" and the merchant's name.</summary>
    public required string PayeeName { get; init; }

    /// <summary>The deadline in Jakarta time (WIB, UTC+7).</summary>
    public required DateTimeOffset PayBefore { get; init; }

    /// <summary>The steps, in order, ready to show to the customer.</summary>
    public required IReadOnlyList<string> Steps { get; init; }
}

/// <summary>The wire names of store networks.</summary>
public static class StoreNames
{
    /// <summary>Indomaret.</summary>
    public const string Indomaret = "indomaret";

    /// <summary>The Alfa group (Alfamart, Alfamidi, Lawson, Dan+Dan).</summary>
    public const string Alfamart = "alfamart";

    /// <summary>The wire name of a network.</summary>
    public static string WireName(StoreNetwork store) => store switch
    {
        StoreNetwork.Indomaret => Indomaret,
        StoreNetwork.Alfamart => Alfamart,
        _ => throw new ArgumentOutOfRangeException(nameof(store), store, "Unknown store network."),
    };

    /// <summary>The short display name of a network.</summary>
    public static string Of(StoreNetwork store) => store switch
    {
        StoreNetwork.Indomaret => "Indomaret",
        StoreNetwork.Alfamart => "Alfamart",
        _ => throw new ArgumentOutOfRangeException(nameof(store), store, "Unknown store network."),
    };
}

/// <summary>Maps grain snapshots to the wire.</summary>
public static class CheckoutResponseMapping
{
    // Jakarta keeps WIB (UTC+7) all year; no daylight saving, so a fixed offset is exact.
    private static readonly TimeSpan _jakartaOffset = TimeSpan.FromHours(7);

    /// <summary>The wire name of a status. Explicit, so renaming an enum member never changes the API.</summary>
    public static string WireName(this CheckoutStatus status) => status switch
    {
        CheckoutStatus.Created => "created",
        CheckoutStatus.Registered => "registered",
        CheckoutStatus.Notified => "notified",
        CheckoutStatus.Confirmed => "confirmed",
        CheckoutStatus.Fulfilled => "fulfilled",
        CheckoutStatus.Expired => "expired",
        CheckoutStatus.Cancelled => "cancelled",
        CheckoutStatus.Failed => "failed",
        CheckoutStatus.Reversed => "reversed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown checkout status."),
    };

    /// <summary>The checkout as merchants see it.</summary>
    public static CheckoutResponse AsResponse(this CheckoutSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new CheckoutResponse
        {
            ReferenceNo = snapshot.ReferenceNo,
            Status = snapshot.Status.WireName(),
            Amount = snapshot.Amount,
            Currency = snapshot.Currency,
            Store = StoreNames.WireName(snapshot.Store),
            PaymentCode = snapshot.PaymentCode,
            ExpiresAt = snapshot.ExpiresAt,
            TransactionId = snapshot.TransactionId,
            CreatedAt = snapshot.CreatedAt,
            UpdatedAt = snapshot.UpdatedAt,
            Version = snapshot.Version,
            Instructions = snapshot.Instructions(),
            GoodsName = snapshot.GoodsName,
            Customer = new CustomerResponse(snapshot.Customer.Name, snapshot.Customer.Phone, snapshot.Customer.Email),
            Metadata = snapshot.Metadata,
            PaidAt = snapshot.PaidAt,
            FailureReason = snapshot.FailureReason,
            RequiresAttention = snapshot.RequiresAttention,
        };
    }

    /// <summary>
    /// The customer's instructions, while the code can be paid (status registered); null before a code exists and
    /// once it can no longer be paid, so nobody is told to pay a cancelled or expired code.
    /// </summary>
    public static PaymentInstructions? Instructions(this CheckoutSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Status != CheckoutStatus.Registered || string.IsNullOrEmpty(snapshot.PaymentCode))
        {
            return null;
        }

        var amount = CreateCheckoutValidator.Rupiah(snapshot.Amount);
        var payee = $"NICEPAY {snapshot.MerchantName}";
        var payBefore = snapshot.ExpiresAt.ToOffset(_jakartaOffset);
        var deadline = payBefore.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " WIB (Jakarta time)";
        var (stores, closed) = snapshot.Store switch
        {
            StoreNetwork.Indomaret => ("Indomaret", "Indomaret does not take these payments from 23:00 to 01:00 WIB."),
            _ => ("Alfamart, Alfamidi, Lawson or Dan+Dan", "Alfamart and Alfamidi do not take these payments from 22:00 to 01:00 WIB."),
        };

        return new PaymentInstructions
        {
            StoreName = stores,
            PaymentCode = snapshot.PaymentCode,
            Amount = snapshot.Amount,
            AmountFormatted = amount,
            PayeeName = payee,
            PayBefore = payBefore,
            Steps =
            [
                $"Go to any {stores} store.",
                $"Tell the cashier you want to pay a NICEPAY payment to {snapshot.MerchantName}.",
                $"Give the payment code {snapshot.PaymentCode}.",
                $"Pay exactly {amount} in cash before {deadline}. {closed}",
                "Keep the receipt as proof of payment.",
            ],
        };
    }
}
