using System.Diagnostics;
using System.Net;
using Orchestrator.TestSupport.Webhooks;

namespace Orchestrator.ClusterHarness;

/// <summary>A checkout a drill drove, and the status it must end in.</summary>
/// <param name="Merchant">Its merchant.</param>
/// <param name="ReferenceNo">Its referenceNo.</param>
/// <param name="FinalStatus">The status it must settle in (<c>fulfilled</c>, <c>expired</c>, <c>registered</c>, <c>cancelled</c>…).</param>
public sealed record TrackedCheckout(HarnessMerchant Merchant, string ReferenceNo, string FinalStatus)
{
    /// <inheritdoc />
    public override string ToString() => $"{Merchant.Id}/{ReferenceNo} → {FinalStatus}";
}

/// <summary>What an audit found.</summary>
public sealed class AuditResult
{
    /// <summary>Every broken invariant, one line each, naming the checkout.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Checkouts audited.</summary>
    public int Checkouts { get; set; }

    /// <summary>Logical merchant events (distinct event ids) in the checkouts' outboxes.</summary>
    public int Events { get; set; }

    /// <summary>Webhook requests the merchant received for them (retries and repeats included).</summary>
    public int Deliveries { get; set; }

    /// <summary>Deliveries of an event id after it was already acknowledged (at-least-once repeats; allowed, counted).</summary>
    public int RepeatedAfterAcknowledgement { get; set; }

    /// <summary>NICEPAY registrations the sandbox created for them.</summary>
    public int Registrations { get; set; }

    /// <summary>The operator view of each settled checkout, by referenceNo.</summary>
    public Dictionary<string, OperatorViewJson> Settled { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Checkouts} checkouts, {Registrations} NICEPAY registrations, {Events} merchant events in {Deliveries} deliveries "
        + $"({RepeatedAfterAcknowledgement} repeated after acknowledgement), {Violations.Count} violations";
}

/// <summary>
/// The end-of-drill invariants, checked against three independent witnesses: the checkout (operator view: status,
/// journal, outbox), the NICEPAY sandbox's ledger, and what the merchant's endpoint actually received.
/// <list type="bullet">
/// <item>the checkout exists and settled in its expected status, and what the API serves is what PostgreSQL holds;</item>
/// <item>its journal is whole: versions 1..N without gaps or repeats, N = the checkout's version, one <c>Create</c>,
/// each transition starting where the previous ended;</item>
/// <item>NICEPAY registered it exactly once (one transaction, the checkout's tXid and payment code), and the ledger's
/// status agrees (paid ↔ confirmed/fulfilled, expired ↔ expired, unpaid ↔ registered, cancelled ↔ cancelled);</item>
/// <item>every delivery the merchant received verifies (Standard Webhooks, checked here) and carries, for one event id,
/// always the same body: no id was ever used for two logical events;</item>
/// <item>one event id per event type and checkout: no logical event was told twice under different ids;</item>
/// <item>every event in the outbox was delivered and acknowledged at least once, every event received is in the
/// outbox, and the events the journal implies were told, in order.</item>
/// </list>
/// </summary>
public static class LifecycleAudit
{
    private static readonly HashSet<string> RepeatableEventTypes = new(StringComparer.Ordinal) { "checkout.attention_required" };

    /// <summary>
    /// Waits until each checkout has settled (its final status, every outbox event delivered), then audits all of them.
    /// A checkout that does not settle within <paramref name="settleTimeout"/> is a violation, described in full.
    /// </summary>
    public static async Task<AuditResult> SettleAndAuditAsync(ProcessCluster cluster, IReadOnlyCollection<TrackedCheckout> checkouts, TimeSpan settleTimeout)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(checkouts);
        var result = new AuditResult();
        var clock = Stopwatch.StartNew();
        var settled = await Task.WhenAll(checkouts.Select(async checkout =>
            (checkout, view: await WaitUntilSettledAsync(cluster, checkout, settleTimeout - clock.Elapsed))));
        foreach (var (checkout, view) in settled)
        {
            result.Checkouts++;
            if (view is null)
            {
                result.Violations.Add($"{checkout}: did not settle within {settleTimeout}:{Environment.NewLine}{await cluster.DescribeAsync(checkout.Merchant, checkout.ReferenceNo)}");
                continue;
            }

            await AuditAsync(cluster, checkout, view, result);
        }

