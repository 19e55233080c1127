using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Search;

namespace Orchestrator.Grains.Search;

/// <summary>
/// The operator read model of the development profile: one row per checkout in this process's memory, lost with it
/// like everything else in that profile. Same semantics as the PostgreSQL one: version-guarded (a row is never
/// replaced by a lower or equal version), every filter of <see cref="CheckoutSearchQuery"/>, newest first with the
/// shared keyset cursor (<see cref="CheckoutSearchCursor"/>).
/// </summary>
/// <remarks>
/// Thread-safe: one lock around a dictionary. A search scans every row, which is fine for what one development process
/// holds and keeps this class obviously correct; it is not meant for production volumes.
/// </remarks>
public sealed class InMemoryCheckoutIndex : ICheckoutIndex, ICheckoutSearch
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string MerchantId, string ReferenceNo), CheckoutIndexEntry> _rows = [];

    /// <summary>How many checkouts the index holds.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _rows.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask PublishAsync(CheckoutIndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = (entry.MerchantId, entry.ReferenceNo);
        lock (_gate)
        {
            if (!_rows.TryGetValue(key, out var current) || current.Version < entry.Version)
            {
                _rows[key] = entry;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The row of one checkout, or null.</summary>
    public CheckoutIndexEntry? Find(string merchantId, string referenceNo)
    {
        lock (_gate)
        {
            return _rows.GetValueOrDefault((merchantId, referenceNo));
        }
    }

    /// <inheritdoc />
    public Task<CheckoutSearchPage> SearchAsync(CheckoutSearchQuery query, CancellationToken cancellationToken)
    {
        var after = CheckoutSearchRules.Validate(query);
        List<CheckoutIndexEntry> matching;
        lock (_gate)
        {
            matching = [.. _rows.Values.Where(entry => Matches(query, entry) && (after is null || after.Precedes(entry)))];
        }

        var rows = matching
            .OrderBy(CheckoutSearchPosition.Of, CheckoutSearchRules.NewestFirst)
            .Take(query.Limit + 1)
            .ToList();
        return Task.FromResult(CheckoutSearchRules.Page(query, rows));
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<CheckoutStatus, long>> CountByStatusAsync(string? merchantId, CancellationToken cancellationToken)
    {
        Dictionary<CheckoutStatus, long> counts = [];
        lock (_gate)
        {
            foreach (var entry in _rows.Values)
            {
                if (merchantId is null || string.Equals(entry.MerchantId, merchantId, StringComparison.Ordinal))
                {
                    counts[entry.Status] = counts.GetValueOrDefault(entry.Status) + 1;
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<CheckoutStatus, long>>(counts);
    }

    private static bool Matches(CheckoutSearchQuery query, CheckoutIndexEntry entry) =>
        (query.MerchantId is null || string.Equals(entry.MerchantId, query.MerchantId, StringComparison.Ordinal))
        && (query.Status is null || entry.Status == query.Status)
        && (query.Store is null || entry.Store == query.Store)
        && (query.CreatedFrom is null || entry.CreatedAt >= query.CreatedFrom)
        && (query.CreatedTo is null || entry.CreatedAt < query.CreatedTo)
        && (query.PaymentCode is null || string.Equals(entry.PaymentCode, query.PaymentCode, StringComparison.Ordinal))
        && (query.TransactionId is null || string.Equals(entry.TransactionId, query.TransactionId, StringComparison.Ordinal))
        && (query.RequiresAttention is null || entry.RequiresAttention == query.RequiresAttention);
}
