namespace Orchestrator.Contracts.Checkouts;

/// <summary>
/// A merchant's request to take a payment. Sending the same command again returns the same checkout.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.create-checkout")]
public sealed record CreateCheckoutCommand
{
    /// <summary>The merchant's amount in whole rupiah.</summary>
    [Id(0)] public required long Amount { get; init; }

    /// <summary>The store network.</summary>
    [Id(1)] public required StoreNetwork Store { get; init; }

    /// <summary>What the customer buys.</summary>
    [Id(2)] public required string GoodsName { get; init; }

    /// <summary>The customer.</summary>
    [Id(3)] public required Customer Customer { get; init; }

    /// <summary>When the payment code should stop being payable; null takes the configured default.</summary>
    [Id(4)] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The merchant's own key/value pairs.</summary>
    [Id(5)] public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>How a create request was answered.</summary>
public enum CreateCheckoutOutcome
{
    /// <summary>A new checkout was created by this request.</summary>
    Created = 0,

    /// <summary>The same request had already created this checkout; it is returned unchanged.</summary>
    Existing = 1,

    /// <summary>A different request already used this reference; nothing changed.</summary>
    Conflict = 2,
}

/// <summary>The answer to <see cref="ICheckoutGrain.CreateAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.create-checkout-result")]
public sealed record CreateCheckoutResult
{
    /// <summary>How the request was answered.</summary>
    [Id(0)] public required CreateCheckoutOutcome Outcome { get; init; }

    /// <summary>The checkout as it stands after the request.</summary>
    [Id(1)] public required CheckoutSnapshot Checkout { get; init; }

    /// <summary>For a conflict: the fields whose values differ from the existing checkout's.</summary>
    [Id(2)] public IReadOnlyList<string> ConflictingFields { get; init; } = [];
}
