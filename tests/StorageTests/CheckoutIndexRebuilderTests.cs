using System.Reflection;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Grains.Checkouts;
using Orchestrator.Storage.Hosting;
using Orchestrator.Storage.Migrations;
using Orchestrator.Storage.Search;
using Orchestrator.StorageTests.Infrastructure;
using Orchestrator.TestSupport.Postgres;

namespace Orchestrator.StorageTests;

/// <summary>
/// The reindex statement: checkout_index rebuilt in SQL from stored checkout states — the real
/// <see cref="CheckoutState"/> serialized exactly as grain storage stores it — version-guarded.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class CheckoutIndexRebuilderTests(PostgresServerFixture postgres)
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 30, 0, TimeSpan.FromHours(7));

    [Fact]
    public void CheckoutStateName_IsTheCheckoutGrainsPersistentStateName()
    {
        var attribute = typeof(CheckoutGrain).GetConstructors().Single().GetParameters()
            .Select(parameter => parameter.GetCustomAttribute<PersistentStateAttribute>())
            .Single(found => found is not null);

        Assert.Equal(CheckoutIndexRebuilder.CheckoutStateName, attribute!.StateName);
    }

    [Fact]
    public async Task Rebuild_FromStoredCheckoutStates_WritesTheirRowsAndSkipsEverythingElse()
    {
        var database = await MigratedAsync();
        await StoreAsync(database, "svc", CheckoutIndexRebuilder.CheckoutStateName, State("m1", "paid", 4, CheckoutStatus.Confirmed, StoreNetwork.Alfamart, "PC-1", "TX-1", attention: true));
        await StoreAsync(database, "svc", CheckoutIndexRebuilder.CheckoutStateName, State("m2", "new", 1, CheckoutStatus.Created, StoreNetwork.Indomaret, null, null));
        // Not rows: another service's checkout, another state type, a cleared state, and one this build cannot read.
        await StoreAsync(database, "other", CheckoutIndexRebuilder.CheckoutStateName, State("m1", "elsewhere", 1, CheckoutStatus.Created, StoreNetwork.Indomaret, null, null));
        await StoreAsync(database, "svc", "idempotency-key", """{"ReferenceNo":"x"}""");
        await StoreAsync(database, "svc", CheckoutIndexRebuilder.CheckoutStateName, payload: null);
        await StoreAsync(database, "svc", CheckoutIndexRebuilder.CheckoutStateName, """{"MerchantId":"m3","ReferenceNo":"odd","Status":99,"Version":1}""");

        var report = await CheckoutIndexRebuilder.RebuildAsync(database, "svc");

        Assert.Equal((3L, 1L, 2L, 0L, 0L), (report.StatesRead, report.Unreadable, report.Inserted, report.Updated, report.AlreadyCurrent));
        var rows = await Db.ListAsync(
            database,
            """
            SELECT service_id, merchant_id, reference_no, status, store, amount, payment_code, transaction_id, created_at, updated_at,
                   version, requires_attention
            FROM checkout_index ORDER BY merchant_id
            """,
            r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetDateTime(8), r.GetDateTime(9),
                r.GetInt32(10), r.GetBoolean(11)));
        Assert.Equal(
            [
                ("svc", "m1", "paid", "Confirmed", "Alfamart", 150_000L, "PC-1", "TX-1", At.UtcDateTime, At.AddMinutes(4).UtcDateTime, 4, true),
                ("svc", "m2", "new", "Created", "Indomaret", 150_000L, null, null, At.UtcDateTime, At.AddMinutes(1).UtcDateTime, 1, false),
            ],
            rows);
    }

    [Fact]
    public async Task Rebuild_NeverMovesARowBackwards()
    {
        var database = await MigratedAsync();
        await StoreAsync(database, "svc", CheckoutIndexRebuilder.CheckoutStateName, State("m1", "ahead", 3, CheckoutStatus.Registered, StoreNetwork.Indomaret, "PC", null));
        await StoreAsync(database, "svc", CheckoutIndexRebuilder.CheckoutStateName, State("m1", "behind", 3, CheckoutStatus.Registered, StoreNetwork.Indomaret, "PC", null));
        await CheckoutIndexRebuilder.RebuildAsync(database, "svc");
        // The index has moved on for one checkout (a grain published version 5 while its state row says 3 — as when a
        // rebuild races a live write) and lags for the other.
        await Db.ExecuteAsync(database, "UPDATE checkout_index SET version = 5, status = 'Fulfilled' WHERE reference_no = 'ahead'");
        await Db.ExecuteAsync(database, "UPDATE checkout_index SET version = 1, status = 'Created' WHERE reference_no = 'behind'");

        var report = await CheckoutIndexRebuilder.RebuildAsync(database, "svc");

        Assert.Equal((0L, 1L, 1L), (report.Inserted, report.Updated, report.AlreadyCurrent));
        var rows = await Db.ListAsync(database, "SELECT reference_no, version, status FROM checkout_index ORDER BY reference_no", r => (r.GetString(0), r.GetInt32(1), r.GetString(2)));
        Assert.Equal([("ahead", 5, "Fulfilled"), ("behind", 3, "Registered")], rows);
    }

    [Fact]
    public async Task Rebuild_Twice_SecondRunFindsEverythingCurrent()
    {
        var database = await MigratedAsync();
        for (var i = 0; i < 25; i++)
        {
            await StoreAsync(database, "svc", CheckoutIndexRebuilder.CheckoutStateName, State("m1", $"r{i}", 2, CheckoutStatus.Registered, StoreNetwork.Indomaret, $"PC{i}", $"TX{i}"));
        }

        var first = await CheckoutIndexRebuilder.RebuildAsync(database, "svc");
        var second = await CheckoutIndexRebuilder.RebuildAsync(database, "svc");

        Assert.Equal(25L, first.Inserted);
        Assert.Equal((25L, 0L, 0L, 25L), (second.StatesRead, second.Inserted, second.Updated, second.AlreadyCurrent));
        Assert.Matches(@"^25 checkout states read: 0 rows inserted, 0 updated, 25 already current, 0 unreadable, in \d+ ms$", second.ToString());
    }

    private static CheckoutState State(
        string merchant, string reference, int version, CheckoutStatus status, StoreNetwork store, string? code, string? txid, bool attention = false) => new()
        {
            Status = status,
            Version = version,
            MerchantId = merchant,
            ReferenceNo = reference,
            MerchantName = "Toko",
            Request = new CreateCheckoutCommand
            {
                Amount = 150_000,
                Store = store,
                GoodsName = "Kopi",
                Customer = new Customer { Name = "Budi", Phone = "0812", Email = "budi@example.com" },
            },
            ExpiresAt = At.AddDays(1),
            CreatedAt = At,
            UpdatedAt = At.AddMinutes(version),
            RequiresAttention = attention,
            Nicepay = new NicepayRecord { IMid = "IONPAYTEST", ReferenceNo = reference, PaymentCode = code, TransactionId = txid },
        };

    private static Task StoreAsync(string database, string serviceId, string stateName, CheckoutState state) =>
        StoreAsync(database, serviceId, stateName, GrainStateJson.CreateSerializer().Serialize(state).ToArray());

    private static Task StoreAsync(string database, string serviceId, string stateName, string json) =>
        StoreAsync(database, serviceId, stateName, System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>A grain-state row as the storage provider writes it (the hashes only need to be unique here).</summary>
    private static async Task StoreAsync(string database, string serviceId, string stateName, byte[]? payload) =>
        await Db.ExecuteAsync(
            database,
            """
            INSERT INTO orleans_grain_state
                (service_id, grain_type_hash, grain_id_hash, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
            VALUES (@service, @type_hash, @id_hash, @type, 0, 0, @key, @payload, 1)
            """,
            ("service", serviceId),
            ("type_hash", stateName.Length),
            ("id_hash", Random.Shared.Next()),
            ("type", stateName),
            ("key", Guid.NewGuid().ToString("N")),
            ("payload", (object?)payload ?? DBNull.Value));

    private async Task<string> MigratedAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(database);
        return database;
    }
}
