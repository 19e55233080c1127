using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orchestrator.StorageTests.Grains;
using Orchestrator.StorageTests.Infrastructure;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orchestrator.StorageTests;

/// <summary>
/// The real Orleans providers on our schema, end to end: silos join through the membership table, grains keep their
/// state in it across key types and silo restarts, and reminders are stored, fire and go away.
/// </summary>
[Collection(SharedPostgresCluster.Name)]
public sealed class ClusterContractTests(PostgresClusterFixture fixture)
{
    private static readonly TimeSpan ReminderTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Membership_TwoSilos_BothActiveInTheMembershipTable()
    {
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress).ToList();

        var active = await Db.ListAsync(
            fixture.ConnectionString,
            "SELECT address, port, generation FROM orleans_membership WHERE deployment_id = @cluster AND status = 3",
            r => $"{r.GetString(0)}:{r.GetInt32(1)}@{r.GetInt32(2)}",
            ("cluster", fixture.ClusterId));

        Assert.Equal(2, silos.Count);
        Assert.Equal(silos.Select(s => s.ToParsableString()).Order(), active.Order());
        Assert.True(await Db.ScalarAsync<int>(
            fixture.ConnectionString,
            "SELECT version FROM orleans_membership_version WHERE deployment_id = @cluster",
            ("cluster", fixture.ClusterId)) >= 2);
    }

    [Fact]
    public async Task GrainState_StringKey_RoundTripsAndIsStoredAsReadableJson()
    {
        var key = "merchant-1/ref-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<IStringKeyProbeGrain>(key);

        var etag = await grain.SetAsync("hello", 3);
        await fixture.Cluster.DeactivateAsync(grain);
        var read = await grain.GetAsync();

        Assert.Equal("1", etag);
        Assert.Equal(("hello", 3, ProbeColor.Green, 2), (read.Text, read.Count, read.Color, read.Items.Count));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.FromHours(7)), read.At);
        var row = await Db.ListAsync(
            fixture.ConnectionString,
            """
            SELECT convert_from(payload, 'UTF8'), version, grain_type, grain_id_n0, grain_id_n1
            FROM orleans_grain_state
            WHERE service_id = @service AND grain_id_extension = @key
            """,
            r => (Json: r.GetString(0), Version: r.GetInt32(1), Type: r.GetString(2), N0: r.GetInt64(3), N1: r.GetInt64(4)),
            ("service", fixture.ServiceId),
            ("key", key));
        var stored = Assert.Single(row);
        Assert.Equal((1, "probe-string", 0L, 0L), (stored.Version, stored.Type, stored.N0, stored.N1));
        using var json = JsonDocument.Parse(stored.Json);
        Assert.Equal("hello", json.RootElement.GetProperty("Text").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("Color").GetInt32());
        Assert.Equal("2026-11-24T09:30:00+07:00", json.RootElement.GetProperty("At").GetString());
        Assert.False(json.RootElement.TryGetProperty("Note", out _), "nulls are not stored: " + stored.Json);
        Assert.Equal("hello", await Db.ScalarAsync<string>(
            fixture.ConnectionString,
            "SELECT state->>'Text' FROM orleans_grain_state_json WHERE grain_type = 'probe-string' AND grain_key = @key",
            ("key", key)));
    }

    [Fact]
    public async Task GrainState_GuidCompoundAndIntegerKeys_AreStoredApartAndRoundTrip()
    {
        var id = Guid.NewGuid();
        var guidGrain = fixture.Cluster.Client.GetGrain<IGuidKeyProbeGrain>(id);
        var compoundA = fixture.Cluster.Client.GetGrain<ICompoundKeyProbeGrain>(id, "a");
        var compoundB = fixture.Cluster.Client.GetGrain<ICompoundKeyProbeGrain>(id, "b");
        var integerGrain = fixture.Cluster.Client.GetGrain<IIntegerKeyProbeGrain>(-42);

        await guidGrain.SetAsync("guid", 1);
        await compoundA.SetAsync("compound a", 2);
        await compoundB.SetAsync("compound b", 3);
        await integerGrain.SetAsync("integer", 4);
        foreach (var grain in new IProbeGrain[] { guidGrain, compoundA, compoundB, integerGrain })
        {
            await fixture.Cluster.DeactivateAsync(grain);
        }

        Assert.Equal("guid", (await guidGrain.GetAsync()).Text);
        Assert.Equal("compound a", (await compoundA.GetAsync()).Text);
        Assert.Equal("compound b", (await compoundB.GetAsync()).Text);
        Assert.Equal("integer", (await integerGrain.GetAsync()).Text);
        var extensions = await Db.ListAsync(
            fixture.ConnectionString,
            "SELECT grain_id_extension FROM orleans_grain_state WHERE grain_type = 'probe-compound' ORDER BY 1",
            r => r.GetString(0));
        Assert.Equal(["a", "b"], extensions);
        Assert.Equal(-42L, await Db.ScalarAsync<long>(
            fixture.ConnectionString, "SELECT grain_id_n1 FROM orleans_grain_state WHERE grain_type = 'probe-integer'"));
    }

    [Fact]
    public async Task GrainState_Clear_KeepsTheRowWithoutPayloadAndTheNextWriteContinuesTheVersion()
    {
        var grain = fixture.Cluster.Client.GetGrain<IStringKeyProbeGrain>("clear-" + Guid.NewGuid().ToString("N"));
        await grain.SetAsync("doomed", 1);

        await grain.ClearAsync();
        var cleared = await grain.GetRecordAsync();
        await fixture.Cluster.DeactivateAsync(grain);
        var reread = await grain.GetRecordAsync();
        var etag = await grain.SetAsync("reborn", 2);

        Assert.Equal((false, "2"), cleared);
        Assert.Equal((false, "2"), reread);
        Assert.Equal("reborn", (await grain.GetAsync()).Text);
        Assert.Equal("3", etag);
    }

    [Fact]
    public async Task GrainState_WhenTheRowChangedUnderneath_WriteFailsWithInconsistentState_ThenRecoversAfterReRead()
    {
        var key = "conflict-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<IStringKeyProbeGrain>(key);
        await grain.SetAsync("mine", 1);
        // Another writer (a duplicate activation after a partition, an operator) moved the row on.
        Assert.Equal(1, await Db.ExecuteAsync(
            fixture.ConnectionString,
            "UPDATE orleans_grain_state SET version = version + 1 WHERE grain_type = 'probe-string' AND grain_id_extension = @key",
            ("key", key)));

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.SetAsync("stale write", 2));
        await fixture.Cluster.DeactivateAsync(grain);
        var recovered = await grain.SetAsync("after re-read", 3);

        Assert.Contains("Version conflict (WriteState)", conflict.Message, StringComparison.Ordinal);
        Assert.Equal("3", recovered);
        Assert.Equal("after re-read", (await grain.GetAsync()).Text);
    }

    [Fact]
    public async Task GrainState_SurvivesARestartOfTheSiloHostingIt()
    {
        var grain = fixture.Cluster.Client.GetGrain<IStringKeyProbeGrain>("restart-" + Guid.NewGuid().ToString("N"));
        await grain.SetAsync("durable", 7);
        var host = await grain.GetSiloAsync();
        var silo = fixture.Cluster.Silos.Single(s => s.SiloAddress.ToString() == host);

        await fixture.Cluster.RestartSiloAsync(silo);
        var after = await grain.GetAsync();

        Assert.Equal(("durable", 7), (after.Text, after.Count));
        Assert.DoesNotContain(fixture.Cluster.Silos, s => s.SiloAddress.ToString() == host);
        Assert.NotEqual(host, await grain.GetSiloAsync());
    }

    [Fact]
    public async Task Reminders_RegisterReadFireAndUnregister()
    {
        var key = "reminder-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<IReminderProbeGrain>(key);

        await grain.RegisterAsync("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var exists = await grain.ExistsAsync("tick");
        var row = await Db.ListAsync(
            fixture.ConnectionString,
            "SELECT reminder_name, period_ms, version FROM orleans_reminder WHERE service_id = @service AND grain_id = @grain",
            r => (Name: r.GetString(0), PeriodMs: r.GetInt64(1), Version: r.GetInt32(2)),
            ("service", fixture.ServiceId),
            ("grain", "reminder-probe/" + key));
        await fixture.ReminderTicks.FirstTickAsync(key, "tick").WaitAsync(ReminderTimeout);
        await grain.UnregisterAsync("tick");

        Assert.True(exists);
        Assert.Equal(("tick", 1000L, 0), Assert.Single(row));
        Assert.False(await grain.ExistsAsync("tick"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(
            fixture.ConnectionString,
            "SELECT count(*) FROM orleans_reminder WHERE grain_id = @grain",
            ("grain", "reminder-probe/" + key)));
    }

    [Fact]
    public async Task Reminders_UpdatingARegisteredReminder_KeepsOneRowWithANewVersion()
    {
        var key = "reminder-update-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<IReminderProbeGrain>(key);

        await grain.RegisterAsync("slow", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
        await grain.RegisterAsync("slow", TimeSpan.FromMinutes(5), TimeSpan.FromDays(30));

        var row = await Db.ListAsync(
            fixture.ConnectionString,
            "SELECT period_ms, version FROM orleans_reminder WHERE grain_id = @grain",
            r => (PeriodMs: r.GetInt64(0), Version: r.GetInt32(1)),
            ("grain", "reminder-probe/" + key));
        Assert.Equal(((long)TimeSpan.FromDays(30).TotalMilliseconds, 1), Assert.Single(row));
        await grain.UnregisterAsync("slow");
    }

    [Fact]
    public void StorageFailure_AnsweredToAnotherSilo_ArrivesAsTheDatabaseError()
    {
        // What a silo sends back when a storage call failed for a grain or reminder range another silo asked about
        // (found by tests/DurabilityTests: without Npgsql among the serializable exception namespaces, the answer
        // itself failed with CodecNotFoundException and the API said 500 instead of 503).
        var serializer = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<Serializer>();
        var failure = new OrleansException("Error from storage provider during WriteStateAsync",
            new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)));

        var received = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(failure));

        Assert.IsType<OrleansException>(received);
        Assert.IsType<NpgsqlException>(received.InnerException);
        Assert.IsType<SocketException>(received.InnerException!.InnerException);
    }
}
