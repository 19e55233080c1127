using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Search;
using Orchestrator.Grains.Search;

namespace Orchestrator.Api.Tests;

/// <summary>The development profile's read model on its own: version guard, filters, keyset pages, cursors.</summary>
public sealed class InMemoryCheckoutIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Publish_OlderOrEqualVersionAfterNewer_KeepsTheNewer()
    {
        var index = new InMemoryCheckoutIndex();

        await index.PublishAsync(Entry("m1", "r1", version: 3, CheckoutStatus.Confirmed));
        await index.PublishAsync(Entry("m1", "r1", version: 2, CheckoutStatus.Registered));
        await index.PublishAsync(Entry("m1", "r1", version: 3, CheckoutStatus.Expired));

        var row = index.Find("m1", "r1");
        Assert.Equal((3, CheckoutStatus.Confirmed), (row?.Version, row?.Status));
    }

    [Fact]
    public async Task Publish_ConcurrentOutOfOrderVersions_EndsAtTheHighestForEveryCheckout()
    {
        var index = new InMemoryCheckoutIndex();
        var publishes = Enumerable.Range(0, 20)
            .SelectMany(checkout => Enumerable.Range(1, 30).Select(version => Entry("m1", $"r{checkout}", version)))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();

        await Parallel.ForEachAsync(publishes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, (entry, _) => index.PublishAsync(entry));

        Assert.Equal(20, index.Count);
        Assert.All(Enumerable.Range(0, 20), checkout => Assert.Equal(30, index.Find("m1", $"r{checkout}")?.Version));
    }

    [Fact]
    public async Task Search_EachFilter_SelectsOnlyMatchingRows()
    {
        var index = new InMemoryCheckoutIndex();
        await index.PublishAsync(Entry("m1", "a", 1, CheckoutStatus.Registered, StoreNetwork.Indomaret, created: T0, code: "111", txid: "TX1"));
        await index.PublishAsync(Entry("m1", "b", 1, CheckoutStatus.Confirmed, StoreNetwork.Alfamart, created: T0.AddMinutes(1), code: "222", txid: "TX2", attention: true));
        await index.PublishAsync(Entry("m2", "c", 1, CheckoutStatus.Registered, StoreNetwork.Alfamart, created: T0.AddMinutes(2), code: "333", txid: "TX3"));

        Assert.Equal(["b", "a"], await ReferencesAsync(index, new CheckoutSearchQuery { MerchantId = "m1" }));
        Assert.Equal(["c", "a"], await ReferencesAsync(index, new CheckoutSearchQuery { Status = CheckoutStatus.Registered }));
        Assert.Equal(["c", "b"], await ReferencesAsync(index, new CheckoutSearchQuery { Store = StoreNetwork.Alfamart }));
        Assert.Equal(["c", "b"], await ReferencesAsync(index, new CheckoutSearchQuery { CreatedFrom = T0.AddMinutes(1) }));
        Assert.Equal(["a"], await ReferencesAsync(index, new CheckoutSearchQuery { CreatedTo = T0.AddMinutes(1) }));
        Assert.Equal(["c"], await ReferencesAsync(index, new CheckoutSearchQuery { PaymentCode = "333" }));
        Assert.Equal(["b"], await ReferencesAsync(index, new CheckoutSearchQuery { TransactionId = "TX2" }));
        Assert.Equal(["b"], await ReferencesAsync(index, new CheckoutSearchQuery { RequiresAttention = true }));
        Assert.Equal(["c", "a"], await ReferencesAsync(index, new CheckoutSearchQuery { RequiresAttention = false }));
        Assert.Equal(["a"], await ReferencesAsync(index, new CheckoutSearchQuery { MerchantId = "m1", Store = StoreNetwork.Indomaret }));
        Assert.Empty(await ReferencesAsync(index, new CheckoutSearchQuery { MerchantId = "nobody" }));
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(null, 3)]
    [InlineData(null, 500)]
    [InlineData("m1", 2)]
    public async Task Search_PageByPage_ReturnsEveryRowOnceNewestFirst(string? merchantId, int limit)
    {
        var index = new InMemoryCheckoutIndex();
        var expected = new List<CheckoutIndexEntry>();
        for (var i = 0; i < 17; i++)
        {
            // Three checkouts share each creation time, across two merchants: ties are broken by merchant, then reference.
            var entry = Entry(i % 2 == 0 ? "m1" : "m2", $"r{i:00}", 1, created: T0.AddSeconds(i / 3));
            await index.PublishAsync(entry);
            if (merchantId is null || entry.MerchantId == merchantId)
            {
                expected.Add(entry);
            }
        }

        var seen = await AllPagesAsync(index, new CheckoutSearchQuery { MerchantId = merchantId, Limit = limit });

        var newestFirst = expected
            .OrderByDescending(e => e.CreatedAt)
            .ThenByDescending(e => e.MerchantId, StringComparer.Ordinal)
            .ThenByDescending(e => e.ReferenceNo, StringComparer.Ordinal)
            .Select(e => $"{e.MerchantId}/{e.ReferenceNo}");
        Assert.Equal(newestFirst, seen);
    }

    [Fact]
    public async Task Search_LastPage_HasNoNextCursor()
    {
        var index = new InMemoryCheckoutIndex();
        await index.PublishAsync(Entry("m1", "a", 1));
        await index.PublishAsync(Entry("m1", "b", 1, created: T0.AddSeconds(1)));

        var exact = await index.SearchAsync(new CheckoutSearchQuery { Limit = 2 }, CancellationToken.None);
        var first = await index.SearchAsync(new CheckoutSearchQuery { Limit = 1 }, CancellationToken.None);

        Assert.Null(exact.Next);
        Assert.NotNull(first.Next);
    }

    [Fact]
    public async Task Search_WithAlteredCursor_ThrowsNamingAfter()
    {
        var index = new InMemoryCheckoutIndex();
        await index.PublishAsync(Entry("m1", "a", 1));
        await index.PublishAsync(Entry("m1", "b", 1, created: T0.AddSeconds(1)));
        var next = (await index.SearchAsync(new CheckoutSearchQuery { Limit = 1 }, CancellationToken.None)).Next!;
        var altered = next[..5] + (next[5] == 'A' ? 'B' : 'A') + next[6..];

        foreach (var cursor in new[] { altered, next[..^3], "not a cursor", "", new string('A', 2000) })
        {
            var exception = await Assert.ThrowsAnyAsync<ArgumentException>(
                () => index.SearchAsync(new CheckoutSearchQuery { Limit = 1, After = cursor }, CancellationToken.None));
            Assert.Equal(nameof(CheckoutSearchQuery.After), exception.ParamName);
        }
    }

    [Fact]
    public async Task Search_CursorWithOtherFilters_ThrowsNamingAfter()
    {
        var index = new InMemoryCheckoutIndex();
        await index.PublishAsync(Entry("m1", "a", 1));
        await index.PublishAsync(Entry("m1", "b", 1, created: T0.AddSeconds(1)));
        var next = (await index.SearchAsync(new CheckoutSearchQuery { MerchantId = "m1", Limit = 1 }, CancellationToken.None)).Next!;

        var exception = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => index.SearchAsync(new CheckoutSearchQuery { MerchantId = "m2", Limit = 1, After = next }, CancellationToken.None));

        Assert.Equal(nameof(CheckoutSearchQuery.After), exception.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task Search_WithLimitOutOfRange_ThrowsNamingLimit(int limit)
    {
        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => new InMemoryCheckoutIndex().SearchAsync(new CheckoutSearchQuery { Limit = limit }, CancellationToken.None));

        Assert.Equal(nameof(CheckoutSearchQuery.Limit), exception.ParamName);
    }

    [Fact]
    public async Task CountByStatus_CountsAllOrOneMerchant()
    {
        var index = new InMemoryCheckoutIndex();
        await index.PublishAsync(Entry("m1", "a", 1, CheckoutStatus.Registered));
        await index.PublishAsync(Entry("m1", "b", 1, CheckoutStatus.Registered));
        await index.PublishAsync(Entry("m2", "c", 1, CheckoutStatus.Expired));

        var all = await index.CountByStatusAsync(null, CancellationToken.None);
        var m2 = await index.CountByStatusAsync("m2", CancellationToken.None);

        Assert.Equal(new Dictionary<CheckoutStatus, long> { [CheckoutStatus.Registered] = 2, [CheckoutStatus.Expired] = 1 }, all);
        Assert.Equal(new Dictionary<CheckoutStatus, long> { [CheckoutStatus.Expired] = 1 }, m2);
    }

    internal static CheckoutIndexEntry Entry(
        string merchant,
        string reference,
        int version,
        CheckoutStatus status = CheckoutStatus.Registered,
        StoreNetwork store = StoreNetwork.Indomaret,
        DateTimeOffset? created = null,
        string? code = null,
        string? txid = null,
        bool attention = false) => new()
        {
            MerchantId = merchant,
            ReferenceNo = reference,
            Status = status,
            Store = store,
            Amount = 150_000,
            PaymentCode = code,
            TransactionId = txid,
            CreatedAt = created ?? T0,
            UpdatedAt = (created ?? T0).AddSeconds(version),
            Version = version,
            RequiresAttention = attention,
        };

    private static async Task<List<string>> ReferencesAsync(InMemoryCheckoutIndex index, CheckoutSearchQuery query) =>
        [.. (await index.SearchAsync(query, CancellationToken.None)).Items.Select(item => item.ReferenceNo)];

    private static async Task<List<string>> AllPagesAsync(InMemoryCheckoutIndex index, CheckoutSearchQuery query)
    {
        var seen = new List<string>();
        string? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await index.SearchAsync(query with { After = after }, CancellationToken.None);
            Assert.True(page.Items.Count <= query.Limit, $"page {pages} has {page.Items.Count} rows for a limit of {query.Limit}");
            seen.AddRange(page.Items.Select(item => $"{item.MerchantId}/{item.ReferenceNo}"));
            if (page.Next is null)
            {
                return seen;
            }

            after = page.Next;
        }

        Assert.Fail("More than 100 pages: the cursor does not advance.");
        return seen;
    }
}
