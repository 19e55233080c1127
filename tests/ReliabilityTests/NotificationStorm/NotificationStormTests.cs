using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Orchestrator.HostingSupport;
using Orchestrator.ReliabilityTests.Infrastructure;
using Orchestrator.TestSupport.Wire;
using Xunit.Abstractions;

namespace Orchestrator.ReliabilityTests.NotificationStorm;

/// <summary>What the storm does to one payment.</summary>
public enum StormCategory
{
    /// <summary>Paid; its notification arrives three times in random order.</summary>
    Normal,

    /// <summary>Paid; the sandbox never sends its notification (fault <c>lost</c>): the status check must find it.</summary>
    Lost,

    /// <summary>Paid; its notification claims another amount (fault <c>amount-mismatch</c>): recorded, and only the inquiry confirms.</summary>
    AmountMismatch,

    /// <summary>Paid, then reversed by NICEPAY (sandbox reversal endpoint), whose notification arrives three times too.</summary>
    Reversed,

    /// <summary>Never paid, valid for the whole run: stays registered.</summary>
    Unpaid,

    /// <summary>Never paid, valid for a few seconds: expires during the run.</summary>
    UnpaidExpiring,
}

/// <summary>One payment of the storm: who, what, and the checkout the create call answered.</summary>
public sealed record StormCheckout(int Index, Merchant Merchant, StormCategory Category, CheckoutJson Checkout);

/// <summary>
/// Issue 5 §3, the notification storm: N payments (10,000 in the full run) are created through the merchant API and
/// paid at the sandbox's Indomaret and Alfamart counters, and NICEPAY's notifications come back duplicated ×3 in random
/// order (see <see cref="NotificationReplayer"/>), 1 % forged, some reversed, some with the wrong amount, some lost. At
/// the end it asserts and prints: no double transition, no forgery accepted, no duplicate merchant event, every
/// checkout's final status equal to the sandbox ledger's truth — with the throughput, the wall time and the counts.
/// </summary>
[Collection(Suites.NotificationStorm)]
[Trait("Category", "Reliability")]
[Trait("Category", "Stress")]
public sealed class NotificationStormTests(StormHost host, ITestOutputHelper output)
{
    public const string PaymentsVariable = "RELIABILITY_STORM_PAYMENTS";
    public const string RateVariable = "RELIABILITY_STORM_RATE";
    public const string ConcurrencyVariable = "RELIABILITY_STORM_CONCURRENCY";
    public const string SeedVariable = "RELIABILITY_SEED";

    /// <summary>The CI default: the full storm fits the suite's time budget on 2 cores (docs/reliability.md).</summary>
    public const int DefaultPayments = 10_000;

    /// <summary>Arrivals per second the driver aims at.</summary>
    public const double DefaultRate = 300;

    /// <summary>At most this many payments in flight; later arrivals queue in the driver.</summary>
    public const int DefaultConcurrency = 96;

