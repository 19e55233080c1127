using System.Diagnostics;
using System.Globalization;
using Orchestrator.ClusterHarness;
using Orchestrator.DurabilityTests.Chaos;
using Orchestrator.DurabilityTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.DurabilityTests;

/// <summary>
/// The chaos drill (issue 5 §6): silo processes on PostgreSQL under a steady open-model load of checkouts paid at the
/// sandbox's store counter, while a random silo is killed (<c>kill -9</c>) every few seconds and replaced, and
/// PostgreSQL restarts once in the middle. At the end, against the sandbox's ledger and what the merchant's webhook
/// endpoint received: every checkout that got a 2xx exists, settled where it must (paid → fulfilled, the others still
/// payable), with the version PostgreSQL holds; no transition lost or doubled, and every answer the merchant got is in
/// the journal; every merchant event delivered at least once under one stable id; no answer other than 2xx, a 503 with
/// <c>Retry-After</c> or none from a dying process. Violations must be zero; each one is printed with its checkout's story.
/// </summary>
[Trait("Category", "Durability")]
[Trait("Category", "Chaos")]
public sealed class ChaosDrillTests(ITestOutputHelper output)
{
    private const int AuditBatch = 100;
    private const int SettleParallelism = 16;
    private const int StoriesShown = 20;

