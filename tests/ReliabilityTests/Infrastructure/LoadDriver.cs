using System.Diagnostics;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>What an open-model run did: how long arrivals took, and how late the worst one started.</summary>
public sealed record DriverReport(int Started, TimeSpan ArrivalsTook, TimeSpan AllDoneAfter, TimeSpan WorstStartLag, int PeakInFlight);

/// <summary>
/// An open-model-ish load driver: work item <c>i</c> is due at <c>i / rate</c> seconds whether or not earlier ones have
/// finished (arrivals do not wait for completions, as real customers do not), bounded by <c>maxInFlight</c> so an
/// overloaded system queues arrivals here (reported as start lag) instead of drowning. Each item starts with
/// <see cref="Task.Yield"/>, so no caller runs inline on a completing thread and starves the others
/// (stack-notes §7: harness callers must yield).
/// </summary>
public static class LoadDriver
{
    public static async Task<DriverReport> RunAsync(int count, double ratePerSecond, int maxInFlight, Func<int, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var slots = new SemaphoreSlim(maxInFlight);
        var clock = Stopwatch.StartNew();
        var running = new List<Task>(count);
        var worstLag = TimeSpan.Zero;
        var inFlight = 0;
        var peak = 0;
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds(i / ratePerSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                // Pacing the arrivals (the load's shape), not waiting for a result.
                await Task.Delay(wait);
            }

            await slots.WaitAsync();
            var lag = clock.Elapsed - due;
            if (lag > worstLag)
            {
                worstLag = lag;
            }

            var now = Interlocked.Increment(ref inFlight);
            peak = Math.Max(peak, now);
            running.Add(RunOneAsync(i));
        }

        var arrivals = clock.Elapsed;
        await Task.WhenAll(running);
        return new DriverReport(count, arrivals, clock.Elapsed, worstLag, peak);

        async Task RunOneAsync(int index)
        {
            try
            {
                await Task.Yield();
                await work(index);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
                slots.Release();
            }
        }
    }
}
