using Microsoft.Extensions.DependencyInjection;
using Orchestrator.StorageTests.Grains;
using Orchestrator.StorageTests.Infrastructure;
using Orleans.Storage;

namespace Orchestrator.StorageTests;

/// <summary>
/// The optimistic-concurrency contract of the grain storage provider on our single-statement queries, driven
/// directly through the silo's <see cref="IGrainStorage"/>: every case the provider can send, including the ones a
/// grain only reaches after a race.
/// </summary>
[Collection(SharedPostgresCluster.Name)]
public sealed class GrainStorageContractTests(PostgresClusterFixture fixture)
{
    private const string StateName = "direct";

    [Fact]
    public async Task Write_FirstWithoutETag_CreatesVersion1_ThenEachWriteAdvancesByOne()
    {
        var (storage, id) = Subject();
        var state = new GrainState<ProbeState>(new ProbeState { Text = "one" });

        await storage.WriteStateAsync(StateName, id, state);
        var first = state.ETag;
        state.State!.Text = "two";
        await storage.WriteStateAsync(StateName, id, state);

        Assert.Equal(("1", "2", true), (first, state.ETag, state.RecordExists));
        var read = new GrainState<ProbeState>();
        await storage.ReadStateAsync(StateName, id, read);
        Assert.Equal(("two", "2", true), (read.State!.Text, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task Write_WithoutETagWhenTheRowExists_IsAConflict()
    {
        var (storage, id) = Subject();
        await storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState()));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState())));
    }

    [Fact]
    public async Task Write_WithAStaleETag_IsAConflictAndChangesNothing()
    {
        var (storage, id) = Subject();
        var state = new GrainState<ProbeState>(new ProbeState { Text = "kept" });
        await storage.WriteStateAsync(StateName, id, state);
        await storage.WriteStateAsync(StateName, id, state);

        var stale = new GrainState<ProbeState>(new ProbeState { Text = "lost" }) { ETag = "1" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, stale));

        var read = new GrainState<ProbeState>();
        await storage.ReadStateAsync(StateName, id, read);
        Assert.Equal(("kept", "2"), (read.State!.Text, read.ETag));
    }

    [Fact]
    public async Task Write_WithAnETagForARowThatDoesNotExist_IsAConflictNotAnInsert()
    {
        var (storage, id) = Subject();

        var orphan = new GrainState<ProbeState>(new ProbeState { Text = "resurrected?" }) { ETag = "7" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, orphan));

        var read = new GrainState<ProbeState>();
        await storage.ReadStateAsync(StateName, id, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task Read_OfANeverWrittenGrain_GivesDefaultStateWithoutETag()
    {
        var (storage, id) = Subject();

        var read = new GrainState<ProbeState>();
        await storage.ReadStateAsync(StateName, id, read);

        Assert.Equal((false, null, ""), (read.RecordExists, read.ETag, read.State!.Text));
    }

    [Fact]
    public async Task Clear_WithAStaleETag_IsAConflict()
    {
        var (storage, id) = Subject();
        var state = new GrainState<ProbeState>(new ProbeState());
        await storage.WriteStateAsync(StateName, id, state);
        await storage.WriteStateAsync(StateName, id, state);

        var stale = new GrainState<ProbeState>(new ProbeState()) { ETag = "1", RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, id, stale));
    }

    [Fact]
    public async Task Clear_WithDeleteStateOnClear_RemovesTheRow_AndTheGrainStartsOver()
    {
        var (storage, id) = Subject(ProbeStorage.Deleting);
        var state = new GrainState<ProbeState>(new ProbeState { Text = "gone soon" });
        await storage.WriteStateAsync(StateName, id, state);

        await storage.ClearStateAsync(StateName, id, state);
        var afterClear = (state.ETag, state.RecordExists);
        var rows = await Db.ScalarAsync<long>(
            fixture.ConnectionString,
            "SELECT count(*) FROM orleans_grain_state WHERE grain_type = @type AND grain_id_extension = @key",
            ("type", StateName),
            ("key", id.Key.ToString()!));
        state.State!.Text = "again";
        await storage.WriteStateAsync(StateName, id, state);

        Assert.Equal((null, false), afterClear);
        Assert.Equal(0L, rows);
        Assert.Equal("1", state.ETag);
    }

    private (IGrainStorage Storage, GrainId Id) Subject(string storageName = ProbeStorage.Name) =>
        (fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(storageName),
         GrainId.Create("direct-probe", Guid.NewGuid().ToString("N")));
}