    // However late the settle phase starts, the audit gets this long to read every checkout.
    private static readonly TimeSpan AuditFloor = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Cluster_WithRandomSilosKilledAndPostgresRestartedUnderLoad_LosesDuplicatesAndContradictsNothing()
    {
        var figures = new Figures(output, "Chaos drill: kill -9 of random silos and a PostgreSQL restart under open-model load");
        figures.Add($"- knobs: {ChaosKnobs.Describe()} (replay the drill's choices with CHAOS_SEED={ChaosKnobs.Seed})");
        var clock = Stopwatch.StartNew();
        await using var cluster = await DurabilityCluster.StartAsync(output, "chaos-drill", ChaosKnobs.Silos);
        var startedIn = clock.Elapsed;

        // The drill: arrivals and the chaos on one clock, for ChaosKnobs.Duration.
        var traffic = new ChaosTraffic { SettleDeadline = ChaosKnobs.Duration + ChaosKnobs.SettleTimeout };
        var monkey = new ChaosMonkey(cluster, traffic);
        var load = new ChaosLoad(cluster, monkey, traffic);
        traffic.Clock.Start();
        var chaos = monkey.RunAsync(ChaosKnobs.Duration);
        var flows = await load.RunArrivalsAsync(ChaosKnobs.Duration, ChaosKnobs.Rate);
        await chaos;
        var loadEnded = traffic.Clock.Elapsed;

        // The dust settles: replacements ready and takeovers measured, every flow done (each is bounded), the membership
        // table agreeing with the running processes, every checkout in its final status with every event delivered.
        await monkey.DrainAsync();
        await Task.WhenAll(flows);
        var membership = await cluster.WaitForMembershipAsync();
        var tracked = traffic.Driven.Values.Select(driven => driven.Tracked).ToList();
        var unsettled = await SettleAsync(cluster, tracked, traffic);
        var settledAfter = traffic.Clock.Elapsed - loadEnded;
        var audit = await AuditAsync(cluster, tracked, traffic);
        var violations = await FindViolationsAsync(cluster, traffic, monkey, audit);
        var ledger = (await Task.WhenAll(cluster.Merchants.Select(merchant => cluster.Sandbox.TransactionsAsync(merchant)))).SelectMany(t => t).ToList();

        // The figures.
        var requests = traffic.Requests.ToList();
        var kills = monkey.Kills;
        var windows = kills.Where(kill => kill.Window is not null).ToList();
        var worst = windows.MaxBy(kill => kill.Window);
        var creates = requests.Where(r => r.Kind == "create").ToList();
        figures.Add($"- {ChaosKnobs.Silos} silo processes, PostgreSQL, the sandbox and the merchant's endpoint started in {startedIn.TotalSeconds:F1} s; "
            + $"membership {cluster.MembershipSettings()}");
        foreach (var kill in kills)
        {
            // What the load met until the next tick (the next kill, or the PostgreSQL restart, which has a tick of its own).
            var after = requests.Where(r => !r.Succeeded && r.StartedAt >= kill.At && r.StartedAt < kill.At + ChaosKnobs.KillEvery).ToList();
            figures.Add($"  - {kill}; load requests failed until the next tick: {(after.Count == 0 ? "none" : Outcomes(after))}");
        }

        figures.Add($"- **kills survived: {kills.Count(kill => kill.Survived)} of {kills.Count}** (a random live silo every {ChaosKnobs.KillEvery.TotalSeconds:F0} s, "
            + $"replaced on its ports at once; {monkey.SkippedTicks} ticks skipped); replacements ready in "
            + $"{Figures.Spread([.. kills.Where(kill => kill.ReplacedAfter is not null).Select(kill => kill.ReplacedAfter!.Value)])}; "
            + $"silos that exited by themselves: {monkey.UnexpectedExits.Count}{(monkey.UnexpectedExits.IsEmpty ? "" : $" ({string.Join("; ", monkey.UnexpectedExits)})")}; "
            + $"membership table at the end: {membership.Count(row => row.StatusName == "Active")} Active, {membership.Count(row => row.StatusName == "Dead")} Dead");
        figures.Add($"- **worst unavailability window: {(worst is null ? "n/a" : $"{worst.Window!.Value.TotalMilliseconds:F0} ms (kill {worst.Number})")}** — per kill, from "
            + $"the kill until every sampled checkout the victim hosted answers 200 again through a live silo (GET every "
            + $"{TakeoverWindow.PollEvery.TotalMilliseconds:F0} ms); measured for {windows.Count} of {kills.Count} kills: "
            + Figures.Spread([.. windows.Select(kill => kill.Window!.Value)]));
        var longest = traffic.RetryChains.MaxBy(chain => chain.Span);
        figures.Add($"- merchant requests taken only after retries: {traffic.RetryChains.Count}; the longest a merchant retried one request: "
            + (longest is null ? "n/a" : $"{longest.Span.TotalSeconds:F1} s ({longest.Kind} {longest.ReferenceNo}, {longest.Attempts} attempts from {longest.FirstFailedAt.TotalSeconds:F1} s)"));
        figures.Add($"- **checkouts driven: {traffic.Driven.Count}** of {traffic.Arrivals} arrivals at {ChaosKnobs.Rate}/s over {ChaosKnobs.Duration.TotalSeconds:F0} s "
            + $"(201 × {creates.Count(r => r.Outcome == "201")}, 200 to a retried create × {creates.Count(r => r.Outcome == "200")}); "
            + $"**paid {traffic.Driven.Values.Count(d => d.Paid)}**, fulfilled {FulfilledBy(audit)}, never paid "
            + $"{traffic.Driven.Values.Count(d => !d.Pays)}; worst start lag {traffic.WorstStartLag.TotalMilliseconds:F0} ms (the arrival due at {traffic.WorstStartLagAt.TotalSeconds:F1} s), at most {traffic.MaxInFlight} in flight");
        figures.Add($"- **requests: {requests.Count}** — {Breakdown(requests)}");
        figures.Add($"- failures by kind: {FailuresByKind(requests)}; creates taken in p50 {Figures.Percentile(creates.Where(r => r.Succeeded).Select(r => r.Answer.Elapsed), 0.5)} ms, "
            + $"p99 {Figures.Percentile(creates.Where(r => r.Succeeded).Select(r => r.Answer.Elapsed), 0.99)} ms");
        figures.Add($"- {DescribePostgres(monkey.Postgres, creates)}");
        figures.Add($"- NICEPAY's notifications (sandbox → the silo that registered the checkout): "
            + string.Join(", ", ledger.SelectMany(t => t.Notifications).SelectMany(n => n.Attempts)
                .GroupBy(a => a.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "no answer").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}×{g.Count()}"))
            + $"; the ledger: {string.Join(", ", ledger.GroupBy(t => t.StatusName).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}");
        figures.Add($"- **settled {settledAfter.TotalSeconds:F1} s after the load and the chaos ended** ({unsettled} not settled within the settle timeout)");
        figures.Add($"- audit: {audit}");
        figures.Add($"- **violations: {violations.Count}**");
        figures.Add($"- drill time {clock.Elapsed.TotalSeconds:F1} s; load average at end {Figures.LoadAverage()}");

        if (violations.Count > 0)
        {
            Assert.Fail(await TellAsync(cluster, traffic, violations, audit));
        }
    }

    /// <summary>Waits until every checkout is in its final status with every event delivered; returns how many are not.</summary>
    private static async Task<int> SettleAsync(ProcessCluster cluster, IReadOnlyList<TrackedCheckout> tracked, ChaosTraffic traffic)
    {
        using var gate = new SemaphoreSlim(SettleParallelism);
        var settled = await Task.WhenAll(tracked.Select(async checkout =>
        {
            await gate.WaitAsync();
            try
            {
                return await LifecycleAudit.WaitUntilSettledAsync(cluster, checkout, traffic.SettleDeadline - traffic.Clock.Elapsed) is not null;
            }
            finally
            {
                gate.Release();
            }
        }));
        return settled.Count(done => !done);
    }

