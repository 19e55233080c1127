namespace Orchestrator.Contracts.Checkouts;

/// <summary>
/// The customer a checkout is for, as the merchant gave it. NICEPAY requires a name, phone and e-mail.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.customer")]
public sealed record Customer
{
    /// <summary>The customer's name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>The customer's phone number (digits, optionally with a leading +).</summary>
    [Id(1)] public required string Phone { get; init; }

    /// <summary>The customer's e-mail address.</summary>
    [Id(2)] public required string Email { get; init; }
}

/// <summary>
/// A checkout as the merchant sees it: the current status, the payment code and the version of the last transition.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.checkout-snapshot")]
public sealed record CheckoutSnapshot
{
    /// <summary>The merchant that owns the checkout.</summary>
    [Id(0)] public required string MerchantId { get; init; }

    /// <summary>The merchant's own reference (order number).</summary>
    [Id(1)] public required string ReferenceNo { get; init; }

    /// <summary>The current status.</summary>
    [Id(2)] public required CheckoutStatus Status { get; init; }

    /// <summary>The amount in whole rupiah. IDR has no minor unit in practice and NICEPAY refuses decimals.</summary>
    [Id(3)] public required long Amount { get; init; }

    /// <summary>ISO 4217 currency; always IDR.</summary>
    [Id(4)] public required string Currency { get; init; }

    /// <summary>The store network the payment code is valid at.</summary>
    [Id(5)] public required StoreNetwork Store { get; init; }

    /// <summary>What the customer buys, as shown on NICEPAY's records.</summary>
    [Id(6)] public required string GoodsName { get; init; }

    /// <summary>The customer.</summary>
    [Id(7)] public required Customer Customer { get; init; }

    /// <summary>The merchant's own key/value pairs, returned as given.</summary>
    [Id(8)] public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The payment code (NICEPAY <c>payNo</c>) the customer gives the cashier; null until registered.</summary>
    [Id(9)] public string? PaymentCode { get; init; }

    /// <summary>NICEPAY's transaction id (<c>tXid</c>); null until registered.</summary>
    [Id(10)] public string? TransactionId { get; init; }

    /// <summary>When the payment code stops being payable.</summary>
    [Id(11)] public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the checkout was created.</summary>
    [Id(12)] public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last transition happened.</summary>
    [Id(13)] public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Increases by one with every transition; carried in every response and event.</summary>
    [Id(14)] public required int Version { get; init; }

    /// <summary>When the payment was made at the store, as NICEPAY reports it.</summary>
    [Id(15)] public DateTimeOffset? PaidAt { get; init; }

    /// <summary>Why the checkout failed (machine-readable), when it did.</summary>
    [Id(16)] public string? FailureReason { get; init; }

    /// <summary>True while an anomaly (amount mismatch, reversal, contradiction) waits for an operator.</summary>
    [Id(17)] public bool RequiresAttention { get; init; }

    /// <summary>The merchant's display name, as the cashier will say it.</summary>
    [Id(18)] public required string MerchantName { get; init; }
}
