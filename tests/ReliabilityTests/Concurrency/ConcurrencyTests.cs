using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.ReliabilityTests.Infrastructure;
using Orchestrator.TestSupport.Wire;
using Xunit.Abstractions;

namespace Orchestrator.ReliabilityTests.Concurrency;

/// <summary>
/// Issue 5 §5: many tasks at once create (identically and conflictingly, with and without Idempotency-Key), cancel,
/// fulfil, pay at the store, make NICEPAY notify (again), post copies of NICEPAY's notifications, ask for status
/// checks and read — all on the same few checkouts, in a random (seeded) order. At the end every journal is a valid
/// path through the state machine, NICEPAY holds exactly one registration per checkout, nothing answered 5xx, and every
/// answer a caller got agrees with how the checkout ended.
/// </summary>
[Collection(Suites.Concurrency)]
[Trait("Category", "Reliability")]
public sealed class ConcurrencyTests(ConcurrencyHost host, ITestOutputHelper output)
{
    private const string SeedVariable = "RELIABILITY_SEED";
    private const int Checkouts = 24;
    private const int Tasks = 24;
    private const int OperationsPerTask = 60;
    private static readonly TimeSpan SettleWait = TimeSpan.FromSeconds(40);

    // Operation mix: name and weight.
    private static readonly (string Op, int Weight)[] Mix =
    [
        ("create", 18), ("create-conflicting", 6), ("cancel", 12), ("fulfil", 10), ("pay", 12),
        ("resend-notification", 8), ("post-notification-copy", 8), ("status-check", 10), ("get", 10),
    ];

    private static readonly HashSet<string> NonFinal = ["created", "notified", "confirmed"];

    private static readonly string SharedKey = $"shared-key-{Guid.NewGuid():N}";

    // The ledger's word for a checkout NICEPAY never registered.
    private const string NoTransaction = "none";

    [Fact]
    public async Task ConcurrentCommands_OnTheSameCheckouts_KeepTheStateMachineAndOneRegistrationEach()
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var figures = new Figures(output, "concurrency");
        figures.Line($"§5 idempotency under concurrency: seed {seed} (repeat with {SeedVariable}={seed}), {Checkouts} checkouts, {Tasks} tasks x {OperationsPerTask} operations");

        var specs = Enumerable.Range(0, Checkouts).Select(index => Spec.Create(seed, index)).ToArray();

        // A quarter of the checkouts each meet a registration fault, so creates, cancels and status checks also race
        // the registration's recovery: its answer lost after NICEPAY registered it, lost before, or NICEPAY busy.
        foreach (var spec in specs.Where(spec => spec.RegistrationFault is not null))
        {
            await host.AddFaultAsync(new { operation = "registration", kind = spec.RegistrationFault, delayMs = 1_500, count = 1, match = new { referenceNo = spec.Reference } });
        }

        var known = new ConcurrentDictionary<int, CheckoutJson>();
        var copies = new ConcurrentDictionary<string, CapturedNotification>(StringComparer.Ordinal);
        host.NotificationSent = captured =>
        {
            var txid = System.Web.HttpUtility.ParseQueryString(System.Text.Encoding.UTF8.GetString(captured.Body))["tXid"];
            if (txid is not null)
            {
                copies[txid] = captured;
            }
        };

