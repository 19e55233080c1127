using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Search;
using Orchestrator.Grains.Search;
using Orchestrator.Storage.Migrations;
using Orchestrator.Storage.Search;
using Orchestrator.StorageTests.Infrastructure;
using Orchestrator.TestSupport.Postgres;

namespace Orchestrator.StorageTests;

/// <summary>
/// The PostgreSQL read model against a real PostgreSQL: batching and coalescing, the version guard under concurrent
/// out-of-order writers, search and counts (checked row for row against the in-memory index, so both implementations
/// mean the same), the buffer's limits, and riding out a PostgreSQL restart.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class PostgresCheckoutIndexTests(PostgresServerFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // Whole seconds: PostgreSQL keeps microseconds, the in-memory index ticks; both then hold the same instants.
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Publish_ThousandCheckouts_AreWrittenInAFewMultiRowBatches()
    {
        var database = await MigratedAsync();
        await using var index = await StartAsync(database);

        for (var i = 0; i < 1000; i++)
        {
            await index.PublishAsync(Entry("m1", $"r{i:0000}", 1));
        }

        await FlushAsync(index);

        Assert.Equal(1000L, await CountRowsAsync(database));
        var statistics = index.Statistics;
        Assert.Equal(1000L, statistics.RowsWritten);
        // 1000 rows, 256 per batch: four batches, give or take a window that closed early.
        Assert.InRange(statistics.Batches, 4, 8);
    }

    [Fact]
    public async Task Publish_OneCheckoutManyVersionsQuickly_CoalescesToTheHighest()
    {
        var database = await MigratedAsync();
        await using var index = await StartAsync(database);

        for (var version = 1; version <= 200; version++)
        {
            await index.PublishAsync(Entry("m1", "hot", version, StatusFor(version)));
        }

        await FlushAsync(index);

        Assert.Equal((200, StatusFor(200).ToString()), await VersionAndStatusAsync(database, "m1", "hot"));
        Assert.True(index.Statistics.RowsWritten < 20, $"200 publishes of one checkout wrote {index.Statistics.RowsWritten} rows; expected them coalesced.");
    }

    [Fact]
    public async Task TwoWriters_ConcurrentOutOfOrderPublishes_RowsNeverGoBackwardsAndEndAtTheHighestVersion()
    {
        var database = await MigratedAsync();
        // Tiny windows and batches: many statements, interleaved between the two writers.
        await using var a = await StartAsync(database, o => (o.BatchSize, o.FlushInterval) = (7, TimeSpan.FromMilliseconds(1)));
        await using var b = await StartAsync(database, o => (o.BatchSize, o.FlushInterval) = (5, TimeSpan.FromMilliseconds(2)));
        const int Checkouts = 40;
        const int Versions = 30;
        var publishes = Enumerable.Range(0, Checkouts)
            .SelectMany(c => Enumerable.Range(1, Versions).Select(v => Entry("m1", $"r{c:00}", v, StatusFor(v))))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();

        // Meanwhile, a reader checks that no row it sees ever has a lower version than it saw before.
        using var stop = new CancellationTokenSource();
        var backwards = new ConcurrentBag<string>();
        var watcher = Task.Run(async () =>
        {
            var highest = new Dictionary<string, int>();
            while (!stop.IsCancellationRequested)
            {
                foreach (var (reference, version) in await Db.ListAsync(database, "SELECT reference_no, version FROM checkout_index", r => (r.GetString(0), r.GetInt32(1))))
                {
                    if (version < highest.GetValueOrDefault(reference))
                    {
                        backwards.Add($"{reference}: {highest[reference]} → {version}");
                    }

                    highest[reference] = Math.Max(version, highest.GetValueOrDefault(reference));
                }
            }
        });

        await Parallel.ForEachAsync(
            publishes.Select((entry, i) => (entry, writer: i % 2 == 0 ? a : b)),
            new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (item, _) => await item.writer.PublishAsync(item.entry));
        await FlushAsync(a);
        await FlushAsync(b);
        await stop.CancelAsync();
        await watcher;

        Assert.Empty(backwards);
        var rows = await Db.ListAsync(database, "SELECT version, status, updated_at FROM checkout_index", r => (r.GetInt32(0), r.GetString(1), r.GetDateTime(2)));
        Assert.Equal(Checkouts, rows.Count);
        Assert.All(rows, row => Assert.Equal((Versions, StatusFor(Versions).ToString(), T0.AddSeconds(Versions).UtcDateTime), row));
        Assert.True(a.Statistics.Batches + b.Statistics.Batches > 10, "the writers should have interleaved many statements");
    }

    [Fact]
    public async Task Search_EveryFilterAndPageSize_ReturnsExactlyWhatTheInMemoryIndexReturns()
    {
        var database = await MigratedAsync();
        await using var index = await StartAsync(database);
        var memory = new InMemoryCheckoutIndex();
        foreach (var entry in VariedRows())
        {
            await index.PublishAsync(entry);
            await memory.PublishAsync(entry);
        }

        await FlushAsync(index);

        foreach (var query in Queries())
        {
            var expected = await AllPagesAsync(memory, query);
            var actual = await AllPagesAsync(index, query);
            Assert.True(expected.SequenceEqual(actual), $"{query}:{Environment.NewLine}memory:   {string.Join(" | ", expected)}{Environment.NewLine}postgres: {string.Join(" | ", actual)}");
        }
    }

    [Fact]
    public async Task Search_PageByPage_ReturnsEveryRowOnceWithoutGaps()
    {
        var database = await MigratedAsync();
        await using var index = await StartAsync(database);
        var rows = VariedRows().ToList();
        foreach (var entry in rows)
        {
            await index.PublishAsync(entry);
        }

        await FlushAsync(index);

        var pages = await AllPagesAsync(index, new CheckoutSearchQuery { Limit = 4 });

        var keys = pages.Where(line => !line.StartsWith("next=", StringComparison.Ordinal)).Select(line => line.Split(' ')[0]).ToList();
        Assert.Equal(12, pages.Count - keys.Count);
        Assert.Equal(rows.Count, keys.Count);
        Assert.Equal(rows.Select(r => $"{r.MerchantId}/{r.ReferenceNo}").Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CountByStatus_ForAllAndOneMerchant_MatchesTheInMemoryIndex()
    {
        var database = await MigratedAsync();
        await using var index = await StartAsync(database);
        var memory = new InMemoryCheckoutIndex();
        foreach (var entry in VariedRows())
        {
            await index.PublishAsync(entry);
            await memory.PublishAsync(entry);
        }

        await FlushAsync(index);

        foreach (var merchant in new[] { null, "m1", "m2", "nobody" })
        {
            var expected = await memory.CountByStatusAsync(merchant, CancellationToken.None);
            var actual = await index.CountByStatusAsync(merchant, CancellationToken.None);
            Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public async Task Search_WithAlteredCursor_ThrowsNamingAfter()
    {
        var database = await MigratedAsync();
        await using var index = await StartAsync(database);
        await index.PublishAsync(Entry("m1", "a", 1));
        await index.PublishAsync(Entry("m1", "b", 1, created: T0.AddSeconds(1)));
        await FlushAsync(index);
        var next = (await index.SearchAsync(new CheckoutSearchQuery { Limit = 1 }, CancellationToken.None)).Next!;

        var exception = await Assert.ThrowsAnyAsync<ArgumentException>(() => index.SearchAsync(
            new CheckoutSearchQuery { Limit = 1, After = next[..4] + (next[4] == 'x' ? 'y' : 'x') + next[5..] }, CancellationToken.None));

        Assert.Equal(nameof(CheckoutSearchQuery.After), exception.ParamName);
    }

    [Fact]
    public async Task Services_SharingADatabase_NeverSeeEachOthersRows()
    {
        var database = await MigratedAsync();
        await using var blue = await StartAsync(database, o => o.ServiceId = "blue");
        await using var green = await StartAsync(database, o => o.ServiceId = "green");

        await blue.PublishAsync(Entry("m1", "same-ref", 1, CheckoutStatus.Registered));
        await green.PublishAsync(Entry("m1", "same-ref", 5, CheckoutStatus.Confirmed));
        await FlushAsync(blue);
        await FlushAsync(green);

        var blueRow = Assert.Single((await blue.SearchAsync(new CheckoutSearchQuery(), CancellationToken.None)).Items);
        Assert.Equal((1, CheckoutStatus.Registered), (blueRow.Version, blueRow.Status));
        Assert.Equal(1L, (await green.CountByStatusAsync(null, CancellationToken.None))[CheckoutStatus.Confirmed]);
    }

    [Fact]
    public async Task Stop_WithRowsWaiting_WritesThemBeforeReturning()
    {
        var database = await MigratedAsync();
        var index = await StartAsync(database, o => o.FlushInterval = TimeSpan.FromMinutes(1));
        for (var i = 0; i < 10; i++)
        {
            await index.PublishAsync(Entry("m1", $"r{i}", 1));
        }

        await index.StopAsync(CancellationToken.None);
        await index.DisposeAsync();

        Assert.Equal(10L, await CountRowsAsync(database));
    }

    [Fact]
    public async Task Publish_WhenTheBufferIsFull_DropsNewCheckoutsButTakesUpdatesOfWaitingOnes()
    {
        var database = await MigratedAsync();
        // Not started: nothing drains the buffer.
        await using var index = new PostgresCheckoutIndex(
            database, new PostgresCheckoutIndexOptions { ServiceId = "svc", Capacity = 10, BatchSize = 10 }, TimeProvider.System, NullLogger<PostgresCheckoutIndex>.Instance);

        for (var i = 0; i < 15; i++)
        {
            await index.PublishAsync(Entry("m1", $"r{i}", 1));
        }

        await index.PublishAsync(Entry("m1", "r0", 2));

        var statistics = index.Statistics;
        Assert.Equal((16L, 5L, 10, 1L), (statistics.Published, statistics.Dropped, statistics.Pending, statistics.Coalesced));
    }

    [Fact]
    public async Task Publish_ARowPostgresRefuses_IsDroppedAndTheRestOfItsBatchIsWritten()
    {
        var database = await MigratedAsync();
        await using var index = await StartAsync(database);

        await index.PublishAsync(Entry("m1", "good-1", 1));
        await index.PublishAsync(Entry("m1", "bad", 1) with { Amount = -1 });
        await index.PublishAsync(Entry("m1", "good-2", 1));
        await FlushAsync(index);
        await index.PublishAsync(Entry("m1", "after", 1));
        await FlushAsync(index);

        var references = await Db.ListAsync(database, "SELECT reference_no FROM checkout_index ORDER BY reference_no", r => r.GetString(0));
        Assert.Equal(["after", "good-1", "good-2"], references);
    }

    [Fact]
    public async Task Publish_WhilePostgresIsDown_ReturnsAtOnceAndEveryRowArrivesAfterItRestarts()
    {
        // A server of its own: this test stops it.
        await using var server = await PostgresServer.StartNewAsync();
        var database = await server.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(database);
        await using var index = await StartAsync(database, o => o.MaxRetryDelay = TimeSpan.FromMilliseconds(200));
        await index.PublishAsync(Entry("m1", "before", 1));
        await FlushAsync(index);

        await server.StopAsync(immediate: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 300; i++)
        {
            var publish = index.PublishAsync(Entry("m1", $"during-{i:000}", 1));
            Assert.True(publish.IsCompletedSuccessfully, "PublishAsync must complete synchronously, whatever the database does");
        }

        await index.PublishAsync(Entry("m1", "before", 2, CheckoutStatus.Confirmed));
        var publishTime = clock.Elapsed;
        await WaitUntilAsync(() => index.Statistics.FailedAttempts >= 2, "the writer to fail against the stopped server");
        await server.StartAsync();
        await FlushAsync(index);

        Assert.True(publishTime < TimeSpan.FromMilliseconds(500), $"301 publishes while PostgreSQL was down took {publishTime.TotalMilliseconds:0} ms");
        Assert.Equal(301L, await CountRowsAsync(database));
        Assert.Equal((2, "Confirmed"), await VersionAndStatusAsync(database, "m1", "before"));
        Assert.Equal(301, (await index.SearchAsync(new CheckoutSearchQuery { Limit = 500 }, CancellationToken.None)).Items.Count);
    }

    internal static CheckoutIndexEntry Entry(
        string merchant, string reference, int version, CheckoutStatus status = CheckoutStatus.Registered, DateTimeOffset? created = null) => new()
        {
            MerchantId = merchant,
            ReferenceNo = reference,
            Status = status,
            Store = StoreNetwork.Indomaret,
            Amount = 150_000,
            CreatedAt = created ?? T0,
            UpdatedAt = T0.AddSeconds(version),
            Version = version,
        };

    private static CheckoutStatus StatusFor(int version) => (CheckoutStatus)(version % 9);

    /// <summary>Two merchants, every status and store, payment codes and tXids on some, attention on a few, tied creation times.</summary>
    private static IEnumerable<CheckoutIndexEntry> VariedRows()
    {
        for (var i = 0; i < 45; i++)
        {
            yield return new CheckoutIndexEntry
            {
                MerchantId = i % 3 == 0 ? "m2" : "m1",
                ReferenceNo = $"ORD-{i % 7}-{i:00}",
                Status = (CheckoutStatus)(i % 9),
                Store = i % 2 == 0 ? StoreNetwork.Indomaret : StoreNetwork.Alfamart,
                Amount = 10_000 + i,
                PaymentCode = i % 4 == 0 ? null : $"PC{i % 5}",
                TransactionId = i % 4 == 0 ? null : $"TX{i}",
                CreatedAt = T0.AddMinutes(i / 3),
                UpdatedAt = T0.AddMinutes(i / 3).AddSeconds(i),
                Version = 1 + (i % 4),
                RequiresAttention = i % 10 == 0,
            };
        }
    }

    private static IEnumerable<CheckoutSearchQuery> Queries()
    {
        foreach (var limit in new[] { 1, 4, 500 })
        {
            yield return new CheckoutSearchQuery { Limit = limit };
            yield return new CheckoutSearchQuery { Limit = limit, MerchantId = "m1" };
        }

        yield return new CheckoutSearchQuery { Limit = 3, Status = CheckoutStatus.Registered };
        yield return new CheckoutSearchQuery { Limit = 3, MerchantId = "m2", Status = CheckoutStatus.Created };
        yield return new CheckoutSearchQuery { Limit = 3, Store = StoreNetwork.Alfamart };
        yield return new CheckoutSearchQuery { Limit = 3, CreatedFrom = T0.AddMinutes(4) };
        yield return new CheckoutSearchQuery { Limit = 3, CreatedTo = T0.AddMinutes(4) };
        yield return new CheckoutSearchQuery { Limit = 2, MerchantId = "m1", CreatedFrom = T0.AddMinutes(2), CreatedTo = T0.AddMinutes(9) };
        yield return new CheckoutSearchQuery { Limit = 2, PaymentCode = "PC1" };
        yield return new CheckoutSearchQuery { Limit = 2, TransactionId = "TX7" };
        yield return new CheckoutSearchQuery { Limit = 2, RequiresAttention = true };
        yield return new CheckoutSearchQuery { Limit = 5, RequiresAttention = false, Store = StoreNetwork.Indomaret };
        yield return new CheckoutSearchQuery { Limit = 5, MerchantId = "nobody" };
    }

    /// <summary>Every page of a search, as "merchant/reference vVersion status" lines, with each page's cursor.</summary>
    private static async Task<List<string>> AllPagesAsync(ICheckoutSearch search, CheckoutSearchQuery query)
    {
        var lines = new List<string>();
        string? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await search.SearchAsync(query with { After = after }, CancellationToken.None);
            lines.AddRange(page.Items.Select(i =>
                $"{i.MerchantId}/{i.ReferenceNo} v{i.Version} {i.Status} {i.Store} {i.Amount} {i.PaymentCode} {i.TransactionId} {i.CreatedAt:O} {i.UpdatedAt:O} {i.RequiresAttention}"));
            lines.Add($"next={page.Next}");
            if (page.Next is null)
            {
                return lines;
            }

            after = page.Next;
        }

        Assert.Fail($"More than 100 pages for {query}: the cursor does not advance.");
        return lines;
    }

    private static async Task<PostgresCheckoutIndex> StartAsync(string database, Action<PostgresCheckoutIndexOptions>? configure = null)
    {
        var options = new PostgresCheckoutIndexOptions { ServiceId = "svc" };
        configure?.Invoke(options);
        var index = new PostgresCheckoutIndex(database, options, TimeProvider.System, NullLogger<PostgresCheckoutIndex>.Instance);
        await index.StartAsync(CancellationToken.None);
        return index;
    }

    private static async Task FlushAsync(PostgresCheckoutIndex index)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await index.FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The index did not flush within {Patience}: {index.Statistics}");
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, $"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }

    private static Task<long> CountRowsAsync(string database) => Db.ScalarAsync<long>(database, "SELECT count(*) FROM checkout_index");

    private static async Task<(int Version, string Status)> VersionAndStatusAsync(string database, string merchant, string reference) =>
        Assert.Single(await Db.ListAsync(
            database,
            "SELECT version, status FROM checkout_index WHERE merchant_id = @m AND reference_no = @r",
            r => (r.GetInt32(0), r.GetString(1)),
            ("m", merchant),
            ("r", reference)));

    private async Task<string> MigratedAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(database);
        return database;
    }
}
