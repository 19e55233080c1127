using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Contracts.Search;

/// <summary>One row of the operator read model: what operators search checkouts by.</summary>
public sealed record CheckoutIndexEntry
{
    /// <summary>The owning merchant.</summary>
    public required string MerchantId { get; init; }

    /// <summary>The merchant's reference.</summary>
    public required string ReferenceNo { get; init; }

    /// <summary>The status after the transition.</summary>
    public required CheckoutStatus Status { get; init; }

    /// <summary>The store network.</summary>
    public required StoreNetwork Store { get; init; }

    /// <summary>The amount in whole rupiah.</summary>
    public required long Amount { get; init; }

    /// <summary>The payment code, once issued.</summary>
    public string? PaymentCode { get; init; }

    /// <summary>NICEPAY's transaction id, once known.</summary>
    public string? TransactionId { get; init; }

    /// <summary>When the checkout was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last transition happened.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The checkout version this row reflects; a row is never replaced by a lower version.</summary>
    public required int Version { get; init; }

    /// <summary>Whether an anomaly waits for an operator.</summary>
    public bool RequiresAttention { get; init; }
}

/// <summary>
/// Where checkout grains publish their state after each persisted transition (and on activation, which repairs a row
/// lost in a crash). Implementations apply entries version-guarded — an older version never overwrites a newer one — and
/// may batch: publishing must not make a grain wait on the read model.
/// </summary>
public interface ICheckoutIndex
{
    /// <summary>Publishes the checkout's current row.</summary>
    ValueTask PublishAsync(CheckoutIndexEntry entry);
}

/// <summary>Filters for <see cref="ICheckoutSearch.SearchAsync"/>; every filter is optional.</summary>
public sealed record CheckoutSearchQuery
{
    /// <summary>Only this merchant's checkouts.</summary>
    public string? MerchantId { get; init; }

    /// <summary>Only checkouts in this status.</summary>
    public CheckoutStatus? Status { get; init; }

    /// <summary>Only this store network.</summary>
    public StoreNetwork? Store { get; init; }

    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Created before.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>The payment code (exact).</summary>
    public string? PaymentCode { get; init; }

    /// <summary>NICEPAY's transaction id (exact).</summary>
    public string? TransactionId { get; init; }

    /// <summary>Only checkouts flagged for an operator.</summary>
    public bool? RequiresAttention { get; init; }

    /// <summary>Page size (1–500).</summary>
    public int Limit { get; init; } = 50;

    /// <summary>The opaque cursor returned by the previous page (keyset pagination, newest first); null for the first page.</summary>
    public string? After { get; init; }
}

/// <summary>One page of search results, newest first.</summary>
public sealed record CheckoutSearchPage
{
    /// <summary>The rows.</summary>
    public required IReadOnlyList<CheckoutIndexEntry> Items { get; init; }

    /// <summary>The cursor for the next page; null when this is the last one.</summary>
    public string? Next { get; init; }
}

/// <summary>Operator queries over the read model.</summary>
public interface ICheckoutSearch
{
    /// <summary>Searches checkouts, newest first, with keyset pagination.</summary>
    /// <exception cref="ArgumentException">
    /// A query value is invalid; <see cref="ArgumentException.ParamName"/> names the query member
    /// (<c>After</c> for a malformed or foreign cursor, <c>Limit</c> for a page size out of range).
    /// </exception>
    Task<CheckoutSearchPage> SearchAsync(CheckoutSearchQuery query, CancellationToken cancellationToken);

    /// <summary>Counts checkouts by status, optionally for one merchant.</summary>
    Task<IReadOnlyDictionary<CheckoutStatus, long>> CountByStatusAsync(string? merchantId, CancellationToken cancellationToken);
}