    private static readonly TimeSpan ExpiringValidity = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan NotificationsWait = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan SettleWait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Storm_OfDuplicatedShuffledForgedReversedMismatchedAndLostNotifications_EndsWhereTheLedgerSays()
    {
        var payments = Setting(PaymentsVariable, DefaultPayments);
        var rate = Setting(RateVariable, DefaultRate);
        var concurrency = Setting(ConcurrencyVariable, DefaultConcurrency);
        var seed = Setting(SeedVariable, Random.Shared.Next());
        var figures = new Figures(output, "notification-storm");
        figures.Line($"§3 notification storm: {payments} payments, target {rate}/s, at most {concurrency} in flight, seed {seed} "
            + $"(repeat: {PaymentsVariable}={payments} {SeedVariable}={seed})");

        var checkouts = new ConcurrentDictionary<int, StormCheckout>();
        var unpaid = new List<StormCheckout>();
        var any = new List<StormCheckout>();
        var failures = new ConcurrentQueue<string>();
        var createLatencies = new ConcurrentBag<double>();
        var replayer = new NotificationReplayer(host, seed, Picker(unpaid), Picker(any));
        host.NotificationSent = replayer.Take;

        // 1. Drive the payments, open-model, while the replayer posts the notifications again and the forgeries.
        var clock = Stopwatch.StartNew();
        var driving = LoadDriver.RunAsync(payments, rate, concurrency, index => PayAsync(index, seed, checkouts, unpaid, any, failures, createLatencies));
        // NICEPAY sends one deposit notification per paid payment whose notification is not lost, and a reversal
        // notification per reversed one; once the driver is done, that is how many the replayer must have taken.
        var expectedNotifications = new Lazy<int>(() =>
            checkouts.Values.Count(c => c.Category is StormCategory.Normal or StormCategory.AmountMismatch)
            + (2 * checkouts.Values.Count(c => c.Category == StormCategory.Reversed)));
        var replaying = replayer.RunAsync(() => driving.IsCompleted && replayer.Captured >= expectedNotifications.Value, NotificationsWait);
        var driver = await driving;
        await replaying;
        var notificationsDone = clock.Elapsed;
        host.NotificationSent = null;

        // 2. Wait until the read model shows every checkout at rest where its category must end.
        var settled = await SettleAsync(checkouts.Values.ToList());
        var settledAfter = clock.Elapsed;

        // 3. Read the truth and every journal, and judge.
        var ledger = new Dictionary<string, SandboxTransactionJson>(StringComparer.Ordinal);
        var registrations = new Dictionary<string, SandboxRegistrationsJson>(StringComparer.Ordinal);
        foreach (var merchant in new[] { ReliabilityHost.ShopA, ReliabilityHost.ShopB })
        {
            foreach (var group in (await host.SandboxTransactionsAsync(merchant)).GroupBy(t => t.ReferenceNo, StringComparer.Ordinal))
            {
                if (group.Count() > 1)
                {
                    failures.Enqueue($"{group.Key}: {group.Count()} NICEPAY transactions (two payable codes)");
                }

                ledger[group.Key] = group.First();
            }

            foreach (var registration in await host.SandboxRegistrationsAsync(merchant))
            {
                registrations[registration.ReferenceNo] = registration;
            }
        }

        var views = await ReadViewsAsync(checkouts.Values.ToList());
        var verificationDone = clock.Elapsed;
        var verdict = await JudgeAsync(checkouts.Values.ToList(), views, ledger, registrations, replayer.Forged);
        var webhooks = WebhookAudit.Check(host.Webhooks.All(), [ReliabilityHost.ShopA, ReliabilityHost.ShopB]);

        // 4. Print the figures, then assert.
        var byCategory = checkouts.Values.GroupBy(c => c.Category).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        var byStore = checkouts.Values.GroupBy(c => c.Checkout.Store).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        var forged = replayer.Forged;
        var genuinePosts = replayer.Captured + replayer.Replayed;
        var latencies = createLatencies.Order().ToArray();
        figures.Line($"payments: {checkouts.Count} created ({string.Join(", ", byCategory)}); stores: {string.Join(", ", byStore)}");
        figures.Line($"driver: arrivals took {driver.ArrivalsTook.TotalSeconds:F1} s ({payments / driver.ArrivalsTook.TotalSeconds:F0}/s offered), all flows done after {driver.AllDoneAfter.TotalSeconds:F1} s, "
            + $"worst start lag {driver.WorstStartLag.TotalMilliseconds:F0} ms, peak in flight {driver.PeakInFlight}; create latency p50 {Percentile(latencies, 0.50):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms, max {Percentile(latencies, 1):F0} ms");
        figures.Line($"notifications: {replayer.Captured} sent by NICEPAY ({replayer.CapturedReversals} reversals), {replayer.Replayed} replays → each delivered {NotificationReplayer.Deliveries}×; "
            + $"{forged.Count} forged ({100.0 * forged.Count / (genuinePosts + forged.Count):F2} % of {genuinePosts + forged.Count} posts); "
            + $"replay answers {string.Join(", ", replayer.ReplayAnswers.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"))}; "
            + $"forgery answers {string.Join(", ", forged.GroupBy(f => f.Answer).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}");
        figures.Line($"forgeries by kind: {string.Join(", ", forged.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}");
        figures.Line($"sandbox notification faults fired: {string.Join(", ", verdict.FaultsFired.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}; "
            + $"lost payments recovered by the status check: {verdict.RecoveredByStatusCheck}");
        figures.Line($"final statuses: {string.Join(", ", verdict.Finals.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}; ledger: {string.Join(", ", verdict.Ledger.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");
        figures.Line($"journals: {views.Count} replayed against the state machine, {views.Values.Sum(v => v.Journal.Count)} entries; webhooks: {webhooks.Deliveries} deliveries of {webhooks.Events} events ({webhooks.Redeliveries} redeliveries)");
        figures.Line($"RESULT double transitions: {verdict.DoubleTransitions}; invalid journal steps: {verdict.InvalidSteps}; forgeries accepted: {verdict.ForgeriesAccepted + forged.Count(f => !NotificationReplayer.Refused(f))}; "
            + $"duplicate merchant events: {webhooks.Violations.Count}; final status ≠ ledger: {verdict.StatusMismatches}; NICEPAY registrations ≠ 1: {verdict.RegistrationMismatches}; driver failures: {failures.Count}");
        figures.Line($"time: notifications done {notificationsDone.TotalSeconds:F1} s, settled {settledAfter.TotalSeconds:F1} s (read model {(settled ? "at rest" : "NOT at rest")}), verified {verificationDone.TotalSeconds:F1} s; "
            + $"throughput {payments / settledAfter.TotalSeconds:F0} payments/s end to end (created → paid → notified ×3 → confirmed → webhook → fulfilled)");
        figures.Line($"silo log: {host.SiloLogFile}");
        figures.Save();

        var problems = failures.Select(f => $"driver: {f}")
            .Concat(verdict.Violations)
            .Concat(forged.Where(f => !NotificationReplayer.Refused(f)).Select(f => $"forgery not refused with 401: {f}"))
            .Concat(replayer.ReplayAnswers.Where(p => p.Key != 200).Select(p => $"{p.Value} replay(s) of genuine notifications answered {p.Key}"))
            .Concat(replayer.Replayed == (NotificationReplayer.Deliveries - 1) * replayer.Captured
                ? []
                : [$"{replayer.Replayed} replays for {replayer.Captured} notifications: not each delivered {NotificationReplayer.Deliveries}×"])
            .Concat(webhooks.Violations.Select(v => $"webhooks: {v}"))
            .ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s), seed {seed}:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Take(40))}");
        Assert.True(checkouts.Count == payments, $"only {checkouts.Count} of {payments} payments were created");
        Assert.True(forged.Count > 0 || payments < 300, "the storm posted no forgery");
        Assert.True(settled, "the read model never came to rest where the categories say (see the violations above)");
    }

    /// <summary>One payment's course: create, maybe arm a notification fault, pay, maybe reverse.</summary>
    private async Task PayAsync(
        int index, int seed, ConcurrentDictionary<int, StormCheckout> checkouts, List<StormCheckout> unpaid, List<StormCheckout> any,
        ConcurrentQueue<string> failures, ConcurrentBag<double> createLatencies)
    {
        var random = new Random(unchecked(seed ^ (index * 1_000_003)));
        var category = CategoryOf(random.NextDouble());
        var merchant = index % 2 == 0 ? ReliabilityHost.ShopA : ReliabilityHost.ShopB;
        var store = random.Next(2) == 0 ? "indomaret" : "alfamart";
        var amount = 10_000L + (500L * random.Next(0, 4_000));
        var reference = $"REL-ST-{index:D6}";
        try
        {
            var expiresAt = category == StormCategory.UnpaidExpiring ? DateTimeOffset.UtcNow + ExpiringValidity : (DateTimeOffset?)null;
            var started = Stopwatch.GetTimestamp();
            var created = await host.CreateAsync(merchant, ReliabilityHost.NewCheckout(reference, amount, store, expiresAt));
            createLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (created.StatusCode != HttpStatusCode.Created || created.As<CheckoutJson>() is not { Status: "registered", PaymentCode: not null, TransactionId: not null } checkout)
            {
                failures.Enqueue($"{reference}: create answered {created}");
                return;
            }

            var entry = new StormCheckout(index, merchant, category, checkout);
            checkouts[index] = entry;
            lock (any)
            {
                any.Add(entry);
                if (category is StormCategory.Unpaid or StormCategory.UnpaidExpiring)
                {
                    unpaid.Add(entry);
                }
            }

            switch (category)
            {
                case StormCategory.Lost:
                    await host.AddFaultAsync(new { operation = "notification", kind = "lost", count = 1, match = new { referenceNo = reference } });
                    break;
                case StormCategory.AmountMismatch:
                    await host.AddFaultAsync(new { operation = "notification", kind = "amount-mismatch", count = 1, matchCl = random.Next(2) == 0 ? 2 : 3, match = new { referenceNo = reference } });
                    break;
                case StormCategory.Unpaid or StormCategory.UnpaidExpiring:
                    return;
                default:
                    break;
            }

            var paid = await host.PayAsync(store, checkout.PaymentCode, amount);
            if (paid.StatusCode != HttpStatusCode.OK)
            {
                failures.Enqueue($"{reference}: the store answered {paid}");
                return;
            }

            if (category == StormCategory.Reversed)
            {
                await ReverseAsync(reference, checkout.TransactionId, random, failures);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException)
        {
            failures.Enqueue($"{reference}: {exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>
    /// NICEPAY reverses the payment a moment after it was made (sometimes before the orchestrator confirmed it, sometimes
    /// after); an Alfa-group payment can only be reversed once committed, so a 409 <c>not-paid</c> is tried again.
    /// </summary>
    private async Task ReverseAsync(string reference, string tXid, Random random, ConcurrentQueue<string> failures)
    {
        await Task.Delay(random.Next(0, 1_500));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var reversed = await host.ReverseAsync(tXid);
            if (reversed.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (reversed.StatusCode != HttpStatusCode.Conflict || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                failures.Enqueue($"{reference}: the reversal answered {reversed}");
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Waits until the read model counts every checkout at rest where its category ends.</summary>
    private async Task<bool> SettleAsync(IReadOnlyList<StormCheckout> checkouts)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < SettleWait)
        {
            var atRest = true;
            foreach (var merchant in new[] { ReliabilityHost.ShopA, ReliabilityHost.ShopB })
            {
                var mine = checkouts.Where(c => c.Merchant == merchant).ToList();
                var stats = await host.StatsAsync(merchant);
                int Count(string status) => stats.ByStatus.GetValueOrDefault(status);
                var paid = mine.Count(c => c.Category is StormCategory.Normal or StormCategory.Lost or StormCategory.AmountMismatch);
                atRest &= Count("created") == 0 && Count("notified") == 0
                          && Count("confirmed") + Count("fulfilled") == paid
                          && Count("reversed") == mine.Count(c => c.Category == StormCategory.Reversed)
                          && Count("expired") == mine.Count(c => c.Category == StormCategory.UnpaidExpiring);
            }

            if (atRest)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        return false;
    }

    /// <summary>Every checkout's operator view (journal, webhooks, anomalies), read with bounded concurrency.</summary>
    private async Task<Dictionary<string, OperatorViewJson>> ReadViewsAsync(IReadOnlyList<StormCheckout> checkouts)
    {
        var views = new ConcurrentDictionary<string, OperatorViewJson>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(checkouts, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (checkout, _) =>
        {
            await Task.Yield();
            views[checkout.Checkout.ReferenceNo] = await host.OperatorViewAsync(checkout.Merchant, checkout.Checkout.ReferenceNo);
        });
        return new Dictionary<string, OperatorViewJson>(views, StringComparer.Ordinal);
    }

    /// <summary>The storm's verdict on every checkout.</summary>
    private static async Task<Verdict> JudgeAsync(
        IReadOnlyList<StormCheckout> checkouts, Dictionary<string, OperatorViewJson> views,
        Dictionary<string, SandboxTransactionJson> ledger, Dictionary<string, SandboxRegistrationsJson> registrations,
        IReadOnlyList<ForgedPost> forged)
    {
        var verdict = new Verdict();
        var forgedByReference = forged.ToLookup(f => f.Reference, StringComparer.Ordinal);
        foreach (var checkout in checkouts)
        {
            var reference = checkout.Checkout.ReferenceNo;
            var view = views[reference];
            var journal = view.Journal;
            Verdict.Count(verdict.Finals, view.Checkout.Status);

            var violations = await JournalValidator.ViolationsAsync(journal);
            verdict.DoubleTransitions += violations.Count(v => v.Contains(" applied ", StringComparison.Ordinal));
            verdict.InvalidSteps += violations.Count(v => !v.Contains(" applied ", StringComparison.Ordinal));
            verdict.Violations.AddRange(violations.Select(v => $"{reference}: journal: {v}"));

            if (!ledger.TryGetValue(reference, out var transaction))
            {
                verdict.StatusMismatches++;
                verdict.Violations.Add($"{reference}: NICEPAY has no transaction");
                continue;
            }

            Verdict.Count(verdict.Ledger, transaction.StatusName);
            foreach (var notification in transaction.Notifications)
            {
                Verdict.Count(verdict.FaultsFired, notification.Fault ?? "none");
                if (notification.State != "suppressed" && !notification.Delivered)
                {
                    verdict.Violations.Add($"{reference}: NICEPAY's notification {notification} was not answered 2xx");
                }
            }

            // The ledger is the truth: paid → confirmed/fulfilled; reversed → reversed; unpaid → registered; expired → expired.
            var truth = transaction.StatusName switch
            {
                "paid" => new[] { "confirmed", "fulfilled" },
                "reversed" => ["reversed"],
                "unpaid" => ["registered"],
                "expired" => ["expired"],
                _ => [],
            };
            if (!truth.Contains(view.Checkout.Status))
            {
                verdict.StatusMismatches++;
                verdict.Violations.Add($"{reference} ({checkout.Category}): ended {view.Checkout.Status}, NICEPAY says {transaction.StatusName}{Environment.NewLine}{view.Describe()}");
            }

            var expectedLedger = checkout.Category switch
            {
                StormCategory.Reversed => "reversed",
                StormCategory.Unpaid => "unpaid",
                StormCategory.UnpaidExpiring => "expired",
                _ => "paid",
            };
            if (transaction.StatusName != expectedLedger)
            {
                verdict.Violations.Add($"{reference} ({checkout.Category}): the sandbox says {transaction.StatusName}, the storm made it {expectedLedger}");
            }

            if (!registrations.TryGetValue(reference, out var registration) || registration.Received != 1 || registration.Created != 1)
            {
                verdict.RegistrationMismatches++;
                verdict.Violations.Add($"{reference}: expected one NICEPAY registration, got {registration?.ToString() ?? "none"}");
            }

            JudgeCategory(checkout, view, transaction, verdict);
            JudgeForgeries(checkout, journal, forgedByReference[reference], verdict);
        }

        return verdict;
    }

    /// <summary>What each fault must have led to, as the journal tells it.</summary>
    private static void JudgeCategory(StormCheckout checkout, OperatorViewJson view, SandboxTransactionJson transaction, Verdict verdict)
    {
        var reference = checkout.Checkout.ReferenceNo;
        var journal = view.Journal;
        switch (checkout.Category)
        {
            case StormCategory.Lost:
                var confirm = journal.FirstOrDefault(e => e.Trigger == "ConfirmPayment");
                if (!transaction.Notifications.All(n => n is { Fault: "lost", State: "suppressed" })
                    || journal.Any(e => e.Trigger == "RecordNotification") || confirm?.Cause != "status_check")
                {
                    verdict.Violations.Add($"{reference}: a lost notification should be recovered by the status check alone{Environment.NewLine}{view.Describe()}");
                }
                else
                {
                    verdict.RecoveredByStatusCheck++;
                }

                break;
            case StormCategory.AmountMismatch:
                if (!journal.Any(e => e is { Trigger: "RecordAnomaly", Cause: "notification" } && e.Details?.StartsWith("amount_mismatch:", StringComparison.Ordinal) == true))
                {
                    verdict.Violations.Add($"{reference}: the amount-mismatch notification should be journaled as an anomaly{Environment.NewLine}{view.Describe()}");
                }

                break;
            case StormCategory.Reversed:
                if (journal.Count(e => e.Trigger == "Reverse") != 1)
                {
                    verdict.Violations.Add($"{reference}: expected one Reverse{Environment.NewLine}{view.Describe()}");
                }

                break;
            default:
                break;
        }
    }

    /// <summary>
    /// No forged post changed anything: a never-paid checkout has no journal entry caused by a notification, a
    /// never-reversed one no reversal notice, and no entry names a forged amount.
    /// </summary>
    private static void JudgeForgeries(StormCheckout checkout, IReadOnlyList<JournalEntryJson> journal, IEnumerable<ForgedPost> forged, Verdict verdict)
    {
        var reference = checkout.Checkout.ReferenceNo;
        foreach (var post in forged)
        {
            var accepted = post.Kind switch
            {
                "payment-of-unpaid" => journal.Where(e => e.Cause == "notification").ToList(),
                "reversal-of-unreversed" => journal.Where(e => e.Details?.Contains("reversal_notified", StringComparison.Ordinal) == true).ToList(),
                _ => journal.Where(e => e.Details?.Contains($"amt {post.Amount.ToString(CultureInfo.InvariantCulture)},", StringComparison.Ordinal) == true).ToList(),
            };
            if (accepted.Count > 0)
            {
                verdict.ForgeriesAccepted++;
                verdict.Violations.Add($"{reference}: the forgery {post} shows in the journal: {string.Join("; ", accepted.Select(e => $"v{e.Version} {e.Trigger} at {e.At:HH:mm:ss.fff}: {e.Details}"))}");
            }
        }
    }

    private static StormCategory CategoryOf(double roll) => roll switch
    {
        < 0.03 => StormCategory.UnpaidExpiring,
        < 0.06 => StormCategory.Unpaid,
        < 0.11 => StormCategory.Lost,
        < 0.14 => StormCategory.AmountMismatch,
        < 0.17 => StormCategory.Reversed,
        _ => StormCategory.Normal,
    };

    private static Func<Random, StormCheckout?> Picker(List<StormCheckout> from) => random =>
    {
        lock (from)
        {
            return from.Count == 0 ? null : from[random.Next(from.Count)];
        }
    };

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static T Setting<T>(string variable, T fallback)
        where T : IParsable<T> =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text ? T.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Counts and violations, as the storm judges them.</summary>
    private sealed class Verdict
    {
        public List<string> Violations { get; } = [];

        public Dictionary<string, int> Finals { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Ledger { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> FaultsFired { get; } = new(StringComparer.Ordinal);

        public int DoubleTransitions { get; set; }

        public int InvalidSteps { get; set; }

        public int ForgeriesAccepted { get; set; }

        public int StatusMismatches { get; set; }

        public int RegistrationMismatches { get; set; }

        public int RecoveredByStatusCheck { get; set; }

        public static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
    }
}