        var answers = new ConcurrentBag<Answer>();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Tasks).Select(task => Task.Run(async () =>
        {
            var random = new Random(unchecked(seed + (task * 7919)));
            for (var i = 0; i < OperationsPerTask; i++)
            {
                // Yield between calls, so no task runs inline on a completing thread and starves the others; now and
                // then a caller also pauses a few milliseconds, so the run spans the scheduled status checks as well.
                await Task.Yield();
                if (random.Next(4) == 0)
                {
                    await Task.Delay(random.Next(1, 40));
                }

                var spec = specs[random.Next(specs.Length)];
                var op = Pick(random);
                if (await RunAsync(spec, op, random, known, copies) is { } answer)
                {
                    answers.Add(answer);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var operationsTook = clock.Elapsed;
        host.NotificationSent = null;

        var all = answers.OrderBy(a => a.Started).ToList();
        var created = specs.Where(spec => all.Any(a => a.Checkout == spec.Index && a.Http == 201)).ToList();
        var allCreates = all.Where(a => a.Op.StartsWith("create", StringComparison.Ordinal)).ToList();
        var (finals, ledger) = await SettleAsync(created);
        var settledAfter = clock.Elapsed;

        var violations = new List<string>();
        var views = new Dictionary<int, OperatorViewJson>();
        var registrationCount = 0;
        foreach (var spec in created)
        {
            var view = await host.OperatorViewAsync(ConcurrencyHost.ShopA, spec.Reference);
            views[spec.Index] = view;
            violations.AddRange((await JournalValidator.ViolationsAsync(view.Journal)).Select(v => $"{spec.Reference}: journal: {v}"));
            // One registration at most, and the checkout's own once it has a code: only a checkout cancelled while NICEPAY
            // had definitely registered nothing (busy) has none. Without a fault, one request did it all.
            var registrations = await host.SandboxRegistrationsAsync(ConcurrencyHost.ShopA, spec.Reference);
            var created1 = registrations.Sum(r => r.Created);
            var expected = view.Checkout.TransactionId is { } txid
                ? registrations is [{ Created: 1 } one] && one.TXids.SequenceEqual([txid]) && (spec.RegistrationFault is not null || one.Received == 1)
                : created1 == 0 && view.Checkout.Status == "cancelled";
            if (!expected)
            {
                violations.Add($"{spec.Reference} ({spec.RegistrationFault ?? "no fault"}, {view.Checkout.Status}, tXid {view.Checkout.TransactionId ?? "-"}): "
                    + $"NICEPAY registrations do not match: {string.Join(" | ", registrations)}");
            }

            registrationCount += created1;
        }

        foreach (var spec in specs)
        {
            violations.AddRange(AnswerViolations(spec, [.. all.Where(a => a.Checkout == spec.Index)], allCreates, views.GetValueOrDefault(spec.Index),
                finals.GetValueOrDefault(spec.Index), ledger.GetValueOrDefault(spec.Index)));
        }

        // An Idempotency-Key belongs to the first request that claimed it: every request it succeeded for is that one.
        foreach (var key in allCreates.Where(a => a.Key is not null && a.Http is 200 or 201).GroupBy(a => a.Key))
        {
            var requests = key.Select(a => (a.Checkout, a.BodyAmount, a.BodyStore)).Distinct().ToList();
            if (requests.Count > 1)
            {
                violations.Add($"Idempotency-Key {key.Key} succeeded for {requests.Count} different requests: {string.Join(" | ", requests)}");
            }
        }

        var serverErrors = all.Where(a => a.Http >= 500).ToList();
        violations.AddRange(serverErrors.Select(a => $"5xx answer: {a}"));
        var webhooks = WebhookAudit.Check(host.Webhooks.All(), [ConcurrencyHost.ShopA]);
        violations.AddRange(webhooks.Violations.Select(v => $"webhooks: {v}"));

        figures.Line($"operations: {all.Count} answered in {operationsTook.TotalSeconds:F1} s ({all.Count / operationsTook.TotalSeconds:F0}/s), settled after {settledAfter.TotalSeconds:F1} s");
        figures.Line($"answers by operation and status: {string.Join(", ", all.GroupBy(a => $"{a.Op} {a.Http}").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}"))}");
        figures.Line($"checkouts created: {created.Count} of {Checkouts}; final statuses: {string.Join(", ", finals.Values.GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}");
        figures.Line($"journals replayed against the state machine: {views.Count}, entries {views.Values.Sum(v => v.Journal.Count)}; NICEPAY registrations: {registrationCount} for {created.Count} checkouts "
            + $"(registration faults: {string.Join(", ", specs.Where(spec => spec.RegistrationFault is not null).GroupBy(spec => spec.RegistrationFault).Select(g => $"{g.Key} {g.Count()}"))}; "
            + $"cancelled before NICEPAY registered anything: {ledger.Values.Count(truth => truth == NoTransaction)})");
        figures.Line($"webhooks: {webhooks.Deliveries} deliveries, {webhooks.Events} events, {webhooks.Redeliveries} redeliveries");
        figures.Line($"5xx answers: {serverErrors.Count}; violations: {violations.Count}");
        figures.Save();

        Assert.True(created.Count > Checkouts / 2, $"too few checkouts were created ({created.Count}) for the run to mean much; seed {seed}");
        Assert.True(violations.Count == 0,
            $"seed {seed}: {violations.Count} violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, violations.Take(40))}");
    }

    /// <summary>Waits until every created checkout has come to rest where the sandbox ledger says it must.</summary>
    private async Task<(Dictionary<int, string> Finals, Dictionary<int, string> Ledger)> SettleAsync(IReadOnlyList<Spec> created)
    {
        var finals = new Dictionary<int, string>();
        var ledger = new Dictionary<int, string>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var unsettled = new List<string>();
            foreach (var spec in created)
            {
                var checkout = await host.GetCheckoutAsync(ConcurrencyHost.ShopA, spec.Reference);
                var transactions = await host.SandboxTransactionsAsync(ConcurrencyHost.ShopA, spec.Reference);
                Assert.True(transactions.Count <= 1, $"{spec.Reference}: {transactions.Count} NICEPAY transactions (two payable codes): {string.Join(" | ", transactions)}");
                var truth = transactions.Count == 0 ? NoTransaction : transactions[0].StatusName;
                finals[spec.Index] = checkout.Status;
                ledger[spec.Index] = truth;
                if (NonFinal.Contains(checkout.Status) || checkout.Status != ExpectedFinal(truth))
                {
                    unsettled.Add($"{spec.Reference}: {checkout.Status}, ledger {truth}");
                }
            }

            if (unsettled.Count == 0)
            {
                return (finals, ledger);
            }

            if (clock.Elapsed > SettleWait)
            {
                var details = new List<string>();
                foreach (var reference in unsettled.Take(5).Select(u => u.Split(':')[0]))
                {
                    details.Add(await host.DescribeAsync(ConcurrencyHost.ShopA, reference));
                }

                Assert.Fail($"{unsettled.Count} checkout(s) did not settle where the ledger says within {SettleWait}: {string.Join("; ", unsettled)}"
                    + $"{Environment.NewLine}{string.Join(Environment.NewLine, details)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Where a checkout must end, given NICEPAY's truth.</summary>
    private static string ExpectedFinal(string ledgerStatus) => ledgerStatus switch
    {
        "paid" => "fulfilled",
        "cancelled" or NoTransaction => "cancelled",
        "unpaid" => "registered",
        _ => $"(not final while the ledger says {ledgerStatus})",
    };

    /// <summary>The answers a checkout's callers got, checked against its journal and how it ended.</summary>
    private static IEnumerable<string> AnswerViolations(
        Spec spec, IReadOnlyList<Answer> answers, IReadOnlyList<Answer> allCreates, OperatorViewJson? view, string? final, string? ledger)
    {
        var creates = answers.Where(a => a.Op.StartsWith("create", StringComparison.Ordinal)).ToList();
        var firstCreated = creates.Where(a => a.Http == 201).ToList();
        if (view is null)
        {
            foreach (var answer in answers.Where(a => a.Http is >= 200 and < 300 && a.Op is not ("resend-notification" or "post-notification-copy" or "pay")))
            {
                yield return $"{spec.Reference}: never created, yet {answer}";
            }

            yield break;
        }

        if (firstCreated.Count != 1)
        {
            yield return $"{spec.Reference}: expected exactly one 201 create, got {firstCreated.Count}";
            yield break;
        }

        // The request that created the checkout fixed its amount and store; every other create is judged by it.
        var canonical = firstCreated[0];
        foreach (var create in creates)
        {
            var same = create.BodyAmount == canonical.BodyAmount && create.BodyStore == canonical.BodyStore;
            var acceptable = create.Http switch
            {
                200 or 201 => same,
                409 when create.ProblemType == "checkout-conflict" => !same,
                409 when create.ProblemType == "idempotency-key-reused" =>
                    allCreates.Any(other => other.Key == create.Key && other.Started < create.Ended
                                            && (other.Checkout != create.Checkout || other.BodyAmount != create.BodyAmount || other.BodyStore != create.BodyStore)),
                _ => false,
            };
            if (!acceptable)
            {
                yield return $"{spec.Reference}: create answered {create} for a body {(same ? "equal to" : "unlike")} the one that created it ({canonical.BodyAmount} at {canonical.BodyStore})";
            }
        }

        // Every checkout an answer showed is a state the journal went through: same status at that version.
        foreach (var answer in answers.Where(a => a.Version is not null))
        {
            var entry = view.Journal.FirstOrDefault(e => e.Version == answer.Version);
            if (entry is null || entry.To != answer.Status || answer.Amount != canonical.BodyAmount)
            {
                yield return $"{spec.Reference}: {answer} shows a state the journal does not have at v{answer.Version} ({entry?.To ?? "no such version"})";
            }
        }

        foreach (var answer in answers)
        {
            var contradiction = answer switch
            {
                { Op: "cancel", Http: 200 } when final != "cancelled" || ledger is not ("cancelled" or NoTransaction) => "a 200 cancel",
                { Op: "fulfil", Http: 200 } when final != "fulfilled" => "a 200 fulfil",
                { Op: "pay", Http: 200 } when ledger != "paid" || final != "fulfilled" => "a store payment taken",
                { Op: "cancel", Http: 409, ProblemStatus: "notified" or "confirmed" or "fulfilled" } when final != "fulfilled" => "a cancel refused as paid",
                _ => null,
            };
            if (contradiction is not null)
            {
                yield return $"{spec.Reference}: {contradiction} ({answer}) but the checkout ended {final} and NICEPAY says {ledger}";
            }

            if (!Expected(answer))
            {
                yield return $"{spec.Reference}: unexpected answer {answer}";
            }
        }
    }

    /// <summary>The answers each operation may get at all.</summary>
    private static bool Expected(Answer answer) => (answer.Op, answer.Http) switch
    {
        ("create" or "create-conflicting", 200 or 201 or 409) => true,
        ("cancel" or "fulfil", 200 or 404 or 409) => true,
        ("get", 200 or 404) => true,
        ("status-check", 200 or 404) => true,
        ("pay", 200 or 409 or 422) => true,
        ("resend-notification", 202 or 409) => true,
        ("post-notification-copy", 200) => true,
        _ => false,
    };

    private async Task<Answer?> RunAsync(
        Spec spec, string op, Random random, ConcurrentDictionary<int, CheckoutJson> known, ConcurrentDictionary<string, CapturedNotification> copies)
    {
        var merchant = ConcurrencyHost.ShopA;
        var started = DateTimeOffset.UtcNow;
        var body = op == "create-conflicting" ? spec.Conflicting : spec.Body;
        string? key = null;
        WireResponse response;
        switch (op)
        {
            case "create" or "create-conflicting":
                // No key, one of the checkout's own two keys, or a key every checkout's callers share (only the first
                // request that claims it may use it; every other is told it was reused).
                key = random.Next(4) switch { 0 => null, 1 => $"{spec.Reference}-k1", 2 => $"{spec.Reference}-k2", _ => SharedKey };
                response = await host.CreateAsync(merchant, body, key);
                break;
            case "cancel":
                response = await host.CancelAsync(merchant, spec.Reference);
                break;
            case "fulfil":
                response = await host.FulfilAsync(merchant, spec.Reference);
                break;
            case "get":
                response = await host.SendAsync(HttpMethod.Get, $"v1/checkouts/{spec.Reference}", merchant.ApiKey);
                break;
            case "status-check":
                response = await host.StatusCheckAsync(merchant, spec.Reference);
                break;
            case "pay" when known.TryGetValue(spec.Index, out var payable) && payable.PaymentCode is { } code:
                response = await host.PayAsync(payable.Store, code, payable.Amount);
                break;
            case "resend-notification" when known.TryGetValue(spec.Index, out var registered) && registered.TransactionId is { } txid:
                response = await host.ResendNotificationAsync(txid);
                break;
            case "post-notification-copy" when known.TryGetValue(spec.Index, out var notified) && notified.TransactionId is { } copied
                                              && copies.TryGetValue(copied, out var copy):
                var status = await host.ReplayAsync(copy);
                return new Answer(spec.Index, op, null, 0, "", started, DateTimeOffset.UtcNow, (int)status, null, null, null, null, null, "");
            default:
                return null;
        }

        var answer = Answer.From(spec.Index, op, key, body, started, response);
        if (answer.Http is >= 200 and < 300 && answer.Status is not null && TryCheckout(response) is { PaymentCode: not null } checkout)
        {
            known.TryAdd(spec.Index, checkout);
        }

        return answer;
    }

    private static CheckoutJson? TryCheckout(WireResponse response)
    {
        try
        {
            return response.As<CheckoutJson>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Pick(Random random)
    {
        var roll = random.Next(Mix.Sum(m => m.Weight));
        foreach (var (op, weight) in Mix)
        {
            if (roll < weight)
            {
                return op;
            }

            roll -= weight;
        }

        return Mix[^1].Op;
    }

    /// <summary>One checkout of the run: its reference and the two bodies callers send for it.</summary>
    private sealed record Spec(int Index, string Reference, CreateCheckoutBody Body, CreateCheckoutBody Conflicting, string? RegistrationFault)
    {
        public static Spec Create(int seed, int index)
        {
            var random = new Random(unchecked(seed ^ (index * 104_729)));
            var reference = $"REL-CC-{(uint)seed:X8}-{index:D2}";
            var amount = 10_000L * random.Next(2, 200);
            var store = index % 2 == 0 ? "indomaret" : "alfamart";
            var body = ReliabilityHost.NewCheckout(reference, amount, store);
            var fault = (index % 8) switch { 1 => "timeout-after-commit", 3 => "timeout", 5 => "busy", _ => null };
            return new Spec(index, reference, body, body with { Amount = amount + 1_000 }, fault);
        }
    }

    /// <summary>One answer a caller got.</summary>
    private sealed record Answer(
        int Checkout, string Op, string? Key, long BodyAmount, string BodyStore, DateTimeOffset Started, DateTimeOffset Ended,
        int Http, string? Status, int? Version, long? Amount, string? ProblemType, string? ProblemStatus, string? Body)
    {
        public static Answer From(int checkout, string op, string? key, CreateCheckoutBody body, DateTimeOffset started, WireResponse response)
        {
            JsonObject? json = null;
            try
            {
                json = response.Body.Length > 0 ? JsonNode.Parse(response.Body) as JsonObject : null;
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON (an empty 202, say): nothing to read.
            }

            var isCheckout = (int)response.StatusCode is >= 200 and < 300 && json?["referenceNo"] is not null && json["status"] is not null;
            var isCreate = op.StartsWith("create", StringComparison.Ordinal);
            return new Answer(
                checkout, op, key, isCreate ? body.Amount : 0, isCreate ? body.Store : "", started, DateTimeOffset.UtcNow, (int)response.StatusCode,
                isCheckout ? json!["status"]!.GetValue<string>() : null,
                isCheckout ? json!["version"]!.GetValue<int>() : null,
                isCheckout ? json!["amount"]!.GetValue<long>() : null,
                json?["type"]?.GetValue<string>().Split('/')[^1],
                json?["checkoutStatus"]?.GetValue<string>(),
                response.Body.Length > 300 ? response.Body[..300] : response.Body);
        }

        public override string ToString() =>
            $"{Op}{(Key is null ? "" : $" key={Key}")} → {Http} {(Status is null ? "" : $"{Status} v{Version}")}{(ProblemType is null ? "" : $" {ProblemType}")}{(ProblemStatus is null ? "" : $" ({ProblemStatus})")} at {Started:HH:mm:ss.fff}";
    }
}
