using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Orchestrator.ClusterHarness;
using Orchestrator.DurabilityTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.DurabilityTests;

/// <summary>
/// PostgreSQL stops for a few seconds while merchants create, read and fulfil checkouts through every silo and
/// customers pay at the stores. While it is down a request either succeeds (a read of an active checkout) or fails
/// cleanly: <c>503</c> with <c>Retry-After</c>, within a bound, never a 500 — NICEPAY's callbacks included. Once it is
/// back, every checkout that got a 201 exists and completes, the requests that failed succeed when retried, a payment
/// whose notification was refused is found by the status check, nothing the API served was ahead of PostgreSQL (no
/// transition is dated inside an outage), and no journal, version, registration or event is corrupted or doubled.
/// </summary>
[Trait("Category", "Durability")]
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    private const int RetryAttempts = 30;

    // A write that committed as PostgreSQL began its shutdown can carry a time just after the stop was asked for.
    private static readonly TimeSpan OutageMargin = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan FulfilEvery = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan PaymentLag = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Postgres_RestartedDuringTraffic_RequestsFailCleanlyAndNothingIsLostOrCorrupted()
    {
        var figures = new Figures(output, "PostgreSQL restart during traffic");
        var clock = Stopwatch.StartNew();
        await using var cluster = await DurabilityCluster.StartAsync(output, "postgres-restart", DurabilityKnobs.LoadSilos);
        var merchant = cluster.Merchants[0];
        var traffic = new Traffic();

        // Checkouts paid, confirmed and waiting for the merchant's fulfilment (its webhook endpoint fails meanwhile):
        // the merchant fulfils them during the load, each through a silo that does not host it.
        var loadSeconds = (DurabilityKnobs.LoadBetween.TotalSeconds * (DurabilityKnobs.PostgresRestarts + 1))
            + (DurabilityKnobs.PostgresDown.TotalSeconds * DurabilityKnobs.PostgresRestarts);
        var toFulfil = await PrepareConfirmedAsync(cluster, merchant, (int)Math.Ceiling(loadSeconds / FulfilEvery.TotalSeconds) + 2);

        using var stop = new CancellationTokenSource();
        var load = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, DurabilityKnobs.LoadWorkers)
            .Select(client => RunClientAsync(cluster, merchant, client, load, traffic, stop.Token))
            .Append(RunFulfilmentsAsync(merchant, toFulfil, load, traffic, stop.Token))
            .ToList();

        var outages = new List<Outage>();
        await Task.Delay(DurabilityKnobs.LoadBetween);
        for (var restart = 0; restart < DurabilityKnobs.PostgresRestarts; restart++)
        {
            var immediate = restart % 2 == 1;
            var (down, downAt) = (load.Elapsed, DateTimeOffset.UtcNow);
            await cluster.StopPostgresAsync(immediate);
            await Task.Delay(DurabilityKnobs.PostgresDown);
            var startingAt = DateTimeOffset.UtcNow;
            await cluster.StartPostgresAsync();
            outages.Add(new Outage(down, load.Elapsed, downAt, startingAt, immediate));
            await Task.Delay(DurabilityKnobs.LoadBetween);
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var loadTook = load.Elapsed;

        // What failed is retried, as merchants do after a 503: the same create, the same fulfil.
        var failedCreates = traffic.Attempted.Keys.Where(reference => !traffic.Created.ContainsKey(reference)).ToList();
        var createRetries = 0;
        foreach (var reference in failedCreates)
        {
            createRetries += await RetryUntilTakenAsync(cluster, merchant, reference, "create",
                silo => silo.CreateAsync(merchant, CreateCheckoutBody.For(reference)),
                answer => answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK && answer.As<CheckoutJson>().Status == "registered",
                answer => traffic.Created[reference] = answer.As<CheckoutJson>());
        }

        var failedFulfils = toFulfil.Keys.Where(reference => !traffic.Fulfilled.ContainsKey(reference)).ToList();
        var fulfilRetries = 0;
        foreach (var reference in failedFulfils)
        {
            fulfilRetries += await RetryUntilTakenAsync(cluster, merchant, reference, "fulfil",
                silo => silo.FulfilAsync(merchant, reference),
                answer => answer.StatusCode == HttpStatusCode.OK && answer.As<CheckoutJson>().Status == "fulfilled",
                _ => traffic.Fulfilled[reference] = true);
        }

        foreach (var reference in toFulfil.Keys)
        {
            cluster.Webhooks.Release(reference);
        }

        // The customers who had not paid yet pay now; everything must settle fulfilled.
        await PayAllAsync(cluster, traffic.Created.Where(pair => !traffic.Paid.ContainsKey(pair.Key)).Select(pair => pair.Value));
        var audit = await LifecycleAudit.SettleAndAuditAsync(cluster,
            [.. traffic.Created.Keys.Concat(toFulfil.Keys).Select(reference => new TrackedCheckout(merchant, reference, "fulfilled"))],
            DurabilityKnobs.SettleTimeout);

        // Nothing the API served ran ahead of PostgreSQL: no transition can be dated inside an outage, when no write
        // could succeed (a transition applied in memory then and persisted later would be).
        var datedInOutage = audit.Settled.Values
            .SelectMany(view => view.Journal.Select(entry => (view.Checkout.ReferenceNo, entry)))
            .Where(pair => outages.Any(outage => pair.entry.At > outage.DownAt + OutageMargin && pair.entry.At < outage.StartingAt))
            .Select(pair => $"{pair.ReferenceNo} v{pair.entry.Version} {pair.entry.From} -> {pair.entry.To} ({pair.entry.Cause}) at {pair.entry.At:HH:mm:ss.fff}")
            .ToList();

        // NICEPAY's callbacks, as the sandbox recorded their answers.
        var callbacks = (await cluster.Sandbox.TransactionsAsync(merchant))
            .SelectMany(transaction => transaction.Notifications.SelectMany(notification => notification.Attempts))
            .ToList();
        var uncleanCallbacks = callbacks.Where(attempt => attempt.HttpStatus is not (200 or 503)).ToList();

        // The figures.
        var all = traffic.Requests.ToList();
        figures.Add($"- {DurabilityKnobs.LoadSilos} silos; {DurabilityKnobs.LoadWorkers} clients × {DurabilityKnobs.LoadRatePerWorker}/s, each a create, "
            + $"a read and a store payment; a merchant fulfilling a confirmed checkout every {FulfilEvery.TotalMilliseconds:F0} ms through a silo not hosting it; "
            + $"load for {loadTook.TotalSeconds:F1} s; request bound {DurabilityKnobs.RequestBound.TotalSeconds:F0} s");
        foreach (var kind in new[] { "create", "read", "fulfil" })
        {
            var ofKind = all.Where(r => r.Kind == kind).ToList();
            figures.Add($"- {kind}s: {ofKind.Count} requests: {Breakdown(ofKind)}; latency max {Max(ofKind)} ms, p99 {Figures.Percentile(ofKind.Select(r => r.Elapsed), 0.99)} ms");
        }

        figures.Add($"- store payments during the load: {traffic.Paid.Count}; NICEPAY callback attempts: {callbacks.Count}: "
            + string.Join(", ", callbacks.GroupBy(a => a.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? a.Error ?? "?").Select(g => $"{g.Key}×{g.Count()}")));
        for (var i = 0; i < outages.Count; i++)
        {
            var outage = outages[i];
            var (down, up) = (outage.Down, outage.Up);

            // Requests started from a second before the stop until the load between outages ran out — or until the
            // next outage's own attribution begins, so that its first failures are not counted in this window.
            var attributedUntil = up + DurabilityKnobs.LoadBetween;
            if (i + 1 < outages.Count && outages[i + 1].Down - TimeSpan.FromSeconds(1) < attributedUntil)
            {
                attributedUntil = outages[i + 1].Down - TimeSpan.FromSeconds(1);
            }

            var during = all.Where(r => r.StartedAt >= down - TimeSpan.FromSeconds(1) && r.StartedAt < attributedUntil).ToList();
            var failed = during.Where(r => r.Status is not (200 or 201)).ToList();
            var firstFailure = failed.Count > 0 ? failed.Min(r => r.StartedAt) : (TimeSpan?)null;
            var lastFailureEnd = failed.Count > 0 ? failed.Max(r => r.StartedAt + r.Elapsed) : (TimeSpan?)null;
            var firstCreateAfter = all.Where(r => r.Kind == "create" && r.Status == 201 && r.StartedAt >= up).Select(r => r.StartedAt + r.Elapsed).DefaultIfEmpty().Min();
            figures.Add(string.Create(CultureInfo.InvariantCulture,
                $"- PostgreSQL {(outage.Immediate ? "crash (immediate)" : "fast")} stop at {down.TotalSeconds:F1} s, started again at {up.TotalSeconds:F1} s "
                + $"(down {(up - down).TotalSeconds:F1} s): failures from {Seconds(firstFailure)} to {Seconds(lastFailureEnd)} "
                + $"(unavailability window {((lastFailureEnd - firstFailure) ?? TimeSpan.Zero).TotalSeconds:F1} s), "
                + $"first 201 {(firstCreateAfter - up).TotalSeconds:F1} s after PostgreSQL was back; {failed.Count} failed requests: {Breakdown(failed)}"));
        }

        figures.Add($"- after the load, the merchant retried {failedCreates.Count} failed creates ({createRetries} attempts) and sent the "
            + $"{failedFulfils.Count} fulfils that had failed or were still to do ({fulfilRetries} attempts); all taken");
        figures.Add($"- transitions dated inside an outage (served before they were durable): {datedInOutage.Count}");
        figures.Add($"- audit: {audit}");
        figures.Add($"- drill time {clock.Elapsed.TotalSeconds:F1} s; load average at end {Figures.LoadAverage()}");

        // Every broken promise at once, so one run tells the whole story.
        var failures = new List<string>();
        var unclean = all.Where(r => r.Status is not (200 or 201) && !(r.Status == 503 && r.RetryAfter is not null)).ToList();
        if (unclean.Count > 0)
        {
            failures.Add($"{unclean.Count} requests failed other than with 503 + Retry-After within {DurabilityKnobs.RequestBound}:{Environment.NewLine}"
                + string.Join(Environment.NewLine, unclean.Take(20)));
        }

        if (uncleanCallbacks.Count > 0)
        {
            failures.Add($"NICEPAY's callbacks were answered other than 200 or 503: {string.Join(", ", uncleanCallbacks)}");
        }

        if (outages.Count > 0 && !all.Any(r => r.Status == 503))
        {
            failures.Add("PostgreSQL was down, yet no request failed: the drill did not test anything.");
        }

        if (datedInOutage.Count > 0)
        {
            failures.Add($"transitions were applied while PostgreSQL was down and persisted later (the API served them before they were durable):{Environment.NewLine}"
                + string.Join(Environment.NewLine, datedInOutage.Take(20)));
        }

        if (audit.Violations.Count > 0)
        {
            failures.Add($"{audit}:{Environment.NewLine}{string.Join(Environment.NewLine + Environment.NewLine, audit.Violations)}");
        }

        failures.AddRange(cluster.UnexpectedExits.Select(silo => $"{silo} exited by itself"));
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures));
    }

    private static async Task RunClientAsync(
        ProcessCluster cluster, HarnessMerchant merchant, int client, Stopwatch load, Traffic traffic, CancellationToken stop)
    {
        var pace = TimeSpan.FromSeconds(1 / DurabilityKnobs.LoadRatePerWorker);
        var random = new Random(client);
        for (var turn = client; !stop.IsCancellationRequested; turn++)
        {
            var began = load.Elapsed;
            var silos = cluster.RunningSilos;

            // A request under way is never abandoned: stopping the load only stops new ones.
            var reference = DurabilityCluster.NewReference("pg");
            traffic.Attempted[reference] = true;
            var start = load.Elapsed;
            var create = await silos[turn % silos.Count].CreateAsync(merchant, CreateCheckoutBody.For(reference), DurabilityKnobs.RequestBound, CancellationToken.None);
            traffic.Requests.Enqueue(new Request("create", reference, start, create));
            if (create.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                traffic.Created[reference] = create.As<CheckoutJson>();
                traffic.Unpaid.Enqueue((reference, load.Elapsed));
            }

            var known = traffic.Created.Keys.ToList();
            if (known.Count > 0)
            {
                var read = known[random.Next(known.Count)];
                start = load.Elapsed;
                traffic.Requests.Enqueue(new Request("read", read, start, await silos[(turn + 1) % silos.Count].GetAsync(merchant, read, DurabilityKnobs.RequestBound, CancellationToken.None)));
            }

            // A customer pays a checkout created a while ago at the store (so payments go on into an outage); NICEPAY
            // then notifies the silo that registered it.
            if (traffic.Unpaid.TryPeek(out var next) && load.Elapsed - next.CreatedAt >= PaymentLag && traffic.Unpaid.TryDequeue(out var payable))
            {
                await cluster.Sandbox.PayOrThrowAsync(traffic.Created[payable.Reference]);
                traffic.Paid[payable.Reference] = true;
            }

            var rest = pace - (load.Elapsed - began);
            if (rest > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(rest, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The merchant fulfils one confirmed checkout after another, each through a silo that does not host it.</summary>
    private static async Task RunFulfilmentsAsync(
        HarnessMerchant merchant, IReadOnlyDictionary<string, SiloProcess> toFulfil, Stopwatch load, Traffic traffic, CancellationToken stop)
    {
        foreach (var (reference, through) in toFulfil)
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            var start = load.Elapsed;
            var answer = await through.Http.SendAsync(HttpMethod.Post, $"v1/checkouts/{reference}/fulfil", merchant.ApiKey, timeout: DurabilityKnobs.RequestBound, cancellationToken: CancellationToken.None);
            traffic.Requests.Enqueue(new Request("fulfil", reference, start, answer));
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                traffic.Fulfilled[reference] = true;
            }

            try
            {
                await Task.Delay(FulfilEvery, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Creates checkouts (through the silos in turn), pays them with the merchant's webhook endpoint failing, and waits
    /// until each is confirmed; returns each with a running silo that does not host it.
    /// </summary>
    private static async Task<Dictionary<string, SiloProcess>> PrepareConfirmedAsync(ProcessCluster cluster, HarnessMerchant merchant, int count)
    {
        var silos = cluster.RunningSilos;
        var prepared = new Dictionary<string, SiloProcess>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var reference = DurabilityCluster.NewReference("ful");
            cluster.Webhooks.Hold(reference);
            await cluster.Sandbox.PayOrThrowAsync(await silos[i % silos.Count].CreateRegisteredAsync(merchant, CreateCheckoutBody.For(reference)));
            prepared[reference] = silos[0];
        }

        foreach (var reference in prepared.Keys.ToList())
        {
            await cluster.WaitForStatusAsync(merchant, reference, "confirmed");
            var (host, _) = await cluster.FindHostAsync(merchant, reference);
            prepared[reference] = silos.First(silo => silo != host);
        }

        return prepared;
    }

    private static async Task PayAllAsync(ProcessCluster cluster, IEnumerable<CheckoutJson> checkouts)
    {
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(checkouts.Select(async checkout =>
        {
            await gate.WaitAsync();
            try
            {
                await cluster.Sandbox.PayOrThrowAsync(checkout);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Sends the same request again, through the silos in turn, until it is taken; returns the attempts it took.</summary>
    private static async Task<int> RetryUntilTakenAsync(
        ProcessCluster cluster, HarnessMerchant merchant, string reference, string what,
        Func<SiloProcess, Task<WireResponse>> send, Func<WireResponse, bool> taken, Action<WireResponse> record)
    {
        WireResponse? last = null;
        for (var attempt = 1; attempt <= RetryAttempts; attempt++)
        {
            var silos = cluster.RunningSilos;
            last = await send(silos[attempt % silos.Count]);
            if (taken(last))
            {
                record(last);
                return attempt;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Fail($"The merchant's retried {what} of {reference} was not taken after {RetryAttempts} attempts (last: {last}).{Environment.NewLine}{await cluster.DescribeAsync(merchant, reference)}");
        return RetryAttempts;
    }

    private static string Breakdown(IEnumerable<Request> requests) =>
        string.Join(", ", requests.GroupBy(r => r.Status == 0 ? "no answer" : r.Status.ToString(CultureInfo.InvariantCulture)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}×{g.Count()}{(g.Key == "503" ? $" ({g.Count(r => r.RetryAfter is not null)} with Retry-After)" : "")}"));

    private static string Max(List<Request> requests) =>
        requests.Count == 0 ? "n/a" : requests.Max(r => r.Elapsed.TotalMilliseconds).ToString("F0", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan? at) => at is { } value ? value.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "-";

    /// <summary>What the load did and what it got.</summary>
    private sealed class Traffic
    {
        public ConcurrentQueue<Request> Requests { get; } = new();

        public ConcurrentDictionary<string, bool> Attempted { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, CheckoutJson> Created { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<(string Reference, TimeSpan CreatedAt)> Unpaid { get; } = new();

        public ConcurrentDictionary<string, bool> Paid { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, bool> Fulfilled { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>One PostgreSQL outage: load-clock times for the figures, wall-clock times for the journal check.</summary>
    private sealed record Outage(TimeSpan Down, TimeSpan Up, DateTimeOffset DownAt, DateTimeOffset StartingAt, bool Immediate);

    /// <summary>One request of the load and its answer.</summary>
    private sealed record Request(string Kind, string Reference, TimeSpan StartedAt, WireResponse Answer)
    {
        public int Status => Answer.Status;

        public string? RetryAfter => Answer.RetryAfter;

        public TimeSpan Elapsed => Answer.Elapsed;

        public override string ToString() => $"{Kind} {Reference} at {StartedAt.TotalSeconds:F1} s: {Answer}";
    }
}
