using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Storage.Hosting;
using Orchestrator.Storage.Migrations;
using Orchestrator.StorageTests.Infrastructure;
using Orchestrator.TestSupport.Postgres;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;

namespace Orchestrator.StorageTests;

/// <summary>
/// The membership table protocol, driven through the real <see cref="AdoNetClusteringTable"/> against our queries:
/// the table-version check on insert and update, heartbeats, and the clean-up of defunct silos.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class MembershipTableContractTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task InsertRow_AtTheCurrentVersion_AddsTheSiloAndBumpsTheVersion()
    {
        var (table, _) = await CreateTableAsync();
        var empty = await table.ReadAllAsync();
        var entry = NewEntry(port: 11111);

        var inserted = await table.InsertRowAsync(entry, empty.Version.Next());
        var after = await table.ReadAllAsync();

        Assert.True(inserted);
        Assert.Empty(empty.Members);
        Assert.Equal(empty.Version.Version + 1, after.Version.Version);
        var (read, _) = Assert.Single(after.Members);
        Assert.Equal(entry.SiloAddress, read.SiloAddress);
        Assert.Equal(SiloStatus.Joining, read.Status);
        Assert.Equal(entry.SiloName, read.SiloName);
        Assert.Equal(entry.HostName, read.HostName);
        Assert.Equal(entry.ProxyPort, read.ProxyPort);
        Assert.Equal(entry.StartTime, read.StartTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(DateTimeKind.Utc, read.IAmAliveTime.Kind);
    }

    [Fact]
    public async Task InsertRow_WithAStaleVersion_ChangesNothing()
    {
        var (table, _) = await CreateTableAsync();
        var initial = await table.ReadAllAsync();
        Assert.True(await table.InsertRowAsync(NewEntry(port: 1), initial.Version.Next()));

        var stale = await table.InsertRowAsync(NewEntry(port: 2), initial.Version.Next());
        var duplicate = await table.InsertRowAsync(NewEntry(port: 1), (await table.ReadAllAsync()).Version.Next());

        Assert.False(stale);
        Assert.False(duplicate);
        var after = await table.ReadAllAsync();
        Assert.Single(after.Members);
        Assert.Equal(initial.Version.Version + 1, after.Version.Version);
    }

    [Fact]
    public async Task UpdateRow_WithTheCurrentEtag_ChangesStatusAndSuspicions_AndRejectsAStaleOne()
    {
        var (table, _) = await CreateTableAsync();
        var entry = NewEntry(port: 3);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadRowAsync(entry.SiloAddress);
        var (current, etag) = Assert.Single(read.Members);
        var voter = SiloAddress.New(IPAddress.Loopback, 4, 7);
        current.Status = SiloStatus.Active;
        current.SuspectTimes = [Tuple.Create(voter, DateTime.UtcNow)];

        var updated = await table.UpdateRowAsync(current, etag, read.Version.Next());
        var stale = await table.UpdateRowAsync(current, etag, read.Version.Next());

        Assert.True(updated);
        Assert.False(stale);
        var (after, _) = Assert.Single((await table.ReadRowAsync(entry.SiloAddress)).Members);
        Assert.Equal(SiloStatus.Active, after.Status);
        Assert.NotNull(after.SuspectTimes);
        Assert.Equal(voter, Assert.Single(after.SuspectTimes).Item1);
    }

    [Fact]
    public async Task ReadRow_ForAnUnknownSilo_ReturnsOnlyTheVersion()
    {
        var (table, _) = await CreateTableAsync();
        Assert.True(await table.InsertRowAsync(NewEntry(port: 5), (await table.ReadAllAsync()).Version.Next()));

        var read = await table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 6, 1));

        Assert.Empty(read.Members);
        Assert.Equal(1, read.Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_MovesTheHeartbeatWithoutTouchingTheVersion()
    {
        var (table, _) = await CreateTableAsync();
        var entry = NewEntry(port: 7);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        entry.IAmAliveTime = entry.IAmAliveTime.AddMinutes(5);

        await table.UpdateIAmAliveAsync(entry);

        var after = await table.ReadAllAsync();
        Assert.Equal(1, after.Version.Version);
        Assert.Equal(entry.IAmAliveTime, Assert.Single(after.Members).Item1.IAmAliveTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesOldDeadSilosOnly()
    {
        var (table, _) = await CreateTableAsync();
        var dead = NewEntry(port: 8, minutesAgo: 120);
        var alive = NewEntry(port: 9, minutesAgo: 120);
        Assert.True(await table.InsertRowAsync(dead, (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await table.InsertRowAsync(alive, (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadRowAsync(dead.SiloAddress);
        var (deadRow, etag) = Assert.Single(read.Members);
        deadRow.Status = SiloStatus.Dead;
        deadRow.SuspectTimes = [Tuple.Create(alive.SiloAddress, DateTime.UtcNow.AddMinutes(-110))];
        Assert.True(await table.UpdateRowAsync(deadRow, etag, read.Version.Next()));

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(-60));

        var (remaining, _) = Assert.Single((await table.ReadAllAsync()).Members);
        Assert.Equal(alive.SiloAddress, remaining.SiloAddress);
    }

    [Fact]
    public async Task BulkCleanupQuery_RemovesOnlyDeadSilosSilentBeforeTheCutoff()
    {
        // 10.4.2 prefers the per-row query when it exists; the bulk one is still required and must be right.
        var (table, database) = await CreateTableAsync();
        var oldDead = NewEntry(port: 11, minutesAgo: 120);
        var oldJoining = NewEntry(port: 12, minutesAgo: 120);
        var recentDead = NewEntry(port: 13);
        foreach (var entry in new[] { oldDead, oldJoining, recentDead })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await Db.ExecuteAsync(database, "UPDATE orleans_membership SET status = 6 WHERE port IN (11, 13)");
        var bulk = await Db.ScalarAsync<string>(database, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'CleanupDefunctSiloEntriesKey'");

        await Db.ExecuteAsync(
            database,
            bulk,
            ("DeploymentId", "cluster-under-test"),
            ("IAmAliveTime", DateTime.UtcNow.AddMinutes(-60)));

        var ports = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order();
        Assert.Equal([12, 13], ports);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesTheClusterAndItsSilos()
    {
        var (table, database) = await CreateTableAsync();
        Assert.True(await table.InsertRowAsync(NewEntry(port: 10), (await table.ReadAllAsync()).Version.Next()));

        await table.DeleteMembershipTableEntriesAsync("cluster-under-test");

        Assert.Equal(0L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM orleans_membership"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM orleans_membership_version"));
    }

    private async Task<(AdoNetClusteringTable Table, string Database)> CreateTableAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(database);
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = "cluster-under-test", ServiceId = "service-under-test" }),
            Options.Create(new AdoNetClusteringSiloOptions
            {
                Invariant = PostgresSiloBuilderExtensions.Invariant,
                ConnectionString = database,
            }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return (table, database);
    }

    private static MembershipEntry NewEntry(int port, int minutesAgo = 0)
    {
        var at = DateTime.UtcNow.AddMinutes(-minutesAgo);
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1),
            SiloName = "silo-" + port,
            HostName = "host-" + port,
            Status = SiloStatus.Joining,
            ProxyPort = 30000 + port,
            StartTime = at,
            IAmAliveTime = at,
        };
    }
}
