using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Orchestrator.HostingSupport;
using Orchestrator.ReliabilityTests.Infrastructure;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.ReliabilityTests.GatewayFaults;

/// <summary>What one gateway-fault scenario did and how it ended, for its test to judge.</summary>
public sealed record ScenarioOutcome(
    string Name,
    string Fault,
    string Reference,
    WireResponse Create,
    TimeSpan CreateTook,
    TimeSpan Took,
    OperatorViewJson View,
    SandboxRegistrationsJson Registrations,
    IReadOnlyList<SandboxTransactionJson> Transactions,
    IReadOnlyList<string> JournalViolations)
{
    /// <summary>The journal's triggers, in order.</summary>
    public IReadOnlyList<string> Triggers => [.. View.Journal.Select(entry => entry.Trigger)];

    /// <summary>The entries with a trigger.</summary>
    public IReadOnlyList<JournalEntryJson> Entries(string trigger) => [.. View.Journal.Where(entry => entry.Trigger == trigger)];

    /// <summary>
    /// The back-off the journal shows, in order: for <c>DeferRegistration</c> the gap to the "next at" time it names,
    /// for <c>RecordInquiryFailure</c> and <c>RecordContradiction</c> the delay it names.
    /// </summary>
    public IReadOnlyList<TimeSpan> Backoff(string trigger) =>
        [.. Entries(trigger).Select(entry => GatewayFaultsHost.BackoffOf(entry) ?? throw new InvalidOperationException($"No back-off in '{entry.Details}'."))];

    /// <summary>Everything about the scenario, for failure messages and the printed table.</summary>
    public string Describe() =>
        $"{Name} ({Fault}), {Reference}: create {(int)Create.StatusCode} in {CreateTook.TotalMilliseconds:F0} ms, ended in {Took.TotalSeconds:F1} s{Environment.NewLine}"
        + $"{View.Describe()}{Environment.NewLine}sandbox registrations: {Registrations}{Environment.NewLine}"
        + string.Join(Environment.NewLine, Transactions.Select(t => $"sandbox: {t}"));
}

/// <summary>
/// The host for gateway faults: a registration times out after 3 s; an inquiry attempt after 1.5 s, twice per call; the
/// registration and inquiry back-offs are 1 s, 2 s, 3 s, so growth shows within seconds; the regular status check is a
/// minute away, so every inquiry in a scenario is the one a notification or a back-off asked for. Every scenario runs
/// on its own checkout with its own fault rules (matched by referenceNo), and all of them start together when the host
/// is up, so the suite takes as long as its longest scenario; each test then awaits and judges its own.
/// </summary>
public sealed partial class GatewayFaultsHost : ReliabilityHost
{
    /// <summary>NICEPAY registration timeout of this host.</summary>
    public static readonly TimeSpan RegistrationTimeout = TimeSpan.FromSeconds(3);

    /// <summary>NICEPAY inquiry attempt timeout of this host.</summary>
    public static readonly TimeSpan InquiryAttemptTimeout = TimeSpan.FromSeconds(1.5);

    /// <summary>How long a scenario may take to reach its end state.</summary>
    public static readonly TimeSpan ScenarioWait = TimeSpan.FromSeconds(45);

    private readonly ConcurrentDictionary<string, Task<ScenarioOutcome>> _runs = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = new();

    /// <summary>The scenarios: what fault is set (for a referenceNo) and whether it hits the registration or the inquiry.</summary>
    public static readonly IReadOnlyDictionary<string, (string Operation, Func<string, object> Fault)> Scenarios =
        new Dictionary<string, (string, Func<string, object>)>(StringComparer.Ordinal)
        {
            ["registration timeout"] = ("registration", reference => Rule("registration", "timeout", reference, delayMs: 5_000)),
            ["registration timeout after commit"] = ("registration", reference => Rule("registration", "timeout-after-commit", reference, delayMs: 5_000)),
            ["registration reset after commit"] = ("registration", reference => Rule("registration", "reset-after-commit", reference)),
            ["registration 503"] = ("registration", reference => Rule("registration", "server-error", reference, httpStatus: 503)),
            ["registration 9002 busy x3"] = ("registration", reference => Rule("registration", "busy", reference, count: 3)),
            ["registration slow, under the timeout"] = ("registration", reference => Rule("registration", "slow", reference, delayMs: 2_200)),
            ["registration slow, over the timeout"] = ("registration", reference => Rule("registration", "slow", reference, delayMs: 3_800)),
            ["inquiry 500 x4"] = ("inquiry", reference => Rule("inquiry", "fail", reference, count: 4, httpStatus: 500)),
            ["inquiry timeout x4"] = ("inquiry", reference => Rule("inquiry", "timeout", reference, count: 4, delayMs: 4_000)),
            ["inquiry 9002 busy x2"] = ("inquiry", reference => Rule("inquiry", "busy", reference, count: 2)),
            ["inquiry stale x2"] = ("inquiry", reference => Rule("inquiry", "stale", reference, count: 2)),
            ["inquiry slow, under the timeout"] = ("inquiry", reference => Rule("inquiry", "slow", reference, delayMs: 800)),
            ["inquiry slow, over the timeout x2"] = ("inquiry", reference => Rule("inquiry", "slow", reference, count: 2, delayMs: 2_300)),

            // Stale (unpaid) through the end of validity, while a verified notification said paid; then right again.
            [StaleThroughExpiry] = (ExpiryOperation, reference => Rule("inquiry", "stale", reference, count: null)),

            // Stale for good: NICEPAY's inquiry never bears the notification out.
            [StaleForGood] = (ExpiryOperation, reference => Rule("inquiry", "stale", reference, count: null)),
        };

