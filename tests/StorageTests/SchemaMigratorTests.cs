using Npgsql;
using Orchestrator.Storage;
using Orchestrator.Storage.Migrations;
using Orchestrator.StorageTests.Infrastructure;
using Orchestrator.TestSupport.Postgres;

namespace Orchestrator.StorageTests;

[Collection(SharedPostgres.Name)]
public sealed class SchemaMigratorTests(PostgresServerFixture postgres)
{
    private static readonly string[] ExpectedTables =
    [
        "checkout_index",
        "orchestrator_schema_history",
        "orleans_grain_state",
        "orleans_membership",
        "orleans_membership_version",
        "orleans_reminder",
        "orleansquery",
    ];

    [Fact]
    public void EmbeddedMigrations_AreNumberedFromOneWithoutGaps()
    {
        var versions = SchemaMigration.Embedded.Select(m => m.Version).ToList();

        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
        Assert.Equal(
            ["orleans_core", "membership", "grain_storage", "reminders", "checkout_index"],
            SchemaMigration.Embedded.Select(m => m.Name));
    }

    [Fact]
    public async Task MigrateAsync_OnEmptyDatabase_AppliesEveryMigrationAndReportsIt()
    {
        var database = await postgres.CreateDatabaseAsync();

        var report = await new SchemaMigrator().MigrateAsync(database);

        Assert.Null(report.VersionBefore);
        Assert.Equal(5, report.VersionAfter);
        Assert.Equal([1, 2, 3, 4, 5], report.Applied.Select(a => a.Version));
        Assert.Matches(@"^applied V003 grain_storage in \d+ ms$", report.Applied[2].ToString());
        Assert.Equal("schema at V005 (was empty)", report.Lines[^1]);
        Assert.Equal(ExpectedTables, await TablesAsync(database));
        var history = await Db.ListAsync(
            database,
            $"SELECT version, name, checksum, applied_by FROM {SchemaMigrator.HistoryTable} ORDER BY version",
            r => (Version: r.GetInt32(0), Name: r.GetString(1), Checksum: r.GetString(2), AppliedBy: r.GetString(3)));
        Assert.Equal(SchemaMigration.Embedded.Select(m => (m.Version, m.Name, m.Checksum)), history.Select(h => (h.Version, h.Name, h.Checksum)));
        Assert.All(history, h => Assert.StartsWith(PostgresServer.Username + "@", h.AppliedBy, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MigrateAsync_WhenRunTwice_SecondRunDoesNothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        var migrator = new SchemaMigrator();
        await migrator.MigrateAsync(database);

        var second = await migrator.MigrateAsync(database);

        Assert.True(second.NothingToDo);
        Assert.Equal(5, second.VersionBefore);
        Assert.Equal(["nothing to do: schema at V005"], second.Lines);
        Assert.Equal(5L, await Db.ScalarAsync<long>(database, $"SELECT count(*) FROM {SchemaMigrator.HistoryTable}"));
    }

    [Fact]
    public async Task MigrateAsync_TwoMigratorsAtOnce_ApplyEachMigrationExactlyOnce()
    {
        var database = await postgres.CreateDatabaseAsync();

        var reports = await Task.WhenAll(
            Task.Run(() => new SchemaMigrator().MigrateAsync(database)),
            Task.Run(() => new SchemaMigrator().MigrateAsync(database)));

        // One run took the advisory lock and applied everything; the other waited and found nothing to do.
        Assert.Single(reports, r => r.NothingToDo);
        Assert.Single(reports, r => r.Applied.Count == 5);
        Assert.Equal(5L, await Db.ScalarAsync<long>(database, $"SELECT count(*) FROM {SchemaMigrator.HistoryTable}"));
    }

    [Fact]
    public async Task MigrateAsync_WhenAnAppliedScriptChanged_RefusesAndAppliesNothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        var shipped = SchemaMigration.Embedded;
        await new SchemaMigrator(shipped.Take(3)).MigrateAsync(database);
        var tampered = shipped
            .Select(m => m.Version == 2 ? new SchemaMigration(m.Version, m.Name, m.Sql + "\n-- edited after release\n") : m)
            .ToList();

        var refusal = await Assert.ThrowsAsync<SchemaMigrationException>(() => new SchemaMigrator(tampered).MigrateAsync(database));

        Assert.Contains("V002 membership was applied", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("must never change", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(3L, await Db.ScalarAsync<long>(database, $"SELECT count(*) FROM {SchemaMigrator.HistoryTable}"));
        Assert.DoesNotContain("orleans_reminder", await TablesAsync(database));
        var status = await new SchemaMigrator(tampered).GetStatusAsync(database);
        Assert.True(status.HasChecksumMismatch);
        Assert.Equal(SchemaMigrationState.ChecksumMismatch, status.Migrations[1].State);
    }

    [Fact]
    public void Checksum_WithCrLfLineEndings_IsTheSame()
    {
        var migration = SchemaMigration.Embedded[0];

        var crlf = new SchemaMigration(migration.Version, migration.Name, migration.Sql.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal(migration.Checksum, crlf.Checksum);
        Assert.Equal(64, migration.Checksum.Length);
    }

    [Fact]
    public async Task MigrateAsync_WhenAMigrationFails_RollsItBackAndKeepsTheEarlierOnes()
    {
        var database = await postgres.CreateDatabaseAsync();
        var broken = SchemaMigration.Embedded.Take(2)
            .Append(new SchemaMigration(3, "broken", "CREATE TABLE half_done (id int);\nSELECT no_such_function();"))
            .ToList();

        var failure = await Assert.ThrowsAsync<SchemaMigrationException>(() => new SchemaMigrator(broken).MigrateAsync(database));

        Assert.StartsWith("V003 broken failed and was rolled back: 42883", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("half_done", await TablesAsync(database));
        var status = await new SchemaMigrator().GetStatusAsync(database);
        Assert.Equal(2, status.CurrentVersion);
        Assert.Equal([3, 4, 5], status.Pending.Select(p => p.Version));
    }

    [Fact]
    public async Task GetStatusAsync_OnEmptyDatabase_ReportsEverythingPendingAndChangesNothing()
    {
        var database = await postgres.CreateDatabaseAsync();

        var status = await new SchemaMigrator().GetStatusAsync(database);

        Assert.Null(status.CurrentVersion);
        Assert.Equal(5, status.Pending.Count);
        Assert.Equal("V001 orleans_core pending", status.Lines[0]);
        Assert.Empty(await TablesAsync(database));
    }

    [Fact]
    public async Task GetStatusAsync_WhenTheDatabaseIsAhead_ReportsTheUnknownVersion()
    {
        var database = await postgres.CreateDatabaseAsync();
        var newer = SchemaMigration.Embedded.Append(new SchemaMigration(6, "from_the_future", "SELECT 1;")).ToList();
        await new SchemaMigrator(newer).MigrateAsync(database);

        var report = await new SchemaMigrator().MigrateAsync(database);
        var status = await new SchemaMigrator().GetStatusAsync(database);

        Assert.True(report.NothingToDo);
        Assert.Equal([6], report.UnknownVersions);
        Assert.Contains(report.Lines, l => l.StartsWith("warning: the database has V006", StringComparison.Ordinal));
        Assert.True(status.IsUpToDate);
        Assert.Equal(6, status.CurrentVersion);
    }

    [Fact]
    public async Task Scripts_RunAgainByHand_AreIdempotent()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(database);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var migration in SchemaMigration.Embedded)
        {
            await using var command = new NpgsqlCommand(migration.Sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal(
            OrleansQueryKeys.All.Count,
            (int)await Db.ScalarAsync<long>(database, "SELECT count(*) FROM OrleansQuery"));
    }

    private static Task<List<string>> TablesAsync(string database) => Db.ListAsync(
        database,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
        r => r.GetString(0));
}
