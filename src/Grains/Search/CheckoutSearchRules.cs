using Orchestrator.Contracts.Search;

namespace Orchestrator.Grains.Search;

/// <summary>What every <see cref="ICheckoutSearch"/> implementation agrees on: page sizes and the order of rows.</summary>
public static class CheckoutSearchRules
{
    /// <summary>The smallest page.</summary>
    public const int MinLimit = 1;

    /// <summary>The largest page.</summary>
    public const int MaxLimit = 500;

    /// <summary>
    /// Newest first: creation time descending, then merchant id, then reference, both descending and compared
    /// ordinally (PostgreSQL's <c>COLLATE "C"</c> compares the same way for the ASCII ids the API accepts).
    /// </summary>
    public static IComparer<CheckoutSearchPosition> NewestFirst { get; } = Comparer<CheckoutSearchPosition>.Create((x, y) =>
    {
        var byTime = y.CreatedAt.UtcTicks.CompareTo(x.CreatedAt.UtcTicks);
        if (byTime != 0)
        {
            return byTime;
        }

        var byMerchant = string.CompareOrdinal(y.MerchantId, x.MerchantId);
        return byMerchant != 0 ? byMerchant : string.CompareOrdinal(y.ReferenceNo, x.ReferenceNo);
    });

    /// <summary>Checks the page size and decodes the cursor.</summary>
    /// <returns>The position to resume after, or null for a first page.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The limit is outside 1–500 (parameter <c>Limit</c>).</exception>
    /// <exception cref="ArgumentException">The cursor is not valid for this query (parameter <c>After</c>).</exception>
    public static CheckoutSearchPosition? Validate(CheckoutSearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < MinLimit or > MaxLimit)
        {
            // ParamName is the query member at fault, which callers map to their own parameter names.
#pragma warning disable CA2208
            throw new ArgumentOutOfRangeException(
                nameof(CheckoutSearchQuery.Limit), query.Limit, $"The page size must be {MinLimit}–{MaxLimit}.");
#pragma warning restore CA2208
        }

        return CheckoutSearchCursor.Decode(query);
    }

    /// <summary>
    /// The page for rows already filtered and ordered newest first, of which at most <c>Limit + 1</c> were read: the
    /// extra row only says that there is a next page, whose cursor is the position of the last row returned.
    /// </summary>
    public static CheckoutSearchPage Page(CheckoutSearchQuery query, IReadOnlyList<CheckoutIndexEntry> rowsPlusOne)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(rowsPlusOne);
        if (rowsPlusOne.Count <= query.Limit)
        {
            return new CheckoutSearchPage { Items = rowsPlusOne, Next = null };
        }

        var items = rowsPlusOne.Take(query.Limit).ToList();
        return new CheckoutSearchPage
        {
            Items = items,
            Next = CheckoutSearchCursor.Encode(CheckoutSearchPosition.Of(items[^1]), query),
        };
    }
}
