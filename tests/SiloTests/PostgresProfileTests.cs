using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.Contracts.Search;
using Orchestrator.SiloTests.Infrastructure;
using Orchestrator.Storage.Search;
using Orchestrator.TestSupport.Postgres;
using Orleans.Configuration;

namespace Orchestrator.SiloTests;

/// <summary>The Silo on its PostgreSQL profile, against a real PostgreSQL.</summary>
[Collection(SharedPostgres.Name)]
public sealed class PostgresProfileTests(PostgresServerFixture postgres)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Host_WithConnectionString_BecomesReadyAndKeepsACheckoutAcrossARestart()
    {
        var database = await postgres.CreateDatabaseAsync();
        var clusterId = $"silo-tests-{Guid.NewGuid():N}";
        var reference = $"ORD-{Guid.NewGuid():N}"[..20];
        JsonElement created;

        // First start: an empty database, the schema applied on start.
        await using (var host = await PostgresSiloHost.StartAsync(database, clusterId, new Dictionary<string, string?> { ["Orleans:Postgres:MigrateOnStart"] = "true" }))
        {
            await host.WaitUntilReadyAsync(StartTimeout);
            using var response = await host.SendAsync(HttpMethod.Post, "v1/checkouts", PostgresSiloHost.DemoKey, JsonContent.Create(new
            {
                referenceNo = reference,
                amount = 150_000,
                store = "indomaret",
                goodsName = "Coffee beans 1 kg",
                customer = new { name = "Budi Santoso", phone = "+6281234567890", email = "budi@example.com" },
            }));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"create: {(int)response.StatusCode} {body}");
            created = JsonDocument.Parse(body).RootElement.Clone();
            Assert.Equal("registered", created.GetProperty("status").GetString());
            Assert.NotNull(created.GetProperty("paymentCode").GetString());

            // The grain published its row; the writer put it in checkout_index within moments.
            var row = await WaitForIndexRowAsync(host, reference, created.GetProperty("version").GetInt32());
            Assert.Equal(
                (created.GetProperty("version").GetInt32(), "registered", created.GetProperty("paymentCode").GetString()),
                (row.GetProperty("version").GetInt32(), row.GetProperty("status").GetString(), row.GetProperty("paymentCode").GetString()));
        }

        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM orleans_grain_state WHERE grain_type = 'checkout'"));

        // As if the row had been lost with a crashed silo's buffer: the grain repairs it when it next activates.
        await ScalarAsync<long>(database, "WITH gone AS (DELETE FROM checkout_index RETURNING 1) SELECT count(*) FROM gone");

        // Second start, same database and cluster: nothing to migrate, the checkout read back from PostgreSQL.
        await using (var host = await PostgresSiloHost.StartAsync(database, clusterId))
        {
            await host.WaitUntilReadyAsync(StartTimeout);
            using var response = await host.SendAsync(HttpMethod.Get, $"v1/checkouts/{reference}", PostgresSiloHost.DemoKey);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"read back: {(int)response.StatusCode} {body}");
            var readBack = JsonDocument.Parse(body).RootElement;
            foreach (var field in new[] { "status", "paymentCode", "transactionId", "createdAt", "expiresAt" })
            {
                Assert.Equal(created.GetProperty(field).GetString(), readBack.GetProperty(field).GetString());
            }

            Assert.Equal(created.GetProperty("version").GetInt32(), readBack.GetProperty("version").GetInt32());

            var repaired = await WaitForIndexRowAsync(host, reference, created.GetProperty("version").GetInt32());
            Assert.Equal(created.GetProperty("version").GetInt32(), repaired.GetProperty("version").GetInt32());
        }

        // Two incarnations of the silo in the membership table: the first stopped gracefully (Dead), the second too.
        var statuses = await ListAsync(database, "SELECT status FROM orleans_membership WHERE deployment_id = @c ORDER BY generation", r => r.GetInt32(0), ("c", clusterId));
        Assert.Equal([6, 6], statuses);
    }

    [Fact]
    public async Task Host_WithConnectionString_UsesPostgresForTheReadModelAndTheDeliberateMembershipTimings()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var host = await PostgresSiloHost.StartAsync(database, $"silo-tests-{Guid.NewGuid():N}", new Dictionary<string, string?>
        {
            ["Orleans:Postgres:MigrateOnStart"] = "true",
            ["Orleans:Membership:NumMissedProbesLimit"] = "3",
        });
        await host.WaitUntilReadyAsync(StartTimeout);

        var index = host.Services.GetRequiredService<PostgresCheckoutIndex>();
        Assert.Same(index, host.Services.GetRequiredService<ICheckoutIndex>());
        Assert.Same(index, host.Services.GetRequiredService<ICheckoutSearch>());
        var membership = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(
            (TimeSpan.FromSeconds(2), 3, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)),
            (membership.ProbeTimeout, membership.NumMissedProbesLimit, membership.IAmAliveTablePublishTimeout, membership.DefunctSiloExpiration));
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        Assert.Equal(IPAddress.Any, endpoints.SiloListeningEndpoint?.Address);

        // The operator endpoints answer from PostgreSQL.
        await index.PublishAsync(new CheckoutIndexEntry
        {
            MerchantId = "demo",
            ReferenceNo = "FROM-THE-INDEX",
            Status = Contracts.Checkouts.CheckoutStatus.Expired,
            Store = Contracts.Checkouts.StoreNetwork.Alfamart,
            Amount = 20_000,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            Version = 3,
        });
        using var timeout = new CancellationTokenSource(StartTimeout);
        await index.FlushAsync(timeout.Token);
        using var response = await host.SendAsync(HttpMethod.Get, "ops/checkouts?merchantId=demo&status=expired", PostgresSiloHost.OperatorKey);
        var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("FROM-THE-INDEX", Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("referenceNo").GetString());
        // Its own pool, capped at Orleans:Postgres:CheckoutIndex:MaxPoolSize (2).
        Assert.InRange(await ScalarAsync<long>(database, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'orchestrator-index'"), 1, 2);
    }

    [Fact]
    public async Task Host_OnAnUnmigratedDatabase_RefusesToStartSayingToRunMigrate()
    {
        var database = await postgres.CreateDatabaseAsync();

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => PostgresSiloHost.StartAsync(database, $"silo-tests-{Guid.NewGuid():N}"));

        var messages = string.Join(" | ", Chain(exception).Select(e => e.Message));
        Assert.Contains("pending", messages, StringComparison.Ordinal);
        Assert.Contains("migrate", messages, StringComparison.Ordinal);
    }

    /// <summary>Polls the operator search until the checkout's row is there at a version (the writer batches every 25 ms).</summary>
    private static async Task<JsonElement> WaitForIndexRowAsync(PostgresSiloHost host, string reference, int version)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await host.SendAsync(HttpMethod.Get, "ops/checkouts?merchantId=demo&limit=500", PostgresSiloHost.OperatorKey);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"search: {(int)response.StatusCode} {body}");
            var row = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray()
                .FirstOrDefault(item => item.GetProperty("referenceNo").GetString() == reference && item.GetProperty("version").GetInt32() >= version);
            if (row.ValueKind == JsonValueKind.Object)
            {
                return row.Clone();
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{reference} at version {version} did not appear in /ops/checkouts within 10 s: {body}");
            await Task.Delay(25);
        }
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<T>> ListAsync<T>(string database, string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