    /// <summary>The lifecycle audit of every checkout, in batches (a few hundred at once would only queue at the silos).</summary>
    private static async Task<AuditResult> AuditAsync(ProcessCluster cluster, IReadOnlyList<TrackedCheckout> tracked, ChaosTraffic traffic)
    {
        var audit = new AuditResult();
        foreach (var batch in tracked.Chunk(AuditBatch))
        {
            var remaining = traffic.SettleDeadline - traffic.Clock.Elapsed;
            var part = await LifecycleAudit.SettleAndAuditAsync(cluster, batch, remaining > AuditFloor ? remaining : AuditFloor);
            audit.Violations.AddRange(part.Violations);
            audit.Checkouts += part.Checkouts;
            audit.Events += part.Events;
            audit.Deliveries += part.Deliveries;
            audit.RepeatedAfterAcknowledgement += part.RepeatedAfterAcknowledgement;
            audit.Registrations += part.Registrations;
            foreach (var (reference, view) in part.Settled)
            {
                audit.Settled[reference] = view;
            }
        }

        return audit;
    }

    /// <summary>Every broken promise, each with the checkout it concerns (null when it concerns the drill as a whole).</summary>
    private static async Task<List<(string? ReferenceNo, string Problem)>> FindViolationsAsync(
        ProcessCluster cluster, ChaosTraffic traffic, ChaosMonkey monkey, AuditResult audit)
    {
        var violations = new List<(string? ReferenceNo, string Problem)>();

        // Answers that must never be given, and requests the merchant could not get taken.
        violations.AddRange(traffic.Requests.Where(request => request.IsViolation).Select(request => ((string?)request.ReferenceNo, $"answered {request.Outcome}: {request}")));
        violations.AddRange(traffic.Problems.Select(problem => ((string?)problem.ReferenceNo, problem.Problem)));

        // Every checkout of a killed silo answered again, and only ever cleanly on the way.
        foreach (var kill in monkey.Kills)
        {
            foreach (var (reference, takeover) in kill.Takeovers)
            {
                if (!takeover.Answered)
                {
                    violations.Add((reference, $"kill {kill.Number}: did not answer again within {takeover.Window.TotalSeconds:F0} s: {takeover}"));
                }

                violations.AddRange(takeover.Unclean.Select(answer => ((string?)reference, $"kill {kill.Number}: answered while taken over: {answer}")));
            }
        }

        // Nothing the merchant was shown is missing from the journal (no lost transition, nothing served before it was
        // durable): every checkout in a 2xx is the journal's entry at that version.
        var shown = traffic.Requests.Where(request => request.Succeeded && request.Kind is "create" or "read" or "fulfil")
            .Select(request => (request.ReferenceNo, request.Kind, request.Answer))
            .Concat(monkey.Kills.SelectMany(kill => kill.Takeovers.SelectMany(pair =>
                pair.Value.Seen.Where(answer => answer.Status == 200).Select(answer => (ReferenceNo: pair.Key, Kind: "read after a kill", Answer: answer)))));
        foreach (var (reference, kind, answer) in shown)
        {
            if (!audit.Settled.TryGetValue(reference, out var view))
            {
                continue; // not settled: the audit tells its story
            }

            var checkout = answer.As<CheckoutJson>();
            var entry = view.Journal.FirstOrDefault(entry => entry.Version == checkout.Version);
            if (entry is null || entry.To != checkout.Status)
            {
                violations.Add((reference, $"the merchant was shown v{checkout.Version} {checkout.Status} ({kind}); the journal has "
                    + (entry is null ? "no such version" : $"v{entry.Version} {entry.From} -> {entry.To}")));
            }
        }

        // The witnesses: NICEPAY holds no transaction, and the merchant's endpoint got no event, of a checkout nobody was
        // told of; NICEPAY's notifications were answered 200 or 503 (or not at all, by a dead silo).
        foreach (var merchant in cluster.Merchants)
        {
            foreach (var transaction in await cluster.Sandbox.TransactionsAsync(merchant))
            {
                if (!traffic.Driven.ContainsKey(transaction.ReferenceNo))
                {
                    violations.Add((transaction.ReferenceNo, $"NICEPAY holds {transaction} for a checkout the merchant never got a 2xx for"));
                }

                foreach (var attempt in transaction.Notifications.SelectMany(notification => notification.Attempts).Where(a => a.HttpStatus is not (null or 200 or 503)))
                {
                    violations.Add((transaction.ReferenceNo, $"NICEPAY's notification was answered {attempt.HttpStatus} at {attempt.At:HH:mm:ss.fff}"));
                }
            }
        }

        violations.AddRange(cluster.Webhooks.All().Where(webhook => webhook.ReferenceNo is null || !traffic.Driven.ContainsKey(webhook.ReferenceNo))
            .Select(webhook => ((string?)webhook.ReferenceNo, $"the merchant received an event of a checkout it never created: {webhook}")));

        // The audit: existence, final status, stored version, journal, one registration, ledger, webhooks.
        violations.AddRange(audit.Violations.Select(violation => ((string?)null, violation)));

        // The drill did what it claims.
        if (monkey.Kills.Count < ChaosKnobs.MinimumKills)
        {
            violations.Add((null, $"only {monkey.Kills.Count} kills happened, fewer than the {ChaosKnobs.MinimumKills} the drill claims"));
        }

        if (monkey.Postgres is null)
        {
            violations.Add((null, $"PostgreSQL was not restarted: the drill is shorter than two kill intervals, or it ran so late that no tick was left after the middle one ({monkey.SkippedTicks} ticks skipped)"));
        }

        violations.AddRange(monkey.Problems.Select(problem => ((string?)null, problem)));
        violations.AddRange(monkey.UnexpectedExits.Select(exit => ((string?)null, $"{exit} exited without being killed")));
        return violations;
    }

