using System.Text.Json;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.GrainTests.Infrastructure;
using Orchestrator.Nicepay;

namespace Orchestrator.GrainTests;

[Collection(CheckoutClusterDefinition.Name)]
public sealed class NotificationTests(CheckoutClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;

    public static TheoryData<string> Forgeries => new() { "wrong-key", "other-merchants-key", "tampered-amount", "garbage-token" };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task HandleNotification_WithAToken_ThatDoesNotVerify_IsRefusedAndChangesNothing(string forgery)
    {
        var reference = ClusterFixture.NewReference("forged");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        // NICEPAY really has it paid: a forged notification that slipped through would lead to a confirmation.
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        var before = await ClusterFixture.DetailsAsync(checkout);
        var writesBefore = fixture.Storage.WritesFor(checkout.GetGrainId());

        var form = forgery switch
        {
            "wrong-key" => NicepayNotifications.For(paid, "not-the-merchant-key"),
            "other-merchants-key" => NicepayNotifications.For(paid, ClusterFixture.MerchantTwo.MerchantKey),
            "tampered-amount" => WithField(NicepayNotifications.For(paid, Merchant.MerchantKey), "amt", "1500000"),
            _ => NicepayNotifications.For(paid, Merchant.MerchantKey, token: new string('0', 64)),
        };
        var result = await checkout.HandleNotificationAsync(form);

        Assert.Equal(NotificationOutcome.InvalidToken, result.Outcome);
        var after = await ClusterFixture.DetailsAsync(checkout);
        Assert.Equal((CheckoutStatus.Registered, 2), (after.Checkout.Status, after.Checkout.Version));
        Assert.Equal(before.Journal, after.Journal);
        Assert.Equal(before.Reminders, after.Reminders);
        Assert.Empty(after.Anomalies);
        // Nothing was persisted, so no status check was scheduled; and none was made.
        Assert.Equal(writesBefore, fixture.Storage.WritesFor(checkout.GetGrainId()));
        Assert.Empty(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
    }

    [Fact]
    public async Task HandleNotification_Malformed_IsRefusedAndChangesNothing()
    {
        var reference = ClusterFixture.NewReference("malformed");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        var form = NicepayNotifications.For(paid, Merchant.MerchantKey);
        var withoutStatus = form with { Fields = form.Fields.Where(f => f.Key != "status").ToDictionary() };

        var result = await checkout.HandleNotificationAsync(withoutStatus);

        Assert.Equal(NotificationOutcome.Malformed, result.Outcome);
        Assert.Contains("status", result.Detail, StringComparison.Ordinal);
        Assert.Equal(2, (await ClusterFixture.DetailsAsync(checkout)).Checkout.Version);
        Assert.Empty(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
    }

    [Fact]
    public async Task HandleNotification_ForAReferenceWithoutCheckout_IsUnknownTransaction()
    {
        var reference = ClusterFixture.NewReference("stranger");
        var stranger = new FakeTransaction("MERCHANT0103202601010000000001", Merchant.IMid, reference, 150_000, CvsPartner.Indomaret,
            "880000000001", DateTimeOffset.UtcNow.AddHours(1), "Kopi", "Budi", CvsTransactionStatus.Paid, DateTimeOffset.UtcNow);

        var result = await fixture.Checkout(Merchant, reference).HandleNotificationAsync(NicepayNotifications.For(stranger, Merchant.MerchantKey));

        Assert.Equal(NotificationOutcome.UnknownTransaction, result.Outcome);
        Assert.Null(await fixture.Checkout(Merchant, reference).GetAsync());
    }

    [Fact]
    public async Task HandleNotification_SameNotificationThreeTimesConcurrently_ConfirmsOnceWithOneConfirmedEventId()
    {
        var reference = ClusterFixture.NewReference("dup");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var form = NicepayNotifications.For(fixture.Nicepay.Pay(Merchant.IMid, reference), Merchant.MerchantKey);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => checkout.HandleNotificationAsync(form)));

        Assert.Single(results, r => r.Outcome == NotificationOutcome.Accepted);
        Assert.Equal(2, results.Count(r => r.Outcome == NotificationOutcome.AlreadyApplied));
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        // A late re-delivery of the same notification changes nothing either.
        var late = await checkout.HandleNotificationAsync(form);
        Assert.Equal((NotificationOutcome.AlreadyApplied, details.Checkout.Version), (late.Outcome, late.Version));

        Assert.Equal(["Create", "Register", "RecordNotification", "ConfirmPayment", "Fulfil"], details.Journal.Select(e => e.Trigger));
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
        var confirmed = Assert.Single(details.WebhookDeliveries, d => d.Type == CheckoutEventTypes.Confirmed);
        Assert.Equal([confirmed.EventId], fixture.Webhooks.ReceivedFor(Merchant.Id, reference).Select(r => r.EventId).Distinct());
        Assert.Equal(details.Checkout.Version, (await ClusterFixture.DetailsAsync(checkout)).Checkout.Version);
    }

    [Fact]
    public async Task HandleNotification_ArrivingAfterAStatusCheckConfirmedThePayment_IsAlreadyAppliedAndSendsNoSecondEvent()
    {
        var reference = ClusterFixture.NewReference("reorder");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.CheckStatusAsync(CheckoutCause.Operator);
        var fulfilled = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        var late = await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));

        Assert.Equal(NotificationOutcome.AlreadyApplied, late.Outcome);
        var after = await ClusterFixture.DetailsAsync(checkout);
        Assert.Equal(fulfilled.Journal, after.Journal);
        Assert.Single(after.WebhookDeliveries);
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
    }

    [Fact]
    public async Task HandleNotification_WhenTheInquiryStillSaysUnpaid_RecordsTheContradictionRechecksAndConfirmsOncePaid()
    {
        var reference = ClusterFixture.NewReference("contra");
        var (checkout, created) = await fixture.CreateRegisteredAsync(Merchant, reference);
        // A verified notification, but NICEPAY's inquiry does not (yet) bear it out.
        var unpaid = fixture.Nicepay.Transaction(Merchant.IMid, reference) with { DepositedAt = DateTimeOffset.UtcNow };

        var result = await checkout.HandleNotificationAsync(NicepayNotifications.For(unpaid, Merchant.MerchantKey));
        Assert.Equal(NotificationOutcome.Accepted, result.Outcome);

        var contradicted = await fixture.WaitForAsync(checkout,
            d => d.Journal.Count(e => e.Trigger == "RecordContradiction") >= 2, "two contradictions (a re-check after the first)");
        Assert.Equal(CheckoutStatus.Notified, contradicted.Checkout.Status);
        Assert.All(contradicted.Journal.Where(e => e.Trigger == "RecordContradiction"), e =>
        {
            Assert.Equal((CheckoutStatus.Notified, CheckoutStatus.Notified, CheckoutCause.StatusCheck), (e.From, e.To, e.Cause));
            Assert.Contains("the inquiry says status 3", e.Details, StringComparison.Ordinal);
        });
        Assert.Contains(contradicted.Reminders, r => r.Name == "status-check");

        fixture.Nicepay.Pay(Merchant.IMid, reference);
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        var confirmation = Assert.Single(details.Journal, e => e.Trigger == "ConfirmPayment");
        Assert.Equal((CheckoutStatus.Notified, CheckoutCause.StatusCheck), (confirmation.From, confirmation.Cause));
        Assert.Equal(0, details.Nicepay.ConsecutiveInquiryFailures);
        Assert.All(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire), call => Assert.Equal(created.TransactionId, call.TransactionId));
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
    }

    [Fact]
    public async Task HandleNotification_WithAnAmountThatDoesNotMatch_FlagsAnAnomalyAndTellsTheMerchantWithoutConfirming()
    {
        var reference = ClusterFixture.NewReference("mismatch");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference, ClusterFixture.NewCommand(amount: 150_000));
        var transaction = fixture.Nicepay.Transaction(Merchant.IMid, reference) with { DepositedAt = DateTimeOffset.UtcNow };

        var result = await checkout.HandleNotificationAsync(NicepayNotifications.For(transaction, Merchant.MerchantKey, amount: 140_000, matchCl: "3"));

        Assert.Equal(NotificationOutcome.Accepted, result.Outcome);
        var details = await fixture.WaitForAsync(checkout,
            d => d.WebhookDeliveries.Any(w => w.Type == CheckoutEventTypes.AttentionRequired && w.State == "delivered")
                 && d.Nicepay.LastInquiryAt is not null,
            "the attention event delivered and the notification checked by an inquiry");
        Assert.Equal(CheckoutStatus.Registered, details.Checkout.Status);
        Assert.True(details.Checkout.RequiresAttention);
        var anomaly = details.Anomalies[0];
        Assert.Equal("amount_mismatch", anomaly.Kind);
        Assert.Contains("140000", anomaly.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(details.Journal, e => e.Trigger == "ConfirmPayment");
        Assert.DoesNotContain(details.WebhookDeliveries, w => w.Type == CheckoutEventTypes.Confirmed);

        var received = Assert.Single(fixture.Webhooks.ReceivedFor(Merchant.Id, reference), r => r.Type == CheckoutEventTypes.AttentionRequired);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("amount_mismatch", body.RootElement.GetProperty("anomaly").GetProperty("kind").GetString());
        Assert.True(body.RootElement.GetProperty("data").GetProperty("requiresAttention").GetBoolean());
    }

    [Fact]
    public async Task HandleNotification_ReversalOfAConfirmedPaymentBorneOutByTheInquiry_ReversesAndTellsTheMerchant()
    {
        var reference = ClusterFixture.NewReference("reversal");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));
        await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        fixture.Nicepay.SetStatus(Merchant.IMid, reference, CvsTransactionStatus.Reversed);
        var result = await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey, status: "1"));

        Assert.Equal(NotificationOutcome.Accepted, result.Outcome);
        var details = await fixture.WaitForAsync(checkout,
            d => d.Checkout.Status == CheckoutStatus.Reversed && d.WebhookDeliveries.All(w => w.State == "delivered"),
            "reversed with every event delivered");
        Assert.Equal(
            ["Create", "Register", "RecordNotification", "ConfirmPayment", "Fulfil", "RecordAnomaly", "Reverse"],
            details.Journal.Select(e => e.Trigger));
        Assert.Equal((CheckoutStatus.Fulfilled, CheckoutCause.StatusCheck), (details.Journal[^1].From, details.Journal[^1].Cause));
        Assert.Equal("reversal_notified", Assert.Single(details.Anomalies).Kind);
        Assert.True(details.Checkout.RequiresAttention);
        Assert.Equal(
            [CheckoutEventTypes.Confirmed, CheckoutEventTypes.AttentionRequired, CheckoutEventTypes.Reversed],
            details.WebhookDeliveries.Select(w => w.Type));
        Assert.Empty(details.Reminders);
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
    }

    [Fact]
    public async Task HandleNotification_SignedForAnotherTransactionUnderTheSameReference_IsRecordedForAnOperatorAndNeverApplied()
    {
        var reference = ClusterFixture.NewReference("othertx");
        var (checkout, created) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var other = fixture.Nicepay.Transaction(Merchant.IMid, reference) with
        {
            TransactionId = "MERCHANT0103209901010000009999",
            Status = CvsTransactionStatus.Paid,
            DepositedAt = DateTimeOffset.UtcNow,
        };

        var result = await checkout.HandleNotificationAsync(NicepayNotifications.For(other, Merchant.MerchantKey));

        Assert.Equal(NotificationOutcome.Accepted, result.Outcome);
        var details = await ClusterFixture.DetailsAsync(checkout);
        Assert.Equal((CheckoutStatus.Registered, created.TransactionId), (details.Checkout.Status, details.Checkout.TransactionId));
        Assert.Equal("notification_for_other_transaction", Assert.Single(details.Anomalies).Kind);
        Assert.True(details.Checkout.RequiresAttention);
        Assert.Empty(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
    }

    [Fact]
    public async Task HandleNotification_ReversalThatTheInquiryDoesNotBearOut_StaysFulfilledAndIsFlaggedAfterTheRechecks()
    {
        var reference = ClusterFixture.NewReference("noreversal");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));
        await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey, status: "1"));

        // Re-checked along the back-off (3 steps), then left to an operator.
        var details = await fixture.WaitForAsync(checkout,
            d => d.Anomalies.Count(a => a.Kind == "inquiry_contradicts_notification") == 4 && d.Reminders.Count == 0,
            "four contradicting inquiries, then no more checks");
        Assert.Equal(CheckoutStatus.Fulfilled, details.Checkout.Status);
        Assert.True(details.Checkout.RequiresAttention);
        Assert.Contains("no more re-checks", details.Anomalies[^1].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(details.WebhookDeliveries, w => w.Type == CheckoutEventTypes.Reversed);
        Assert.Equal(5, fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire).Count);
    }

    private static NicepayNotificationForm WithField(NicepayNotificationForm form, string name, string value)
    {
        var fields = form.Fields.ToDictionary(StringComparer.Ordinal);
        fields[name] = value;
        return form with { Fields = fields };
    }
}
