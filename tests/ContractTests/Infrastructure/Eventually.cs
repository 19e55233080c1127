using System.Diagnostics;

namespace Orchestrator.ContractTests.Infrastructure;

/// <summary>Polling with a deadline, for state the sandbox reaches in the background. Never a bare sleep.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > limit)
            {
                throw new TimeoutException($"waited {limit} for {what}");
            }

            await Task.Delay(10);
        }
    }
}
