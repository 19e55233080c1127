using System.Diagnostics;

namespace Orchestrator.Benchmarks;

/// <summary>A grain that only writes its state: the storage layer alone, as stack notes §7 measured the stock set-up.</summary>
internal interface IRawWriteGrain : IGrainWithStringKey
{
    /// <summary>Changes the state and writes it (one durable upsert).</summary>
    Task WriteAsync();
}

/// <summary>What <see cref="RawWriteGrain"/> stores: a counter and a 150-byte payload, as pgbench's upsert row.</summary>
[GenerateSerializer]
internal sealed class RawWriteState
{
    [Id(0)]
    public long Writes { get; set; }

    [Id(1)]
    public string Payload { get; set; } = new('a', 150);
}

/// <summary>
/// The grain of the raw-write phase, on the checkouts' own storage provider (our schema, the System.Text.Json
/// serializer, the same pool): each call is one state write and nothing else.
/// </summary>
[GrainType("bench-raw-write")]
internal sealed class RawWriteGrain(
    [PersistentState("raw", Orchestrator.Grains.GrainsServiceCollectionExtensions.StorageName)] IPersistentState<RawWriteState> state)
    : Grain, IRawWriteGrain
{
    public Task WriteAsync()
    {
        state.State.Writes++;
        return state.WriteStateAsync();
    }
}

/// <summary>
/// The raw-write phase: one grain per caller, each caller writing in a loop (yielding between calls, stack notes §7), for
/// a warm-up and a measured window; writes completed inside the window count.
/// </summary>
internal static class RawWriteLoad
{
    public static async Task<double> RunAsync(IGrainFactory grains, int round, int concurrency, TimeSpan warmup, TimeSpan measured)
    {
        var window = Window.After(Stopwatch.GetTimestamp(), warmup, measured);
        var counts = new long[concurrency];
        var callers = Enumerable.Range(0, concurrency).Select(index => Task.Run(async () =>
        {
            var grain = grains.GetGrain<IRawWriteGrain>($"round-{round}-caller-{index}");
            while (true)
            {
                await grain.WriteAsync();
                var now = Stopwatch.GetTimestamp();
                if (now >= window.End)
                {
                    return;
                }

                if (window.Contains(now))
                {
                    counts[index]++;
                }

                await Task.Yield();
            }
        })).ToArray();
        await Task.WhenAll(callers);
        return counts.Sum() / measured.TotalSeconds;
    }
}
