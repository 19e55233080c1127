using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Tests.Infrastructure;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Search;
using Orchestrator.Grains.Search;

namespace Orchestrator.Api.Tests;

/// <summary>
/// <c>GET /ops/checkouts</c> and <c>GET /ops/stats</c> on the development profile's in-memory read model. Rows are put in
/// the host's index directly, under merchant ids (and a creation window) of each test's own, so the shared host's other
/// checkouts never show up.
/// </summary>
[Collection(SharedApiHost.Name)]
public sealed class OperatorSearchTests(OrchestratorApiFactory factory)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    private ICheckoutIndex Index => factory.Services.GetRequiredService<ICheckoutIndex>();

    [Fact]
    public void Host_InDevelopmentWithoutConnectionString_ServesOneInMemoryIndexForGrainsAndOperators()
    {
        var index = factory.Services.GetRequiredService<InMemoryCheckoutIndex>();

        Assert.Same(index, factory.Services.GetRequiredService<ICheckoutIndex>());
        Assert.Same(index, factory.Services.GetRequiredService<ICheckoutSearch>());
    }

    [Fact]
    public async Task SearchCheckouts_AfterCreatingThroughTheMerchantApi_FindsTheCheckoutsAsTheyAre()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var references = new[] { $"SRCH-{Guid.NewGuid():N}"[..24], $"SRCH-{Guid.NewGuid():N}"[..24] };
        using var merchant = factory.CreateClient(OrchestratorApiFactory.DemoKey);
        foreach (var reference in references)
        {
            using var created = await merchant.PostAsJsonAsync("/v1/checkouts", new
            {
                referenceNo = reference,
                amount = 150_000,
                store = "alfamart",
                goodsName = "Coffee beans 1 kg",
                customer = new { name = "Budi Santoso", phone = "+6281234567890", email = "budi@example.com" },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await GetOkAsync($"/ops/checkouts?merchantId=demo&store=alfamart&createdFrom={since:yyyy-MM-ddTHH:mm:ss.fffZ}&limit=500");

        // Other tests create demo checkouts too: ours are there, newest first, matching the checkout itself (which may
        // have moved on since, as NICEPAY is unreachable here and registration retries in the background).
        var ours = page.GetProperty("items").EnumerateArray()
            .Where(item => references.Contains(item.GetProperty("referenceNo").GetString()))
            .ToList();
        Assert.Equal(references.Reverse(), ours.Select(item => item.GetProperty("referenceNo").GetString()));
        foreach (var item in ours)
        {
            using var checkout = JsonDocument.Parse(await merchant.GetStringAsync($"/v1/checkouts/{item.GetProperty("referenceNo").GetString()}"));
            var version = checkout.RootElement.GetProperty("version").GetInt32();
            Assert.InRange(item.GetProperty("version").GetInt32(), 1, version);
            if (item.GetProperty("version").GetInt32() == version)
            {
                Assert.Equal(checkout.RootElement.GetProperty("status").GetString(), item.GetProperty("status").GetString());
            }

            Assert.Equal(checkout.RootElement.GetProperty("createdAt").GetDateTimeOffset(), item.GetProperty("createdAt").GetDateTimeOffset());
            Assert.Equal(("demo", "alfamart", 150_000L), (item.GetProperty("merchantId").GetString(), item.GetProperty("store").GetString(), item.GetProperty("amount").GetInt64()));
        }
    }

    [Fact]
    public async Task SearchCheckouts_ByMerchant_ReturnsItsRowsNewestFirstInWireFormat()
    {
        var merchant = NewMerchantId();
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "ORD-1", 2, CheckoutStatus.Registered, code: "1234", txid: "TX-1", created: T0));
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "ORD-2", 1, CheckoutStatus.Created, StoreNetwork.Alfamart, created: T0.AddMinutes(1)));

        var page = await GetOkAsync($"/ops/checkouts?merchantId={merchant}");

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["ORD-2", "ORD-1"], items.Select(item => item.GetProperty("referenceNo").GetString()));
        var older = items[1];
        Assert.Equal(merchant, older.GetProperty("merchantId").GetString());
        Assert.Equal("registered", older.GetProperty("status").GetString());
        Assert.Equal("indomaret", older.GetProperty("store").GetString());
        Assert.Equal(150_000, older.GetProperty("amount").GetInt64());
        Assert.Equal("1234", older.GetProperty("paymentCode").GetString());
        Assert.Equal("TX-1", older.GetProperty("transactionId").GetString());
        Assert.Equal(T0, older.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(2, older.GetProperty("version").GetInt32());
        Assert.False(older.GetProperty("requiresAttention").GetBoolean());
        Assert.False(items[0].TryGetProperty("paymentCode", out _), "absent values are omitted");
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("status=confirmed", "B")]
    [InlineData("store=alfamart", "C,B")]
    [InlineData("paymentCode=PC-A", "A")]
    [InlineData("transactionId=TX-C", "C")]
    [InlineData("requiresAttention=true", "B")]
    [InlineData("requiresAttention=false", "C,A")]
    [InlineData("createdFrom=2026-11-24T02:01:00Z", "C,B")]
    [InlineData("createdTo=2026-11-24T09:01:00%2B07:00", "A")]
    [InlineData("createdFrom=2026-11-24T02:01:00Z&createdTo=2026-11-24T02:02:00Z", "B")]
    [InlineData("status=registered&store=alfamart", "C")]
    public async Task SearchCheckouts_WithFilter_ReturnsOnlyMatchingRows(string filter, string expected)
    {
        var merchant = NewMerchantId();
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "A", 1, CheckoutStatus.Registered, StoreNetwork.Indomaret, T0, "PC-A", "TX-A"));
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "B", 3, CheckoutStatus.Confirmed, StoreNetwork.Alfamart, T0.AddMinutes(1), "PC-B", "TX-B", attention: true));
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "C", 1, CheckoutStatus.Registered, StoreNetwork.Alfamart, T0.AddMinutes(2), "PC-C", "TX-C"));

        var page = await GetOkAsync($"/ops/checkouts?merchantId={merchant}&{filter}");

        Assert.Equal(expected, string.Join(",", References(page)));
    }

    [Fact]
    public async Task SearchCheckouts_PageByPageAcrossMerchants_ReturnsEveryRowOnceWithoutGaps()
    {
        // Three merchants of this test, isolated from everything else by a creation window of its own.
        var merchants = new[] { NewMerchantId(), NewMerchantId(), NewMerchantId() };
        var window = T0.AddDays(Random.Shared.Next(1, 100_000));
        var expected = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            var merchant = merchants[i % 3];
            var reference = $"R-{i:00}";
            await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, reference, 1, created: window.AddSeconds(i / 4)));
            expected.Add($"{merchant}/{reference}");
        }

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var query = $"/ops/checkouts?createdFrom={window:yyyy-MM-ddTHH:mm:ssZ}&createdTo={window.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}&limit=4"
                + (next is null ? "" : $"&after={Uri.EscapeDataString(next)}");
            var page = await GetOkAsync(query);
            seen.AddRange(page.GetProperty("items").EnumerateArray()
                .Select(item => $"{item.GetProperty("merchantId").GetString()}/{item.GetProperty("referenceNo").GetString()}"));
            next = page.GetProperty("next").GetString();
            pages++;
        }
        while (next is not null && pages < 20);

        Assert.Equal(6, pages);
        Assert.Equal(expected.Count, seen.Distinct().Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SearchCheckouts_AfterNewerVersionThenOlder_ShowsTheNewer()
    {
        var merchant = NewMerchantId();
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "ORD-1", 4, CheckoutStatus.Fulfilled));
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "ORD-1", 2, CheckoutStatus.Registered));

        var item = Assert.Single((await GetOkAsync($"/ops/checkouts?merchantId={merchant}")).GetProperty("items").EnumerateArray());

        Assert.Equal(("fulfilled", 4), (item.GetProperty("status").GetString(), item.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task SearchCheckouts_WithTamperedOrForeignCursor_Returns400NamingAfter()
    {
        var merchant = NewMerchantId();
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "A", 1, created: T0));
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "B", 1, created: T0.AddSeconds(1)));
        var next = (await GetOkAsync($"/ops/checkouts?merchantId={merchant}&limit=1")).GetProperty("next").GetString()!;
        var tampered = next[..^2] + (next[^2] == 'A' ? 'B' : 'A') + next[^1];

        foreach (var query in new[]
        {
            $"merchantId={merchant}&limit=1&after={tampered}",
            $"merchantId={merchant}&limit=1&after=garbage",
            $"merchantId={merchant}&status=registered&limit=1&after={next}",
        })
        {
            using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);
            using var response = await client.GetAsync($"/ops/checkouts?{query}");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await Problem.ReadAsync(response);
            Assert.Equal(ProblemTypes.Validation, problem.GetProperty("type").GetString());
            Assert.Equal(["after"], Problem.ErrorFields(problem));
        }
    }

    [Theory]
    [InlineData("status=Registered", "status")]
    [InlineData("status=paid", "status")]
    [InlineData("store=lawson", "store")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("createdFrom=yesterday", "createdFrom")]
    [InlineData("createdFrom=2026-11-24T09:00:00+07:00", "createdFrom")]
    [InlineData("createdTo=2026-11-24T09:00:00", "createdTo")]
    [InlineData("createdFrom=2026-11-25T00:00:00Z&createdTo=2026-11-24T00:00:00Z", "createdTo")]
    [InlineData("requiresAttention=yes", "requiresAttention")]
    [InlineData("merchantId=Not%20A%20Merchant", "merchantId")]
    [InlineData("paymentCode=", "paymentCode")]
    [InlineData("transactionId=a%20b", "transactionId")]
    public async Task SearchCheckouts_WithInvalidParameter_Returns400NamingIt(string query, string parameter)
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);

        using var response = await client.GetAsync($"/ops/checkouts?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal([parameter], Problem.ErrorFields(problem));
        Assert.Contains($"'{parameter}'", problem.GetProperty("errors").GetProperty(parameter)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchCheckouts_WithSeveralInvalidParameters_NamesEveryOne()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);

        using var response = await client.GetAsync("/ops/checkouts?status=x&store=y&limit=-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["limit", "status", "store"], Problem.ErrorFields(await Problem.ReadAsync(response)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Stats_ForMerchant_CountsEveryStatusIncludingZeros()
    {
        var merchant = NewMerchantId();
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "A", 1, CheckoutStatus.Registered));
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "B", 1, CheckoutStatus.Registered));
        await Index.PublishAsync(InMemoryCheckoutIndexTests.Entry(merchant, "C", 5, CheckoutStatus.Fulfilled));

        var stats = await GetOkAsync($"/ops/stats?merchantId={merchant}");

        var byStatus = stats.GetProperty("byStatus").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(
            ["created", "registered", "notified", "confirmed", "fulfilled", "expired", "cancelled", "failed", "reversed"],
            byStatus.Keys);
        Assert.Equal((2L, 1L, 0L), (byStatus["registered"], byStatus["fulfilled"], byStatus["created"]));
        Assert.Equal(3, stats.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Stats_WithInvalidMerchantId_Returns400NamingIt()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);

        using var response = await client.GetAsync("/ops/stats?merchantId=UPPER");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["merchantId"], Problem.ErrorFields(await Problem.ReadAsync(response)));
    }

    [Theory]
    [InlineData("/ops/checkouts", null, HttpStatusCode.Unauthorized)]
    [InlineData("/ops/checkouts", OrchestratorApiFactory.DemoKey, HttpStatusCode.Forbidden)]
    [InlineData("/ops/stats", null, HttpStatusCode.Unauthorized)]
    [InlineData("/ops/stats", OrchestratorApiFactory.DemoKey, HttpStatusCode.Forbidden)]
    public async Task SearchAndStats_WithoutAnOperatorKey_AreRefused(string path, string? key, HttpStatusCode expected)
    {
        using var client = factory.CreateClient(key);

        using var response = await client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>A merchant id no other test uses (the search accepts ids that are not configured: old merchants' rows stay searchable).</summary>
    private static string NewMerchantId() => "t-" + Guid.NewGuid().ToString("N")[..16];

    private static IEnumerable<string?> References(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("referenceNo").GetString());

    private async Task<JsonElement> GetOkAsync(string path)
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