    /// <summary>The scenario whose inquiries are stale until the checkout expired, and then right.</summary>
    public const string StaleThroughExpiry = "inquiry stale through the end of validity";

    /// <summary>The scenario whose inquiries stay stale.</summary>
    public const string StaleForGood = "inquiry stale for good";

    /// <summary>The validity of the checkouts of the expiry scenarios.</summary>
    public static readonly TimeSpan ShortValidity = TimeSpan.FromSeconds(5);

    private const string ExpiryOperation = "inquiry at expiry";

    protected override string Name => "faults";

    protected override IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>
    {
        ["Checkouts:Timing:StatusCheckInterval"] = "00:01:00",
        ["Checkouts:Timing:RegistrationBackoff:0"] = "00:00:01",
        ["Checkouts:Timing:RegistrationBackoff:1"] = "00:00:02",
        ["Checkouts:Timing:RegistrationBackoff:2"] = "00:00:03",
        ["Checkouts:Timing:InquiryBackoff:0"] = "00:00:01",
        ["Checkouts:Timing:InquiryBackoff:1"] = "00:00:02",
        ["Checkouts:Timing:InquiryBackoff:2"] = "00:00:03",
        ["Nicepay:RegistrationTimeout"] = "00:00:03",
        ["Nicepay:InquiryAttemptTimeout"] = "00:00:01.500",
        ["Nicepay:InquiryMaxAttempts"] = "2",
        ["Nicepay:InquiryTotalBudget"] = "00:00:06",
        ["Nicepay:RetryBaseDelay"] = "00:00:00.100",
        ["Nicepay:RetryMaxDelay"] = "00:00:00.200",
        ["Sandbox:ReadyToCommitWindow"] = "00:00:00",
    };

    /// <summary>The merchant every scenario uses.</summary>
    public static Merchant Shop => ShopA;

    /// <summary>How long from the host being up until every scenario had ended (set when the last one ends).</summary>
    public TimeSpan? AllEndedAfter { get; private set; }

