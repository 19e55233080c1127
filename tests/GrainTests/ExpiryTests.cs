using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.GrainTests.Infrastructure;
using Orchestrator.Nicepay;

namespace Orchestrator.GrainTests;

// The end of validity: a final inquiry decides, so a payment made at the last minute wins, and a payment NICEPAY
// reports after the checkout expired still confirms it. Validities are shorter than the status-check interval, so
// the first inquiry of each checkout is its final one. Where the test must act on NICEPAY before that inquiry
// answers, the inquiry is scripted to answer only once the test has acted, so CPU load cannot reorder the two.
[Collection(ExpiryClusterDefinition.Name)]
[Trait("Category", "Slow")]
public sealed class ExpiryTests(SchedulingClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;
    private static readonly TimeSpan ShortValidity = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task Expiry_WhenUnpaidAtTheEndOfValidity_FinalInquiryExpiresItAndNoWorkRemains()
    {
        var reference = ClusterFixture.NewReference("expire");
        var (checkout, created) = await fixture.CreateRegisteredAsync(Merchant, reference, ClusterFixture.NewCommand(validity: ShortValidity));
        Assert.Contains(Grains.Checkouts.CheckoutGrain.PulseReminderName, fixture.Reminders.NamesFor(checkout.GetGrainId()));

        var details = await fixture.WaitForAsync(checkout,
            d => d.Checkout.Status == CheckoutStatus.Expired && d.WebhookDeliveries.All(w => w.State == "delivered"),
            "expired with checkout.expired delivered");

        var expiry = details.Journal[^1];
        Assert.Equal(("Expire", CheckoutStatus.Registered, CheckoutCause.Expiry), (expiry.Trigger, expiry.From, expiry.Cause));
        var finalInquiry = Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
        Assert.True(finalInquiry.At >= created.ExpiresAt, $"the final inquiry ran at {finalInquiry.At:O}, before the end of validity {created.ExpiresAt:O}");
        Assert.Equal(CheckoutEventTypes.Expired, Assert.Single(details.WebhookDeliveries).Type);
        Assert.Empty(details.Reminders);
        Assert.Empty(fixture.Reminders.NamesFor(checkout.GetGrainId()));
    }

    [Fact]
    public async Task Expiry_WhenPaidAtTheLastMinuteWithoutANotification_FinalInquiryConfirmsInsteadOfExpiring()
    {
        var reference = ClusterFixture.NewReference("lastminute");
        var paidAtStore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Nicepay.Script(NicepayOperation.Inquire, reference, NicepayFault.AnswerAfter(paidAtStore.Task));
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference, ClusterFixture.NewCommand(validity: ShortValidity));
        fixture.Nicepay.Pay(Merchant.IMid, reference);
        paidAtStore.SetResult();

        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        Assert.Equal(["Create", "Register", "ConfirmPayment", "Fulfil"], details.Journal.Select(e => e.Trigger));
        Assert.Equal(CheckoutCause.Expiry, details.Journal[2].Cause);
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
        Assert.Equal([CheckoutEventTypes.Confirmed], details.WebhookDeliveries.Select(w => w.Type));
    }

    [Fact]
    public async Task Notification_OfAPaymentAfterTheCheckoutExpired_ConfirmsItAsLateAndTellsTheMerchant()
    {
        var reference = ClusterFixture.NewReference("late");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference, ClusterFixture.NewCommand(validity: ShortValidity));
        await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Expired);

        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference, evenAfterValidity: true);
        var result = await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));
        Assert.Equal(NotificationOutcome.Accepted, result.Outcome);

        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
        Assert.Equal(
            ["Create", "Register", "Expire", "RecordNotification", "RecordAnomaly", "ConfirmPayment", "Fulfil"],
            details.Journal.Select(e => e.Trigger));
        Assert.Contains("late payment", details.Journal[3].Details, StringComparison.Ordinal);
        Assert.Equal((CheckoutStatus.Expired, CheckoutCause.StatusCheck), (details.Journal[5].From, details.Journal[5].Cause));
        Assert.Contains("late payment", details.Journal[5].Details, StringComparison.Ordinal);
        Assert.Equal("late_payment", Assert.Single(details.Anomalies).Kind);
        Assert.True(details.Checkout.RequiresAttention);
        Assert.Equal([CheckoutEventTypes.Expired, CheckoutEventTypes.Confirmed], details.WebhookDeliveries.Select(w => w.Type));
        Assert.All(details.WebhookDeliveries, w => Assert.Equal("delivered", w.State));
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
    }

    [Fact]
    public async Task Notification_RepeatedAfterTheCheckoutClosedUnconfirmed_IsVerifiedAgainAndAPaymentNowReportedIsConfirmedLate()
    {
        var reference = ClusterFixture.NewReference("renotify");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference, ClusterFixture.NewCommand(validity: ShortValidity));
        // NICEPAY notifies a payment its inquiry does not show (yet): whether the notification lands just before or
        // just after the final inquiry, the checkout closes expired, with the notification recorded and no check left.
        var notice = NicepayNotifications.For(fixture.Nicepay.Transaction(Merchant.IMid, reference) with { DepositedAt = DateTimeOffset.UtcNow }, Merchant.MerchantKey);
        Assert.Equal(NotificationOutcome.Accepted, (await checkout.HandleNotificationAsync(notice)).Outcome);
        var closed = await fixture.WaitForAsync(checkout,
            d => d.Checkout.Status == CheckoutStatus.Expired && d.Reminders.Count == 0, "expired with no check pending");
        Assert.Contains(closed.Journal, e => e.Trigger == "RecordNotification");
        Assert.DoesNotContain(closed.Journal, e => e.Trigger == "ConfirmPayment");

        // NICEPAY settles it and sends the same notification again: a duplicate, but one that must be verified.
        fixture.Nicepay.Pay(Merchant.IMid, reference, evenAfterValidity: true);
        var repeated = await checkout.HandleNotificationAsync(notice);
        Assert.Equal((NotificationOutcome.AlreadyApplied, closed.Checkout.Version), (repeated.Outcome, repeated.Version));

        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
        var confirmation = Assert.Single(details.Journal, e => e.Trigger == "ConfirmPayment");
        Assert.Equal((CheckoutStatus.Expired, CheckoutCause.StatusCheck), (confirmation.From, confirmation.Cause));
        Assert.Contains(details.Anomalies, a => a.Kind == "late_payment");
        Assert.Equal(CheckoutEventTypes.Confirmed, details.WebhookDeliveries[^1].Type);
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
    }

    [Fact]
    public async Task Expiry_WhenNicepayDoesNotAnswerTheFinalInquiry_RetriesThenExpiresLocallyAndALaterPaymentStillConfirms()
    {
        var reference = ClusterFixture.NewReference("expiryout");
        fixture.Nicepay.SetOutage(NicepayOperation.Inquire, reference, NicepayFault.Timeout);
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference, ClusterFixture.NewCommand(validity: ShortValidity));

        var expired = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Expired);

        var retries = expired.Journal.Where(e => e.Trigger == "RecordInquiryFailure").ToList();
        Assert.NotEmpty(retries);
        Assert.All(retries, e => Assert.Equal((CheckoutStatus.Registered, CheckoutCause.Expiry), (e.To, e.Cause)));
        var expiry = expired.Journal[^1];
        Assert.Equal(("Expire", CheckoutCause.Expiry), (expiry.Trigger, expiry.Cause));
        Assert.Contains("expired locally", expiry.Details, StringComparison.Ordinal);
        Assert.True(expiry.At >= expired.Checkout.ExpiresAt + SchedulingClusterFixture.ExpiryGiveUpAfter, "kept trying for ExpiryGiveUpAfter");

        fixture.Nicepay.SetOutage(NicepayOperation.Inquire, reference, null);
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference, evenAfterValidity: true);
        await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
        Assert.Contains(details.Anomalies, a => a.Kind == "late_payment");
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
    }

    [Fact]
    public async Task Expiry_WhileTheStoreIsCompletingThePayment_WaitsForItInsteadOfExpiring()
    {
        var reference = ClusterFixture.NewReference("commit");
        var atCounter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Nicepay.Script(NicepayOperation.Inquire, reference, NicepayFault.AnswerAfter(atCounter.Task));
        var (checkout, created) = await fixture.CreateRegisteredAsync(Merchant, reference,
            ClusterFixture.NewCommand(store: StoreNetwork.Alfamart, validity: ShortValidity));
        fixture.Nicepay.SetStatus(Merchant.IMid, reference, CvsTransactionStatus.ReadyToCommit);
        atCounter.SetResult();

        // Past the final inquiry, NICEPAY still says "ready to commit": the grain keeps asking and does not expire.
        await Eventually.UntilAsync(
            () => fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire).Count(c => c.At > created.ExpiresAt) >= 2,
            () => "two inquiries after the end of validity");
        var waiting = await ClusterFixture.DetailsAsync(checkout);
        Assert.Equal((CheckoutStatus.Registered, 2), (waiting.Checkout.Status, waiting.Checkout.Version));

        fixture.Nicepay.Pay(Merchant.IMid, reference, evenAfterValidity: true);
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
        Assert.Equal(["Create", "Register", "ConfirmPayment", "Fulfil"], details.Journal.Select(e => e.Trigger));
        Assert.Equal(CheckoutCause.Expiry, details.Journal[2].Cause);
    }
}
