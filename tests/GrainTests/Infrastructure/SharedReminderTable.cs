using System.Globalization;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>
/// A reminder table shared by every silo of a cluster. <c>UseInMemoryReminderService()</c> keeps the table in a grain
/// that lives on one silo, so killing that silo loses every reminder; this one lives in the test process, outside the
/// silos, and survives kills like a database would. Semantics follow the Orleans contract: rows keyed by grain and
/// name, a fresh ETag per upsert, removal only with the current ETag, range reads over the grain's uniform hash in
/// (begin, end] with wrap-around.
/// </summary>
public sealed class SharedReminderTable : IReminderTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _rows = [];
    private readonly Dictionary<GrainId, int> _upsertFailuresToInject = [];
    private long _lastETag;

    /// <summary>The next <paramref name="count"/> registrations of a grain's reminders fail, as a database outage would.</summary>
    public void FailNextUpserts(GrainId grainId, int count = 1)
    {
        lock (_lock)
        {
            _upsertFailuresToInject[grainId] = count;
        }
    }

    /// <summary>The reminders a grain has registered now.</summary>
    public IReadOnlyList<string> NamesFor(GrainId grainId)
    {
        lock (_lock)
        {
            return [.. _rows.Keys.Where(key => key.Grain == grainId).Select(key => key.Name)];
        }
    }

    /// <inheritdoc />
    public Task Init() => Task.CompletedTask;

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        lock (_lock)
        {
            return Task.FromResult(new ReminderTableData(_rows.Values.Where(row => row.GrainId == grainId).Select(Copy).ToList()));
        }
    }

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        lock (_lock)
        {
            var rows = _rows.Values.Where(row => InRange(row.GrainId.GetUniformHashCode(), begin, end)).Select(Copy).ToList();
            return Task.FromResult(new ReminderTableData(rows));
        }
    }

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.TryGetValue((grainId, reminderName), out var row) ? Copy(row) : null);
        }
    }

    /// <inheritdoc />
    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_upsertFailuresToInject.GetValueOrDefault(entry.GrainId) > 0)
            {
                _upsertFailuresToInject[entry.GrainId]--;
                throw new IOException($"Injected reminder table failure registering {entry.ReminderName} of {entry.GrainId}.");
            }

            var etag = (++_lastETag).ToString(CultureInfo.InvariantCulture);
            var row = Copy(entry);
            row.ETag = etag;
            _rows[(entry.GrainId, entry.ReminderName)] = row;
            return Task.FromResult<string?>(etag);
        }
    }

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        lock (_lock)
        {
            var removed = _rows.TryGetValue((grainId, reminderName), out var row)
                          && string.Equals(row.ETag, eTag, StringComparison.Ordinal)
                          && _rows.Remove((grainId, reminderName));
            return Task.FromResult(removed);
        }
    }

    /// <inheritdoc />
    public Task TestOnlyClearTable()
    {
        lock (_lock)
        {
            _rows.Clear();
        }

        return Task.CompletedTask;
    }

    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static ReminderEntry Copy(ReminderEntry entry) => new()
    {
        GrainId = entry.GrainId,
        ReminderName = entry.ReminderName,
        StartAt = entry.StartAt,
        Period = entry.Period,
        ETag = entry.ETag,
    };
}