    /// <summary>Starts every scenario at once, once the host is up.</summary>
    protected override Task OnStartedAsync()
    {
        _clock.Start();
        _ = AllAsync().ContinueWith(_ => AllEndedAfter = _clock.Elapsed, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <summary>The outcome of a scenario (started now if it is not running yet).</summary>
    public Task<ScenarioOutcome> Run(string name) => _runs.GetOrAdd(name, key => Task.Run(() => RunScenarioAsync(key)));

    /// <summary>Every scenario's outcome, for the summary table.</summary>
    public async Task<IReadOnlyList<ScenarioOutcome>> AllAsync() => await Task.WhenAll(Scenarios.Keys.Select(Run));

    /// <summary>The delay a journal entry's details name (see <see cref="ScenarioOutcome.Backoff"/>), or null.</summary>
    public static TimeSpan? BackoffOf(JournalEntryJson entry)
    {
        var details = entry.Details ?? "";
        var named = NamedDelay().Match(details);
        if (named.Success)
        {
            return TimeSpan.Parse(named.Groups["delay"].Value, CultureInfo.InvariantCulture);
        }

        var nextAt = NextAt().Match(details);
        return nextAt.Success ? DateTimeOffset.Parse(nextAt.Groups["at"].Value, CultureInfo.InvariantCulture) - entry.At : null;
    }

    private async Task<ScenarioOutcome> RunScenarioAsync(string name)
    {
        var (operation, fault) = Scenarios[name];
        if (operation == ExpiryOperation)
        {
            return await RunExpiryScenarioAsync(name, fault);
        }

        var reference = NewReference(operation == "registration" ? "freg" : "finq");
        var clock = Stopwatch.StartNew();
        if (operation == "registration")
        {
            await AddFaultAsync(fault(reference));
        }

        var create = await CreateAsync(Shop, NewCheckout(reference, amount: 135_000));
        var createTook = clock.Elapsed;
        Assert.True(create.StatusCode == HttpStatusCode.Created, $"{name}: create expected 201, got {create}");
        var registered = await WaitForStatusAsync(Shop, reference, "registered", ScenarioWait);
        if (operation == "inquiry")
        {
            await AddFaultAsync(fault(reference));
        }

        // The one payment code is payable: the customer pays, and the checkout ends fulfilled.
        await PayOrFailAsync("indomaret", registered);
        await WaitForStatusAsync(Shop, reference, "fulfilled", ScenarioWait);
        return await OutcomeAsync(name, fault(reference), reference, create, createTook, clock.Elapsed);
    }

    /// <summary>
    /// A checkout valid for a few seconds is paid at once, but every inquiry answers "unpaid" (stale) until well after
    /// the final inquiry at the end of validity; then (<see cref="StaleThroughExpiry"/>) the fault is removed and NICEPAY
    /// answers the truth, or (<see cref="StaleForGood"/>) it never does.
    /// </summary>
    private async Task<ScenarioOutcome> RunExpiryScenarioAsync(string name, Func<string, object> fault)
    {
        var reference = NewReference("fexp");
        var clock = Stopwatch.StartNew();
        var create = await CreateAsync(Shop, NewCheckout(reference, amount: 135_000, expiresAt: DateTimeOffset.UtcNow + ShortValidity));
        var createTook = clock.Elapsed;
        Assert.True(create.StatusCode == HttpStatusCode.Created, $"{name}: create expected 201, got {create}");
        var registered = create.As<CheckoutJson>();
        var faultId = await AddFaultAsync(fault(reference));
        await PayOrFailAsync("indomaret", registered);
        await WaitForStatusAsync(Shop, reference, "expired", ScenarioWait);
        if (name == StaleThroughExpiry)
        {
            // A re-check after the expiry is what can still find the payment: give it one stale answer first.
            await EventuallyAsync(
                () => OperatorViewAsync(Shop, reference),
                view => view.Journal.Any(entry => entry.Trigger == "RecordAnomaly" && entry.Details?.Contains("inquiry_contradicts_notification", StringComparison.Ordinal) == true),
                async _ => $"{name}: no re-check after the expiry:{Environment.NewLine}{await DescribeAsync(Shop, reference)}",
                ScenarioWait);
            await RemoveFaultAsync(faultId);
            await WaitForStatusAsync(Shop, reference, "fulfilled", ScenarioWait);
        }
        else
        {
            await EventuallyAsync(
                () => OperatorViewAsync(Shop, reference),
                view => view.Anomalies.Any(anomaly => anomaly.Detail.Contains("no more re-checks", StringComparison.Ordinal)),
                async _ => $"{name}: the re-checks never gave up for an operator:{Environment.NewLine}{await DescribeAsync(Shop, reference)}",
                ScenarioWait);
            await RemoveFaultAsync(faultId);
        }

        return await OutcomeAsync(name, fault(reference), reference, create, createTook, clock.Elapsed);
    }

    /// <summary>How a scenario ended: the checkout's operator view and journal check, and the sandbox's side of it.</summary>
    private async Task<ScenarioOutcome> OutcomeAsync(string name, object fault, string reference, WireResponse create, TimeSpan createTook, TimeSpan took)
    {
        var view = await OperatorViewAsync(Shop, reference);
        var registrations = await SandboxRegistrationAsync(Shop, reference);
        var transactions = await SandboxTransactionsAsync(Shop, reference);
        return new ScenarioOutcome(name, System.Text.Json.JsonSerializer.Serialize(fault), reference, create, createTook, took, view,
            registrations, transactions, await JournalValidator.ViolationsAsync(view.Journal));
    }

    private static object Rule(string operation, string kind, string reference, int? delayMs = null, int? count = 1, int? httpStatus = null) =>
        new { operation, kind, match = new { referenceNo = reference }, delayMs, count, httpStatus };

    // "…; attempt 2, next check in 00:00:02 at …" (inquiry failure), "…; re-check 2 in 00:00:02" (contradiction).
    [GeneratedRegex(@"(?:next check in|re-check \d+ in) (?<delay>\d\d:\d\d:\d\d(?:\.\d+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex NamedDelay();

    // "…; attempt 2, next at 2025-03-10T03:00:02.0000000+00:00" (deferred registration).
    [GeneratedRegex(@"next at (?<at>\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d))", RegexOptions.CultureInvariant)]
    private static partial Regex NextAt();
}

/// <summary>The gateway-fault tests share one <see cref="GatewayFaultsHost"/>.</summary>
[CollectionDefinition(Suites.GatewayFaults)]
public sealed class GatewayFaultsSuite : ICollectionFixture<GatewayFaultsHost>;
