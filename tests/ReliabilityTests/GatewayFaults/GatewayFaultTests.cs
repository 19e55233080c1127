using System.Globalization;
using System.Net;
using Orchestrator.ReliabilityTests.Infrastructure;
using Orchestrator.TestSupport.Wire;
using Xunit.Abstractions;

namespace Orchestrator.ReliabilityTests.GatewayFaults;

/// <summary>
/// Issue 5 §4: NICEPAY misbehaves — registration timeouts with and without the transaction being created, 5xx, 9002
/// busy, answers just under and just over the client timeout, failing, timing-out, busy and stale inquiries. Every
/// scenario ends in a correct and explainable state: the checkout is fulfilled after the customer pays the one code,
/// the journal says what happened (triggers and details), the back-off shows in the journal with growing delays, the
/// journal is a valid path through the state machine, and the sandbox holds exactly one transaction for the checkout —
/// never a second payable code.
/// </summary>
[Collection(Suites.GatewayFaults)]
[Trait("Category", "Reliability")]
public sealed class GatewayFaultTests(GatewayFaultsHost host, ITestOutputHelper output)
{
    private static readonly string[] Paid = ["RecordNotification", "ConfirmPayment", "Fulfil"];

    [Fact]
    public async Task Registration_WhenNicepayTimesOutWithoutRegistering_LooksItUpThenSendsItOnceMore()
    {
        var outcome = await host.Run("registration timeout");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 2);
        AssertTriggers(outcome, ["Create", "DeferRegistration", "Register", .. Paid]);
        AssertDetails(outcome, "DeferRegistration", "registration outcome unknown (Timeout)");
        AssertDetails(outcome, "Register", "NICEPAY issued the payment code");
        Assert.Equal("registration_recovery", Assert.Single(outcome.Entries("Register")).Cause);
        Assert.Equal(1, outcome.Registrations.Results.GetValueOrDefault("fault:timeout"));
        AssertCreateAnsweredWithin(outcome, GatewayFaultsHost.RegistrationTimeout);
    }

    [Fact]
    public async Task Registration_WhenTheAnswerIsLostAfterNicepayRegistered_FindsTheTransactionWithoutSendingAgain()
    {
        var outcome = await host.Run("registration timeout after commit");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 1);
        AssertTriggers(outcome, ["Create", "DeferRegistration", "Register", .. Paid]);
        AssertDetails(outcome, "DeferRegistration", "registration outcome unknown (Timeout)");
        AssertDetails(outcome, "Register", "the registration whose answer was lost was found at NICEPAY");
        AssertCreateAnsweredWithin(outcome, GatewayFaultsHost.RegistrationTimeout);
    }

    [Fact]
    public async Task Registration_WhenTheConnectionResetsAfterNicepayRegistered_FindsTheTransactionWithoutSendingAgain()
    {
        var outcome = await host.Run("registration reset after commit");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 1);
        AssertTriggers(outcome, ["Create", "DeferRegistration", "Register", .. Paid]);
        AssertDetails(outcome, "DeferRegistration", "registration outcome unknown (ConnectionLost)");
        AssertDetails(outcome, "Register", "the registration whose answer was lost was found at NICEPAY");
    }

    [Fact]
    public async Task Registration_WhenNicepayAnswers503_LooksItUpThenSendsItOnceMore()
    {
        var outcome = await host.Run("registration 503");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 2);
        AssertTriggers(outcome, ["Create", "DeferRegistration", "Register", .. Paid]);
        AssertDetails(outcome, "DeferRegistration", "registration outcome unknown (ServerError)");
        Assert.Equal(1, outcome.Registrations.Results.GetValueOrDefault("http-503"));
    }

    [Fact]
    public async Task Registration_WhenNicepayIsBusyThreeTimes_DefersWithGrowingDelaysThenRegistersOnce()
    {
        var outcome = await host.Run("registration 9002 busy x3");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 4);
        AssertTriggers(outcome, ["Create", "DeferRegistration", "DeferRegistration", "DeferRegistration", "Register", .. Paid]);
        AssertDetails(outcome, "DeferRegistration", "NICEPAY is busy (9002); nothing was registered");
        Assert.Equal(3, outcome.Registrations.Results.GetValueOrDefault("9002"));
        AssertBackoff(outcome, "DeferRegistration", [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)]);
    }

    [Fact]
    public async Task Registration_WhenNicepayIsSlowButWithinTheTimeout_RegistersInTheCreateCall()
    {
        var outcome = await host.Run("registration slow, under the timeout");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 1);
        AssertTriggers(outcome, ["Create", "Register", .. Paid]);
        Assert.Equal("merchant_call", Assert.Single(outcome.Entries("Register")).Cause);
        var created = outcome.Create.As<CheckoutJson>();
        Assert.True(created is { Status: "registered", PaymentCode: not null }, $"the create call should answer with the code: {outcome.Create}");
        Assert.True(outcome.CreateTook >= TimeSpan.FromSeconds(2.2), $"the slow answer took effect: create took {outcome.CreateTook}");
    }

    [Fact]
    public async Task Registration_WhenNicepayIsSlowerThanTheTimeout_GivesUpWaitingAndRecoversOneTransaction()
    {
        var outcome = await host.Run("registration slow, over the timeout");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: null);
        AssertTriggers(outcome, ["Create", "DeferRegistration", "Register", .. Paid]);
        AssertDetails(outcome, "DeferRegistration", "registration outcome unknown (Timeout)");
        AssertCreateAnsweredWithin(outcome, GatewayFaultsHost.RegistrationTimeout);
    }

    [Theory]
    [InlineData("inquiry 500 x4", "ServerError")]
    [InlineData("inquiry timeout x4", "Timeout")]
    [InlineData("inquiry 9002 busy x2", "9002 GatewayBusy")]
    public async Task Inquiry_WhenNicepayFails_RecordsEachFailureWithGrowingBackoffThenConfirms(string scenario, string failure)
    {
        var outcome = await host.Run(scenario);

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 1);
        AssertTriggers(outcome, ["Create", "Register", "RecordNotification", "RecordInquiryFailure", "RecordInquiryFailure", "ConfirmPayment", "Fulfil"]);
        AssertDetails(outcome, "RecordInquiryFailure", $"status inquiry failed ({failure})");
        AssertBackoff(outcome, "RecordInquiryFailure", [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)]);
    }

    [Fact]
    public async Task Inquiry_WhenStaleAndContradictingTheNotification_RechecksWithGrowingBackoffThenConfirms()
    {
        var outcome = await host.Run("inquiry stale x2");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 1);
        AssertTriggers(outcome, ["Create", "Register", "RecordNotification", "RecordContradiction", "RecordContradiction", "ConfirmPayment", "Fulfil"]);
        AssertDetails(outcome, "RecordContradiction", "a verified notification said paid, the inquiry says status 3");
        AssertBackoff(outcome, "RecordContradiction", [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)]);
    }

    [Fact]
    public async Task Inquiry_WhenSlowButWithinTheTimeout_ConfirmsWithoutAFailure()
    {
        var outcome = await host.Run("inquiry slow, under the timeout");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 1);
        AssertTriggers(outcome, ["Create", "Register", .. Paid]);
    }

    [Fact]
    public async Task Inquiry_WhenSlowerThanTheTimeout_RecordsTheFailureThenConfirms()
    {
        var outcome = await host.Run("inquiry slow, over the timeout x2");

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 1);
        AssertTriggers(outcome, ["Create", "Register", "RecordNotification", "RecordInquiryFailure", "ConfirmPayment", "Fulfil"]);
        AssertDetails(outcome, "RecordInquiryFailure", "status inquiry failed (Timeout)");
        AssertBackoff(outcome, "RecordInquiryFailure", [TimeSpan.FromSeconds(1)]);
    }

    [Fact]
    public async Task Inquiry_WhenStaleUntilAfterTheValidityEnds_ExpiresThenConfirmsTheLatePaymentItKeptCheckingFor()
    {
        var outcome = await host.Run(GatewayFaultsHost.StaleThroughExpiry);

        AssertEndsPaidWithOneTransaction(outcome, requestsReceived: 1);
        AssertInOrder(outcome, ["Create", "Register", "RecordNotification", "RecordContradiction", "Expire", "RecordAnomaly", "ConfirmPayment", "Fulfil"]);
        AssertDetails(outcome, "Expire", "the payment notification was not borne out");
        Assert.True(outcome.View.Anomalies.Any(a => a.Kind == "inquiry_contradicts_notification") && outcome.View.Anomalies.Any(a => a.Kind == "late_payment"),
            $"the re-check after the expiry and the late payment should be recorded for operators:{Environment.NewLine}{outcome.Describe()}");
        Assert.True(outcome.View.Checkout.RequiresAttention, outcome.Describe());
    }

    [Fact]
    public async Task Inquiry_WhenStaleForGood_ExpiresAndFlagsTheUnconfirmedPaymentForAnOperator()
    {
        var outcome = await host.Run(GatewayFaultsHost.StaleForGood);

        AssertEndsWithOneTransaction(outcome, "expired", requestsReceived: 1);
        AssertInOrder(outcome, ["Create", "Register", "RecordNotification", "RecordContradiction", "Expire", "RecordAnomaly", "RecordAnomaly", "RecordAnomaly", "RecordAnomaly"]);
        var rechecks = outcome.View.Anomalies.Where(a => a.Kind == "inquiry_contradicts_notification").ToList();
        Assert.True(rechecks.Count == 4 && rechecks[^1].Detail.Contains("no more re-checks", StringComparison.Ordinal) && outcome.View.Checkout.RequiresAttention,
            $"after the expiry the payment should be re-checked with back-off, then left flagged for an operator:{Environment.NewLine}{outcome.Describe()}");
        var afterExpiry = outcome.View.Journal.SkipWhile(entry => entry.Trigger != "Expire").Where(entry => entry.Trigger == "RecordAnomaly").ToList();
        var delays = afterExpiry.Select(GatewayFaultsHost.BackoffOf).TakeWhile(delay => delay is not null).Select(delay => delay!.Value).ToList();
        Assert.True(delays.SequenceEqual([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)]),
            $"the re-checks after the expiry should back off 1, 2, 3 s:{Environment.NewLine}{outcome.Describe()}");
        Assert.DoesNotContain(outcome.View.Reminders, reminder => reminder.Name == "status-check");
    }

    /// <summary>The table of every scenario, printed and saved; the common invariants hold for all of them.</summary>
    [Fact]
    public async Task AllScenarios_EndExplainedWithOneTransactionEach_AndPrintTheirFigures()
    {
        var outcomes = await host.AllAsync();
        var figures = new Figures(output, "gateway-faults");
        figures.Line($"§4 gateway faults: {outcomes.Count} scenarios, run concurrently on one host; all ended after {host.AllEndedAfter?.TotalSeconds ?? double.NaN:F1} s");
        figures.Line("| scenario | create | ended | NICEPAY registration requests (created) | transactions | journal | back-off |");
        figures.Line("|---|---|---|---|---|---|---|");
        foreach (var outcome in outcomes)
        {
            var backoff = outcome.View.Journal
                .Where(entry => entry.Trigger is "DeferRegistration" or "RecordInquiryFailure" or "RecordContradiction" or "RecordAnomaly")
                .Select(GatewayFaultsHost.BackoffOf)
                .OfType<TimeSpan>()
                .Select(delay => $"{delay.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s")
                .ToList();
            figures.Line($"| {outcome.Name} | {(int)outcome.Create.StatusCode} {outcome.Create.As<CheckoutJson>().Status} in {outcome.CreateTook.TotalSeconds:F1} s "
                + $"| {outcome.View.Checkout.Status} after {outcome.Took.TotalSeconds:F1} s | {outcome.Registrations.Received} ({outcome.Registrations.Created}) "
                + $"| {outcome.Transactions.Count} | {string.Join(" → ", outcome.Triggers)} | {(backoff.Count == 0 ? "—" : string.Join(", ", backoff))} |");
        }

        figures.Save();
        Assert.All(outcomes, outcome => AssertEndsWithOneTransaction(
            outcome, outcome.Name == GatewayFaultsHost.StaleForGood ? "expired" : "fulfilled", requestsReceived: null));
    }

    /// <summary>
    /// The end state every scenario must reach: fulfilled, a valid journal, exactly one NICEPAY transaction (paid, the
    /// checkout's own) created by the registration requests the sandbox received.
    /// </summary>
    private static void AssertEndsPaidWithOneTransaction(ScenarioOutcome outcome, int? requestsReceived) =>
        AssertEndsWithOneTransaction(outcome, "fulfilled", requestsReceived);

    private static void AssertEndsWithOneTransaction(ScenarioOutcome outcome, string status, int? requestsReceived)
    {
        Assert.True(outcome.View.Checkout.Status == status, $"expected {status}:{Environment.NewLine}{outcome.Describe()}");
        Assert.True(outcome.JournalViolations.Count == 0,
            $"the journal is not a valid path: {string.Join("; ", outcome.JournalViolations)}{Environment.NewLine}{outcome.Describe()}");
        Assert.True(outcome.Transactions.Count == 1 && outcome.Registrations.Created == 1 && outcome.Registrations.TXids.Count == 1,
            $"expected exactly one NICEPAY transaction (one payable code):{Environment.NewLine}{outcome.Describe()}");
        var transaction = outcome.Transactions[0];
        Assert.True(transaction.StatusName == "paid" && transaction.TXid == outcome.View.Checkout.TransactionId && transaction.PayNo == outcome.View.Checkout.PaymentCode,
            $"the one transaction must be the checkout's, paid:{Environment.NewLine}{outcome.Describe()}");
        if (requestsReceived is { } expected)
        {
            Assert.True(outcome.Registrations.Received == expected,
                $"expected {expected} registration request(s) at NICEPAY:{Environment.NewLine}{outcome.Describe()}");
            Assert.True(outcome.View.Nicepay.RegistrationAttempts == expected,
                $"the checkout should count {expected} registration attempt(s):{Environment.NewLine}{outcome.Describe()}");
        }
    }

    /// <summary>The journal holds these triggers in this order (others may come between).</summary>
    private static void AssertInOrder(ScenarioOutcome outcome, string[] expected)
    {
        var next = 0;
        foreach (var trigger in outcome.Triggers)
        {
            if (next < expected.Length && trigger == expected[next])
            {
                next++;
            }
        }

        Assert.True(next == expected.Length,
            $"expected the journal to run through {string.Join(" → ", expected)}, got {string.Join(" → ", outcome.Triggers)}:{Environment.NewLine}{outcome.Describe()}");
    }

    private static void AssertTriggers(ScenarioOutcome outcome, string[] expected) =>
        Assert.True(outcome.Triggers.SequenceEqual(expected),
            $"expected the journal {string.Join(" → ", expected)}, got {string.Join(" → ", outcome.Triggers)}:{Environment.NewLine}{outcome.Describe()}");

    /// <summary>Every entry of <paramref name="trigger"/> explains itself with <paramref name="text"/>.</summary>
    private static void AssertDetails(ScenarioOutcome outcome, string trigger, string text)
    {
        var entries = outcome.Entries(trigger);
        Assert.True(entries.Count > 0 && entries.All(entry => entry.Details?.Contains(text, StringComparison.Ordinal) == true),
            $"every {trigger} entry should say '{text}':{Environment.NewLine}{outcome.Describe()}");
    }

    /// <summary>The journal names the expected delays (to 0.2 s), each longer than the one before.</summary>
    private static void AssertBackoff(ScenarioOutcome outcome, string trigger, TimeSpan[] expected)
    {
        var delays = outcome.Backoff(trigger);
        var shown = string.Join(", ", delays.Select(d => d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)));
        Assert.True(delays.Count == expected.Length
                    && delays.Zip(expected).All(pair => (pair.First - pair.Second).Duration() <= TimeSpan.FromMilliseconds(200)),
            $"expected {trigger} back-off of {string.Join(", ", expected.Select(d => d.TotalSeconds))} s, the journal shows {shown} s:{Environment.NewLine}{outcome.Describe()}");
        Assert.True(delays.Zip(delays.Skip(1)).All(pair => pair.Second > pair.First), $"the back-off must grow: {shown} s");
    }

    /// <summary>The create call answers soon after the gateway's timeout, without waiting for the fault to end.</summary>
    private static void AssertCreateAnsweredWithin(ScenarioOutcome outcome, TimeSpan timeout)
    {
        Assert.True(outcome.Create.StatusCode == HttpStatusCode.Created, outcome.Describe());
        Assert.Equal("created", outcome.Create.As<CheckoutJson>().Status);
        Assert.True(outcome.CreateTook < timeout + TimeSpan.FromSeconds(1.5),
            $"the create call should answer shortly after the {timeout} registration timeout, took {outcome.CreateTook}");
    }
}