    /// <summary>The failure message: every violation, and the story of the first checkouts concerned.</summary>
    private static async Task<string> TellAsync(
        ProcessCluster cluster, ChaosTraffic traffic, List<(string? ReferenceNo, string Problem)> violations, AuditResult audit)
    {
        var lines = new List<string> { $"{violations.Count} violations ({audit}):" };
        lines.AddRange(violations.Select(violation => $"- {(violation.ReferenceNo is null ? "" : violation.ReferenceNo + ": ")}{violation.Problem}"));
        foreach (var reference in violations.Select(violation => violation.ReferenceNo).OfType<string>().Distinct(StringComparer.Ordinal).Take(StoriesShown))
        {
            var merchant = traffic.Attempted.TryGetValue(reference, out var attempted)
                ? attempted
                : cluster.Merchants.FirstOrDefault(m => cluster.Webhooks.For(reference).Any(w => w.MerchantId == m.Id)) ?? cluster.Merchants[0];
            lines.Add(await cluster.DescribeAsync(merchant, reference));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Breakdown(IEnumerable<ChaosRequest> requests) =>
        string.Join("; ", requests.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(kind =>
            $"{kind.Key} {kind.Count()}: {Outcomes(kind)}"));

    /// <summary>Which path fulfilled the checkouts: the merchant's call or its endpoint's acknowledgement of <c>checkout.confirmed</c>.</summary>
    private static string FulfilledBy(AuditResult audit) =>
        string.Join(" + ", audit.Settled.Values.SelectMany(view => view.Journal.Where(entry => entry.Trigger == "Fulfil"))
            .GroupBy(entry => entry.Cause).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} by {g.Key}"));

    private static string Outcomes(IEnumerable<ChaosRequest> requests) =>
        string.Join(", ", requests.GroupBy(r => r.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}×{g.Count()}"));

    private static string FailuresByKind(IEnumerable<ChaosRequest> requests) =>
        requests.Where(r => !r.Succeeded).ToList() is { Count: > 0 } failures ? Outcomes(failures) : "none";

    /// <summary>
    /// The PostgreSQL restart as the merchants saw it: creates fail from the first failure after the stop until the first
    /// create answered 201 after that.
    /// </summary>
    private static string DescribePostgres(PostgresOutage? outage, IReadOnlyList<ChaosRequest> creates)
    {
        if (outage is null)
        {
            return "PostgreSQL was not restarted";
        }

        var firstFailure = creates.Where(r => !r.Succeeded && r.StartedAt >= outage.StoppingAt).MinBy(r => r.StartedAt);
        var firstTaken = firstFailure is null ? null : creates.Where(r => r.Outcome == "201" && r.StartedAt >= firstFailure.StartedAt).MinBy(r => r.EndedAt);
        var failed = firstFailure is null || firstTaken is null
            ? []
            : creates.Where(r => !r.Succeeded && r.StartedAt >= firstFailure.StartedAt && r.StartedAt < firstTaken.EndedAt).ToList();
        return $"**PostgreSQL restart ({(outage.Immediate ? "immediate: a crash" : "fast stop")}) at {outage.StoppingAt.TotalSeconds:F1} s: down "
            + $"{outage.Down.TotalSeconds:F1} s** (stop asked → accepting connections); creates failed from "
            + (firstFailure is null || firstTaken is null
                ? "— (none failed)"
                : $"{(firstFailure.StartedAt - outage.StoppingAt).TotalSeconds:F1} s after the stop until the first 201 "
                    + $"{(firstTaken.EndedAt - outage.StoppingAt).TotalSeconds:F1} s after it ({(firstTaken.EndedAt - outage.StartedAt).TotalSeconds:F1} s "
                    + $"after PostgreSQL was back): {failed.Count} failed creates: {Outcomes(failed)}");
    }
}
