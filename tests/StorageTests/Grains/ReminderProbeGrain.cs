using System.Collections.Concurrent;

namespace Orchestrator.StorageTests.Grains;

/// <summary>Registers, reads and unregisters a durable reminder.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers (or updates) a reminder.</summary>
    Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period);

    /// <summary>Whether the reminder exists (read from the reminder table).</summary>
    Task<bool> ExistsAsync(string name);

    /// <summary>Unregisters it.</summary>
    Task UnregisterAsync(string name);
}

/// <summary>Signals the test when a reminder fires.</summary>
[GrainType("reminder-probe")]
public sealed class ReminderProbeGrain(ReminderTicks ticks) : Grain, IReminderProbeGrain, IRemindable
{
    public Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<bool> ExistsAsync(string name) => await this.GetReminder(name) is not null;

    public async Task UnregisterAsync(string name)
    {
        var reminder = await this.GetReminder(name)
            ?? throw new InvalidOperationException($"Reminder '{name}' of {this.GetPrimaryKeyString()} does not exist.");
        await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ticks.Record(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}

/// <summary>Shared by every silo of the test cluster and the test (the in-process cluster allows closures).</summary>
public sealed class ReminderTicks
{
    private readonly ConcurrentDictionary<(string Grain, string Reminder), TaskCompletionSource> _first = new();

    public void Record(string grain, string reminder) =>
        _first.GetOrAdd((grain, reminder), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public Task FirstTickAsync(string grain, string reminder) =>
        _first.GetOrAdd((grain, reminder), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
