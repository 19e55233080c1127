using System.Diagnostics;

namespace Orchestrator.NicepaySandbox.Tests.Infrastructure;

/// <summary>Polling with a deadline, for state the sandbox reaches in the background. Never a bare sleep.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out after {limit} waiting for {what}; last seen: {value}");
            }

            await Task.Delay(20);
        }
    }
}