        return result;
    }

    /// <summary>
    /// Polls the operator view (through any running silo) until the checkout is in its final status with every outbox
    /// event delivered; returns the view, or null when that does not happen in time.
    /// </summary>
    public static async Task<OperatorViewJson?> WaitUntilSettledAsync(ProcessCluster cluster, TrackedCheckout checkout, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(checkout);
        var clock = Stopwatch.StartNew();
        var turn = 0;
        do
        {
            var silos = cluster.RunningSilos;
            if (silos.Count > 0)
            {
                var silo = silos[turn++ % silos.Count];
                var response = await silo.OperatorViewAsync(cluster.OperatorKey, checkout.Merchant, checkout.ReferenceNo, TimeSpan.FromSeconds(10));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var view = response.As<OperatorViewJson>();
                    if (view.Checkout.Status == checkout.FinalStatus && view.WebhookDeliveries.All(d => d.State == "delivered"))
                    {
                        return view;
                    }
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        while (clock.Elapsed < timeout);

        return null;
    }

    /// <summary>Audits one settled checkout, adding what is wrong to <paramref name="result"/>.</summary>
    public static async Task AuditAsync(ProcessCluster cluster, TrackedCheckout checkout, OperatorViewJson view, AuditResult result)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(checkout);
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(result);
        var violations = new List<string>();
        var current = view.Checkout;
        result.Settled[checkout.ReferenceNo] = view;

        // What the API serves must be durable: read after the view, the stored version cannot be older.
        var stored = await cluster.StoredVersionAsync(checkout.Merchant, checkout.ReferenceNo);
        if (stored is null || stored < current.Version)
        {
            violations.Add($"the API serves v{current.Version}, PostgreSQL holds {(stored is null ? "nothing" : $"v{stored}")}");
        }

        if (current.Status != checkout.FinalStatus)
        {
            violations.Add($"status {current.Status}, expected {checkout.FinalStatus}");
        }

        violations.AddRange(JournalProblems(view));

        // NICEPAY: one registration, the one the checkout knows, and the same truth about the payment.
        var registrations = await cluster.Sandbox.RegistrationsAsync(checkout.Merchant, checkout.ReferenceNo);
        var transactions = await cluster.Sandbox.TransactionsAsync(checkout.Merchant, checkout.ReferenceNo);
        result.Registrations += registrations?.Created ?? 0;
        if (registrations?.Created != 1 || transactions.Count != 1)
        {
            violations.Add($"NICEPAY registrations: {registrations?.ToString() ?? "none"}; ledger transactions: {transactions.Count}");
        }
        else
        {
            var transaction = transactions[0];
            if (transaction.TXid != current.TransactionId || transaction.PayNo != current.PaymentCode)
            {
                violations.Add($"the ledger's transaction {transaction.TXid}/{transaction.PayNo} is not the checkout's {current.TransactionId}/{current.PaymentCode}");
            }

            var ledgerStatus = current.Status switch
            {
                "confirmed" or "fulfilled" => "paid",
                "expired" => "expired",
                "registered" => "unpaid",
                "cancelled" => "cancelled",
                _ => null,
            };
            if (ledgerStatus is not null && transaction.StatusName != ledgerStatus)
            {
                violations.Add($"the ledger says {transaction.StatusName}, the checkout says {current.Status}");
            }
        }

        violations.AddRange(WebhookProblems(cluster.Webhooks.For(checkout.ReferenceNo), view, result));
        if (violations.Count > 0)
        {
            result.Violations.Add($"{checkout}: {string.Join("; ", violations)}{Environment.NewLine}{await cluster.DescribeAsync(checkout.Merchant, checkout.ReferenceNo)}");
        }
    }

    /// <summary>Whether the journal is whole and agrees with the checkout's version; the problems found.</summary>
    public static IReadOnlyList<string> JournalProblems(OperatorViewJson view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var problems = new List<string>();
        var journal = view.Journal;
        if (journal.Count == 0)
        {
            return ["empty journal"];
        }

        if (!journal.Select(entry => entry.Version).SequenceEqual(Enumerable.Range(1, journal.Count)))
        {
            problems.Add($"journal versions [{string.Join(", ", journal.Select(entry => entry.Version))}] are not 1..{journal.Count}");
        }

        if (journal[^1].Version != view.Checkout.Version || journal[^1].To != view.Checkout.Status)
        {
            problems.Add($"the journal ends at v{journal[^1].Version} {journal[^1].To}, the checkout is v{view.Checkout.Version} {view.Checkout.Status}");
        }

        if (journal.Count(entry => entry.Trigger == "Create") != 1 || journal[0].Trigger != "Create")
        {
            problems.Add("the journal does not start with exactly one Create");
        }

        for (var i = 1; i < journal.Count; i++)
        {
            if (journal[i].From != journal[i - 1].To)
            {
                problems.Add($"v{journal[i].Version} starts from {journal[i].From}, but v{journal[i - 1].Version} ended in {journal[i - 1].To}");
            }
        }

        return problems;
    }

    /// <summary>
    /// The merchant events the journal implies, in order: one per status the checkout entered, except a registration
    /// inside the create call (the 201 told the merchant) and the merchant's own fulfilment.
    /// </summary>
    public static IReadOnlyList<string> ExpectedEvents(OperatorViewJson view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return [.. view.Journal
            .Where(entry => entry.From != entry.To)
            .Select(entry => entry.To switch
            {
                "registered" when entry.Cause != "merchant_call" => "checkout.registered",
                "confirmed" => "checkout.confirmed",
                "expired" => "checkout.expired",
                "cancelled" => "checkout.cancelled",
                "failed" => "checkout.failed",
                "reversed" => "checkout.reversed",
                _ => null,
            })
            .OfType<string>()];
    }

    private static List<string> WebhookProblems(IReadOnlyList<ReceivedWebhook> received, OperatorViewJson view, AuditResult result)
    {
        var problems = new List<string>();
        result.Deliveries += received.Count;
        result.Events += view.WebhookDeliveries.Count;
        foreach (var unverified in received.Where(w => !w.Verified))
        {
            problems.Add($"delivery #{unverified.Sequence} did not verify: {unverified.SignatureProblem}");
        }

        foreach (var byId in received.GroupBy(w => w.WebhookId ?? "(none)"))
        {
            if (byId.Select(w => w.Body).Distinct(StringComparer.Ordinal).Count() > 1)
            {
                problems.Add($"event id {byId.Key} was delivered with {byId.Select(w => w.Body).Distinct(StringComparer.Ordinal).Count()} different bodies");
            }

            if (byId.Any(w => w.EventId != byId.Key))
            {
                problems.Add($"event id {byId.Key} in the header differs from the body's id");
            }

            var acknowledged = byId.TakeWhile(w => !w.Acknowledged).Count();
            result.RepeatedAfterAcknowledgement += Math.Max(0, byId.Count() - acknowledged - 1);
        }

        foreach (var byType in received.Where(w => w.Type is not null && !RepeatableEventTypes.Contains(w.Type)).GroupBy(w => w.Type!))
        {
            var ids = byType.Select(w => w.WebhookId).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count > 1)
            {
                problems.Add($"{byType.Key} was told under {ids.Count} event ids: {string.Join(", ", ids)}");
            }
        }

        var outbox = view.WebhookDeliveries.ToDictionary(d => d.EventId, StringComparer.Ordinal);
        foreach (var phantom in received.Select(w => w.WebhookId ?? "(none)").Distinct(StringComparer.Ordinal).Where(id => !outbox.ContainsKey(id)))
        {
            problems.Add($"received event id {phantom}, which is not in the checkout's outbox");
        }

        foreach (var delivery in view.WebhookDeliveries)
        {
            var copies = received.Where(w => w.WebhookId == delivery.EventId).ToList();
            if (!copies.Any(w => w.Acknowledged))
            {
                problems.Add($"{delivery.Type} {delivery.EventId} ({delivery.State}) was never acknowledged by the merchant (received {copies.Count} times)");
            }

            if (copies.Any(w => w.Type != delivery.Type || w.DataVersion != delivery.Version))
            {
                problems.Add($"{delivery.EventId} arrived as another type or version than the outbox's {delivery.Type} v{delivery.Version}");
            }
        }

        var told = view.WebhookDeliveries.Where(d => !RepeatableEventTypes.Contains(d.Type)).Select(d => d.Type).ToList();
        var expected = ExpectedEvents(view);
        if (!told.SequenceEqual(expected))
        {
            problems.Add($"events told [{string.Join(", ", told)}], expected from the journal [{string.Join(", ", expected)}]");
        }

        return problems;
    }
}
