using System.Collections.Concurrent;
using System.Diagnostics;
using Orchestrator.ClusterHarness;
using Orchestrator.DurabilityTests.Infrastructure;

namespace Orchestrator.DurabilityTests.Chaos;

/// <summary>One <c>kill -9</c> and what followed it.</summary>
internal sealed class ChaosKill(int number, string victim, TimeSpan at, int liveBefore, int sampled)
{
    /// <summary>1, 2, 3…</summary>
    public int Number { get; } = number;

    /// <summary>The killed process.</summary>
    public string Victim { get; } = victim;

    /// <summary>When, on the drill's clock.</summary>
    public TimeSpan At { get; } = at;

    /// <summary>Silos in service just before the kill.</summary>
    public int LiveBefore { get; } = liveBefore;

    /// <summary>Recent checkouts asked where they were active, to find some the victim hosted.</summary>
    public int Sampled { get; } = sampled;

    /// <summary>The takeover window of each sampled checkout the victim hosted, by referenceNo.</summary>
    public ConcurrentDictionary<string, TakeoverWindow> Takeovers { get; } = new(StringComparer.Ordinal);

    /// <summary>The process that replaced the victim, when it is ready.</summary>
    public string? Replacement { get; set; }

    /// <summary>From the kill until the replacement was ready.</summary>
    public TimeSpan? ReplacedAfter { get; set; }

    /// <summary>
    /// The kill's unavailability window: from the kill until the last of the victim's sampled checkouts answered again
    /// through a live silo; null when none of the sampled checkouts was on the victim.
    /// </summary>
    public TimeSpan? Window => Takeovers.IsEmpty ? null : Takeovers.Values.Max(takeover => takeover.Window);

    /// <summary>Survived: every sampled checkout of the victim answered again, and a replacement is serving.</summary>
    public bool Survived => Takeovers.Values.All(takeover => takeover.Answered) && Replacement is not null;

    /// <inheritdoc />
    public override string ToString()
    {
        var answers = TakeoverWindow.Summarize(Takeovers.Values.SelectMany(takeover => takeover.Seen));
        var window = Window is { } worst
            ? $"{Takeovers.Count} of {Sampled} sampled checkouts were on it, all answering again after {worst.TotalMilliseconds:F0} ms [{answers}]"
            : $"none of {Sampled} sampled checkouts was on it";
        var replaced = Replacement is null ? "no replacement" : $"replaced by {Replacement} in {ReplacedAfter?.TotalSeconds:F1} s";
        return $"kill {Number} at {At.TotalSeconds:F1} s of {Victim} ({LiveBefore} live): {window}; {replaced}";
    }
}

/// <summary>The PostgreSQL restart.</summary>
/// <param name="StoppingAt">When the stop was asked for, on the drill's clock.</param>
/// <param name="StartedAt">When PostgreSQL accepted connections again.</param>
/// <param name="Immediate">A crash (immediate) rather than a fast stop.</param>
internal sealed record PostgresOutage(TimeSpan StoppingAt, TimeSpan StartedAt, bool Immediate)
{
    /// <summary>How long it was down.</summary>
    public TimeSpan Down => StartedAt - StoppingAt;
}

/// <summary>
/// The chaos: on a fixed schedule (every <see cref="ChaosKnobs.KillEvery"/>), <c>kill -9</c> of a random silo in service,
/// which a supervisor restarts at once on the same ports (the same public URL, as behind a process manager); the middle
/// tick restarts PostgreSQL instead. Before each kill it asks a sample of recent checkouts where they are active, and
/// afterwards measures how long those on the victim take to answer again through a live silo. It also hands the load a
/// random silo in service for each request.
/// </summary>
internal sealed class ChaosMonkey
{
    private const int Sampled = 12;
    private const int ProbedPerKill = 6;

    // A takeover takes a couple of seconds; this only bounds a drill where something is broken.
    private static readonly TimeSpan TakeoverLimit = TimeSpan.FromSeconds(60);

    private readonly ProcessCluster _cluster;
    private readonly ChaosTraffic _traffic;
    private readonly Random _random = new(ChaosKnobs.Seed);
    private readonly Lock _gate = new();
    private readonly List<SiloProcess> _inService;
    private readonly List<Task> _replacements = [];
    private readonly List<Task> _probes = [];

    public ChaosMonkey(ProcessCluster cluster, ChaosTraffic traffic)
    {
        _cluster = cluster;
        _traffic = traffic;
        _inService = [.. cluster.RunningSilos];
    }

    /// <summary>Every kill, in order.</summary>
    public List<ChaosKill> Kills { get; } = [];

    /// <summary>The PostgreSQL restart, once done.</summary>
    public PostgresOutage? Postgres { get; private set; }

    /// <summary>Ticks that did not kill: no second live silo to spare, or the schedule ran late.</summary>
    public int SkippedTicks { get; private set; }

    /// <summary>Silos that exited without being killed (the supervisor replaced them too).</summary>
    public ConcurrentQueue<string> UnexpectedExits { get; } = new();

    /// <summary>Replacements that did not start.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>A random silo in service (any started silo when none is: the request then fails and is retried).</summary>
    public SiloProcess PickSilo(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        lock (_gate)
        {
            var live = _inService.Where(silo => silo.IsRunning).ToList();
            return live.Count > 0 ? live[random.Next(live.Count)] : _cluster.Silos[^1];
        }
    }

