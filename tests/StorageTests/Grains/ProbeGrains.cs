namespace Orchestrator.StorageTests.Grains;

/// <summary>A small state record exercising the JSON format: text, numbers, an enum, a timestamp, a list, a null.</summary>
[GenerateSerializer, Alias("storage-tests.probe-state")]
public sealed class ProbeState
{
    [Id(0)] public string Text { get; set; } = "";
    [Id(1)] public int Count { get; set; }
    [Id(2)] public ProbeColor Color { get; set; } = ProbeColor.Red;
    [Id(3)] public DateTimeOffset At { get; set; }
    [Id(4)] public List<string> Items { get; set; } = [];
    [Id(5)] public string? Note { get; set; }
}

/// <summary>Stored as its number.</summary>
public enum ProbeColor
{
    Red = 1,
    Green = 2,
}

/// <summary>What a probe grain offers, whatever its key type.</summary>
public interface IProbeGrain : IGrain
{
    /// <summary>Returns the state as last read or written.</summary>
    Task<ProbeState> GetAsync();

    /// <summary>Changes the state and writes it; returns the new ETag.</summary>
    Task<string?> SetAsync(string text, int count);

    /// <summary>Clears the state.</summary>
    Task ClearAsync();

    /// <summary>Whether storage holds a record, and its ETag.</summary>
    Task<(bool RecordExists, string? ETag)> GetRecordAsync();

    /// <summary>The silo hosting this activation.</summary>
    Task<string> GetSiloAsync();
}

/// <summary>String-keyed.</summary>
public interface IStringKeyProbeGrain : IProbeGrain, IGrainWithStringKey;

/// <summary>Guid-keyed.</summary>
public interface IGuidKeyProbeGrain : IProbeGrain, IGrainWithGuidKey;

/// <summary>Guid plus string extension.</summary>
public interface ICompoundKeyProbeGrain : IProbeGrain, IGrainWithGuidCompoundKey;

/// <summary>Integer-keyed.</summary>
public interface IIntegerKeyProbeGrain : IProbeGrain, IGrainWithIntegerKey;

/// <summary>The shared behaviour; each key type gets its own sealed grain with its own state name.</summary>
public abstract class ProbeGrainBase(IPersistentState<ProbeState> state, ILocalSiloDetails silo) : Grain
{
    public Task<ProbeState> GetAsync() => Task.FromResult(state.State);

    public async Task<string?> SetAsync(string text, int count)
    {
        state.State.Text = text;
        state.State.Count = count;
        state.State.Color = ProbeColor.Green;
        state.State.At = new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.FromHours(7));
        state.State.Items = ["a", "b"];
        await state.WriteStateAsync();
        return state.Etag;
    }

    public Task ClearAsync() => state.ClearStateAsync();

    public Task<(bool RecordExists, string? ETag)> GetRecordAsync() => Task.FromResult((state.RecordExists, state.Etag));

    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.ToString());
}

[GrainType("probe-string")]
public sealed class StringKeyProbeGrain(
    [PersistentState("probe-string", ProbeStorage.Name)] IPersistentState<ProbeState> state, ILocalSiloDetails silo)
    : ProbeGrainBase(state, silo), IStringKeyProbeGrain;

[GrainType("probe-guid")]
public sealed class GuidKeyProbeGrain(
    [PersistentState("probe-guid", ProbeStorage.Name)] IPersistentState<ProbeState> state, ILocalSiloDetails silo)
    : ProbeGrainBase(state, silo), IGuidKeyProbeGrain;

[GrainType("probe-compound")]
public sealed class CompoundKeyProbeGrain(
    [PersistentState("probe-compound", ProbeStorage.Name)] IPersistentState<ProbeState> state, ILocalSiloDetails silo)
    : ProbeGrainBase(state, silo), ICompoundKeyProbeGrain;

[GrainType("probe-integer")]
public sealed class IntegerKeyProbeGrain(
    [PersistentState("probe-integer", ProbeStorage.Name)] IPersistentState<ProbeState> state, ILocalSiloDetails silo)
    : ProbeGrainBase(state, silo), IIntegerKeyProbeGrain;

/// <summary>Storage provider names used by the test cluster.</summary>
public static class ProbeStorage
{
    /// <summary>The provider wired by AddOrchestratorPostgres.</summary>
    public const string Name = "probes";

    /// <summary>A second provider on the same table with DeleteStateOnClear = true.</summary>
    public const string Deleting = "probes-deleting";
}
