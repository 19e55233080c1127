using System.Diagnostics;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>
/// Bounded polling for conditions that become true on the grain's own schedule (timers, reminders, webhook
/// dispatch). Never a fixed sleep: it returns as soon as the condition holds, and fails with a description of what
/// was seen when the deadline passes.
/// </summary>
public static class Eventually
{
    /// <summary>The default deadline.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), ok => ok, (_, _) => describe(), timeout);

    /// <summary>
    /// Polls <paramref name="probe"/> until its value satisfies <paramref name="condition"/> and returns that value.
    /// A probe that throws (e.g. while a killed silo is being declared dead) counts as "not yet".
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe,
        Func<T, bool> condition,
        Func<T?, Exception?, string> describe,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(describe);
        var deadline = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        T? last = default;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe();
                lastError = null;
                if (condition(last))
                {
                    return last;
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                lastError = exception;
            }

            if (clock.Elapsed >= deadline)
            {
                Assert.Fail($"Not reached within {deadline.TotalSeconds:0.#} s: {describe(last, lastError)}");
            }

            // Polling pace, not synchronisation: the loop ends on the condition, not on the delay.
            await Task.Delay(PollInterval);
        }
    }
}