    /// <summary>Runs the schedule until <paramref name="duration"/> on the drill's clock.</summary>
    public async Task RunAsync(TimeSpan duration)
    {
        var every = ChaosKnobs.KillEvery;
        var postgresTick = Math.Max(1, (int)Math.Round(duration / 2 / every));
        for (var tick = 1; every * tick < duration; tick++)
        {
            // The PostgreSQL restart is due at the middle tick or, when the schedule runs late, the first tick after it.
            var postgresDue = Postgres is null && tick >= postgresTick;
            var late = _traffic.Clock.Elapsed - (every * tick);
            if (late < TimeSpan.Zero)
            {
                await Task.Delay(-late);
            }
            else if (late >= every && !postgresDue)
            {
                // A restart or a slow replacement took longer than a tick: skip rather than kill twice in a row.
                SkippedTicks++;
                continue;
            }

            Supervise();
            if (postgresDue)
            {
                await RestartPostgresAsync();
            }
            else
            {
                await KillOneAsync();
            }
        }
    }

    /// <summary>Waits for every probe and replacement under way.</summary>
    public async Task DrainAsync()
    {
        Supervise();
        List<Task> pending;
        lock (_gate)
        {
            pending = [.. _replacements, .. _probes];
        }

        await Task.WhenAll(pending);
    }

    private async Task KillOneAsync()
    {
        var live = Live();
        if (live.Count < 2)
        {
            // Never the last silo in service: wait for a replacement first.
            await WaitForReplacementsAsync();
            live = Live();
            if (live.Count < 2)
            {
                SkippedTicks++;
                return;
            }
        }

        var victim = live[_random.Next(live.Count)];
        var sample = _traffic.Latest(2 * Sampled).OrderBy(_ => _random.Next()).Take(Sampled).ToList();
        var hosts = await Task.WhenAll(sample.Select(async checkout =>
            (checkout, host: (await _cluster.FindHostAsync(checkout.Merchant, checkout.ReferenceNo, via: victim)).Silo)));
        var hosted = hosts.Where(pair => pair.host == victim).Select(pair => pair.checkout).Take(ProbedPerKill).ToList();

        var killedAt = await _cluster.KillSiloAsync(victim);
        var kill = new ChaosKill(Kills.Count + 1, victim.ToString(), _traffic.Clock.Elapsed - Stopwatch.GetElapsedTime(killedAt), live.Count, sample.Count);
        Kills.Add(kill);
        lock (_gate)
        {
            _inService.Remove(victim);
            _probes.AddRange(hosted.Select(async checkout =>
            {
                kill.Takeovers[checkout.ReferenceNo] = await TakeoverWindow.MeasureAsync(
                    () => PickSilo(Random.Shared), checkout.Merchant, checkout.ReferenceNo, killedAt, TakeoverLimit);
            }));
            _replacements.Add(ReplaceAsync(victim, kill, killedAt));
        }
    }

    private async Task RestartPostgresAsync()
    {
        // A silo cannot join while the membership table is out of reach: let replacements under way finish first.
        await WaitForReplacementsAsync();
        var immediate = string.Equals(ChaosKnobs.PostgresStop, "immediate", StringComparison.OrdinalIgnoreCase);
        var stoppingAt = _traffic.Clock.Elapsed;
        await _cluster.StopPostgresAsync(immediate);
        await Task.Delay(ChaosKnobs.PostgresDown);
        await _cluster.StartPostgresAsync();
        Postgres = new PostgresOutage(stoppingAt, _traffic.Clock.Elapsed, immediate);
    }

    /// <summary>A supervisor's job: a silo that exited without being killed is taken out of service and replaced.</summary>
    private void Supervise()
    {
        lock (_gate)
        {
            foreach (var exited in _inService.Where(silo => !silo.IsRunning).ToList())
            {
                _inService.Remove(exited);
                UnexpectedExits.Enqueue($"{exited} at {_traffic.Clock.Elapsed.TotalSeconds:F1} s");
                _cluster.Log($"chaos: {exited} exited by itself; replacing it");
                _replacements.Add(ReplaceAsync(exited, null, Stopwatch.GetTimestamp()));
            }
        }
    }

    private async Task ReplaceAsync(SiloProcess dead, ChaosKill? kill, long since)
    {
        try
        {
            var replacement = await _cluster.StartSiloAsync(samePortsAs: dead);
            lock (_gate)
            {
                _inService.Add(replacement);
            }

            if (kill is not null)
            {
                kill.Replacement = replacement.ToString();
                kill.ReplacedAfter = Stopwatch.GetElapsedTime(since);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            Problems.Enqueue($"the replacement of {dead} did not start: {exception.Message}");
        }
    }

    private async Task WaitForReplacementsAsync()
    {
        List<Task> pending;
        lock (_gate)
        {
            pending = [.. _replacements];
        }

        await Task.WhenAll(pending);
    }

    private List<SiloProcess> Live()
    {
        lock (_gate)
        {
            return [.. _inService.Where(silo => silo.IsRunning)];
        }
    }
}
