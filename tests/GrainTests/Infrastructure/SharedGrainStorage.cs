using Orleans.Serialization;
using Orleans.Storage;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>
/// The durable store behind every silo's <c>checkouts</c> provider. One instance is shared by all silos of a cluster
/// (the in-process builder accepts closures), so killing a silo loses nothing — unlike TestingHost memory storage, whose
/// data lives in grains on the silos (stack-notes §5, §8.13). Records are kept as Orleans-serialized bytes with an ETag,
/// and writes check the ETag as a real provider does: a stale writer gets <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class SharedGrainStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<GrainId, int> _writesByGrain = [];
    private readonly Dictionary<GrainId, int> _failuresToInject = [];
    private readonly Dictionary<GrainId, int> _readFailuresToInject = [];
    private long _lastETag;

    /// <summary>Successful writes so far (all grains).</summary>
    public int Writes { get; private set; }

    /// <summary>Writes refused because the writer's ETag was stale.</summary>
    public int RejectedWrites { get; private set; }

    /// <summary>Successful writes of one grain's state so far.</summary>
    public int WritesFor(GrainId grainId)
    {
        lock (_lock)
        {
            return _writesByGrain.GetValueOrDefault(grainId);
        }
    }

    /// <summary>The next <paramref name="count"/> writes of a grain's state fail, as a database outage would.</summary>
    public void FailNextWrites(GrainId grainId, int count = 1)
    {
        lock (_lock)
        {
            _failuresToInject[grainId] = count;
        }
    }

    /// <summary>The next <paramref name="count"/> reads of a grain's state fail, as a database outage would.</summary>
    public void FailNextReads(GrainId grainId, int count = 1)
    {
        lock (_lock)
        {
            _readFailuresToInject[grainId] = count;
        }
    }

    internal StoredRecord? Read(string key, GrainId grainId)
    {
        lock (_lock)
        {
            if (_readFailuresToInject.GetValueOrDefault(grainId) > 0)
            {
                _readFailuresToInject[grainId]--;
                throw new IOException($"Injected storage failure reading {key}.");
            }

            return _records.GetValueOrDefault(key);
        }
    }

    internal string Write(string key, GrainId grainId, string? expectedETag, byte[] data)
    {
        lock (_lock)
        {
            if (_failuresToInject.GetValueOrDefault(grainId) > 0)
            {
                _failuresToInject[grainId]--;
                throw new IOException($"Injected storage failure writing {key}.");
            }

            CheckETag(key, expectedETag);
            var etag = (++_lastETag).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _records[key] = new StoredRecord(data, etag);
            Writes++;
            _writesByGrain[grainId] = _writesByGrain.GetValueOrDefault(grainId) + 1;
            return etag;
        }
    }

    internal void Clear(string key, string? expectedETag)
    {
        lock (_lock)
        {
            CheckETag(key, expectedETag);
            _records.Remove(key);
        }
    }

    private void CheckETag(string key, string? expectedETag)
    {
        var stored = _records.GetValueOrDefault(key)?.ETag;
        if (!string.Equals(stored, expectedETag, StringComparison.Ordinal))
        {
            RejectedWrites++;
            throw new InconsistentStateException(
                $"ETag mismatch for {key}: stored {stored ?? "(none)"}, writer had {expectedETag ?? "(none)"}.",
                stored ?? "",
                expectedETag ?? "");
        }
    }

    internal sealed record StoredRecord(byte[] Data, string ETag);
}

/// <summary>
/// One silo's view of the <see cref="SharedGrainStore"/>: serializes with that silo's Orleans serializer, so no object
/// is ever shared between an activation and the store (or between two activations).
/// </summary>
public sealed class SharedGrainStorage(SharedGrainStore store, Serializer serializer) : IGrainStorage
{
    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var record = store.Read(Key(stateName, grainId), grainId);
        if (record is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        else
        {
            grainState.State = serializer.Deserialize<T>(record.Data);
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var data = serializer.SerializeToArray(grainState.State);
        grainState.ETag = store.Write(Key(stateName, grainId), grainId, grainState.ETag, data);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        store.Clear(Key(stateName, grainId), grainState.ETag);
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}|{grainId}";
}
