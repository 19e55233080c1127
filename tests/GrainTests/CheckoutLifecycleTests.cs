using System.Text.Json;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

[Collection(CheckoutClusterDefinition.Name)]
public sealed class CheckoutLifecycleTests(CheckoutClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;

    [Fact]
    public async Task Lifecycle_FromCreateThroughNotificationAndInquiry_EndsFulfilledWithOneVersionPerJournalEntry()
    {
        var reference = ClusterFixture.NewReference("life");
        var (checkout, created) = await fixture.CreateRegisteredAsync(Merchant, reference, ClusterFixture.NewCommand(amount: 150_000));

        // Registered in the create call, with NICEPAY's identifiers and validity.
        var issued = fixture.Nicepay.Transaction(Merchant.IMid, reference);
        Assert.Equal(issued.PaymentCode, created.PaymentCode);
        Assert.Equal(issued.TransactionId, created.TransactionId);
        Assert.Equal(issued.ValidUntil, created.ExpiresAt);
        Assert.Equal(2, created.Version);
        var registration = Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
        Assert.Equal((Merchant.IMid, 150_000L), (registration.IMid, registration.Amount));
        Assert.Equal(new Uri("http://orchestrator.test/callbacks/nicepay/m1"), registration.NotificationUrl);

        // The customer pays at the store and NICEPAY notifies.
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        var notified = await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));
        Assert.Equal(NotificationOutcome.Accepted, notified.Outcome);
        Assert.Equal(3, notified.Version);

        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        Assert.Equal(["Create", "Register", "RecordNotification", "ConfirmPayment", "Fulfil"], details.Journal.Select(e => e.Trigger));
        Assert.Equal(
            [CheckoutCause.MerchantCall, CheckoutCause.MerchantCall, CheckoutCause.Notification, CheckoutCause.StatusCheck, CheckoutCause.WebhookDelivery],
            details.Journal.Select(e => e.Cause));
        Assert.Equal(
            [CheckoutStatus.Created, CheckoutStatus.Registered, CheckoutStatus.Notified, CheckoutStatus.Confirmed, CheckoutStatus.Fulfilled],
            details.Journal.Select(e => e.To));
        AssertJournalIsContiguous(details);
        Assert.Equal(5, details.Checkout.Version);
        Assert.Equal(paid.DepositedAt, details.Checkout.PaidAt);
        Assert.Equal(paid.ReceiptCode, details.Nicepay.ReceiptCode);

        // Only an inquiry by tXid confirmed it.
        var inquiry = Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
        Assert.Equal(issued.TransactionId, inquiry.TransactionId);

        // checkout.confirmed, carrying the confirmed version, delivered once and signed per Standard Webhooks.
        var delivery = Assert.Single(details.WebhookDeliveries);
        Assert.Equal((CheckoutEventTypes.Confirmed, 4, "delivered"), (delivery.Type, delivery.Version, delivery.State));
        Assert.Equal(200, Assert.Single(delivery.Attempts).HttpStatus);
        var received = Assert.Single(fixture.Webhooks.ReceivedFor(Merchant.Id, reference));
        Assert.Equal(Merchant.WebhookUrl, received.Url);
        Assert.Equal(delivery.EventId, received.WebhookId);
        Assert.Equal(delivery.EventId, received.EventId);
        Assert.Equal("application/json", received.ContentType);
        Assert.Null(received.SignatureProblem(Merchant.WebhookSecret, DateTimeOffset.UtcNow));
        using (var body = JsonDocument.Parse(received.Body))
        {
            var data = body.RootElement.GetProperty("data");
            Assert.Equal(CheckoutEventTypes.Confirmed, body.RootElement.GetProperty("type").GetString());
            Assert.Equal("confirmed", data.GetProperty("status").GetString());
            Assert.Equal(4, data.GetProperty("version").GetInt32());
            Assert.Equal(issued.PaymentCode, data.GetProperty("paymentCode").GetString());
        }

        // Nothing is pending any more: no scheduled work and no reminder left in the table.
        Assert.Empty(details.Reminders);
        Assert.Empty(fixture.Reminders.NamesFor(checkout.GetGrainId()));
    }

    [Fact]
    public async Task WebhookSignature_CheckedIndependently_FailsForAnotherSecretOrATamperedBody()
    {
        var reference = ClusterFixture.NewReference("sig");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.CheckStatusAsync(CheckoutCause.Operator);
        await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        var received = Assert.Single(fixture.Webhooks.ReceivedFor(Merchant.Id, reference));
        var now = DateTimeOffset.UtcNow;
        Assert.Null(received.SignatureProblem(Merchant.WebhookSecret, now));
        Assert.NotNull(received.SignatureProblem(ClusterFixture.MerchantTwo.WebhookSecret, now));
        Assert.NotNull((received with { Body = received.Body.Replace("150000", "1500000", StringComparison.Ordinal) }).SignatureProblem(Merchant.WebhookSecret, now));
        Assert.NotNull((received with { WebhookId = "evt_other" }).SignatureProblem(Merchant.WebhookSecret, now));
    }

    [Fact]
    public async Task Fulfil_WhenConfirmed_IsAppliedOnceAndThenAlreadyApplied()
    {
        var reference = ClusterFixture.NewReference("fulfil");
        // The merchant's endpoint holds checkout.confirmed unanswered, so only the merchant's call can fulfil.
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Webhooks.Script(reference, WebhookAnswer.After(answer.Task));
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        try
        {
            var early = await checkout.FulfilAsync();
            Assert.Equal(CommandOutcome.NotPermitted, early.Outcome);
            Assert.Equal(2, early.Checkout!.Version);

            fixture.Nicepay.Pay(Merchant.IMid, reference);
            var check = await checkout.CheckStatusAsync(CheckoutCause.Operator);
            Assert.Equal((CommandOutcome.Applied, CheckoutStatus.Confirmed), (check.Outcome, check.Checkout!.Status));

            var fulfilled = await checkout.FulfilAsync();
            var again = await checkout.FulfilAsync();

            Assert.Equal((CommandOutcome.Applied, CheckoutStatus.Fulfilled, 4), (fulfilled.Outcome, fulfilled.Checkout!.Status, fulfilled.Checkout.Version));
            Assert.Equal((CommandOutcome.AlreadyApplied, 4), (again.Outcome, again.Checkout!.Version));
            var details = await ClusterFixture.DetailsAsync(checkout);
            Assert.Equal(CheckoutCause.MerchantCall, details.Journal[^1].Cause);
            Assert.Equal(CheckoutCause.Operator, details.Journal[^2].Cause);
        }
        finally
        {
            answer.TrySetResult();
        }

        // The late 2xx is recorded; it changes nothing else.
        var settled = await fixture.WaitForAsync(checkout, d => d.WebhookDeliveries.All(w => w.State == "delivered"), "the held webhook answered");
        Assert.Equal((CheckoutStatus.Fulfilled, 4), (settled.Checkout.Status, settled.Checkout.Version));
    }

    internal static void AssertJournalIsContiguous(CheckoutDetails details)
    {
        Assert.Equal(Enumerable.Range(1, details.Journal.Count), details.Journal.Select(e => e.Version));
        for (var i = 1; i < details.Journal.Count; i++)
        {
            Assert.Equal(details.Journal[i - 1].To, details.Journal[i].From);
            Assert.True(details.Journal[i - 1].At <= details.Journal[i].At, $"journal v{i + 1} is older than v{i}");
        }

        Assert.Equal(details.Journal[^1].Version, details.Checkout.Version);
        Assert.Equal(details.Journal[^1].To, details.Checkout.Status);
    }
}
