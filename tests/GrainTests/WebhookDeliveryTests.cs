using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

[Collection(WebhookClusterDefinition.Name)]
public sealed class WebhookDeliveryTests(CheckoutClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;

    [Fact]
    public async Task Webhook_AnsweredWith500ThenWith200_IsRetriedWithTheSameEventAndFulfilsOnlyAfterThe2xx()
    {
        var reference = ClusterFixture.NewReference("retry");
        var secondAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Webhooks.Script(reference, WebhookAnswer.WithStatus(500), WebhookAnswer.After(secondAnswer.Task, 200));
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.CheckStatusAsync(CheckoutCause.Operator);

        try
        {
            // The retry is on the wire, its answer held: the 500 alone must not have fulfilled anything.
            await Eventually.UntilAsync(() => fixture.Webhooks.ReceivedFor(Merchant.Id, reference).Count == 2,
                () => $"second attempt; received {fixture.Webhooks.ReceivedFor(Merchant.Id, reference).Count}");
            var between = await ClusterFixture.DetailsAsync(checkout);
            Assert.Equal(CheckoutStatus.Confirmed, between.Checkout.Status);
            var pending = Assert.Single(between.WebhookDeliveries);
            Assert.Equal(("pending", 500), (pending.State, Assert.Single(pending.Attempts).HttpStatus));
        }
        finally
        {
            secondAnswer.TrySetResult();
        }

        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
        var delivery = Assert.Single(details.WebhookDeliveries);
        Assert.Equal((CheckoutEventTypes.Confirmed, "delivered"), (delivery.Type, delivery.State));
        Assert.Equal([500, 200], delivery.Attempts.Select(a => a.HttpStatus));
        Assert.True(delivery.Attempts[1].At - delivery.Attempts[0].At >= TimeSpan.FromMilliseconds(450), "the retry waits for the schedule (0.5 s)");

        var received = fixture.Webhooks.ReceivedFor(Merchant.Id, reference);
        Assert.Equal(2, received.Count);
        Assert.All(received, r =>
        {
            Assert.Equal(delivery.EventId, r.WebhookId);
            Assert.Equal(received[0].Body, r.Body);
            Assert.Null(r.SignatureProblem(Merchant.WebhookSecret, DateTimeOffset.UtcNow));
        });

        var fulfil = details.Journal[^1];
        Assert.Equal(("Fulfil", CheckoutCause.WebhookDelivery), (fulfil.Trigger, fulfil.Cause));
        Assert.True(fulfil.At >= delivery.Attempts[1].At);
        Assert.Contains(delivery.EventId, fulfil.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_WhenTheEndpointNeverAnswers_TheAttemptTimesOutAndIsRetried()
    {
        var reference = ClusterFixture.NewReference("hang");
        fixture.Webhooks.Script(reference, WebhookAnswer.Never);
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.CheckStatusAsync(CheckoutCause.Operator);

        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        var attempts = Assert.Single(details.WebhookDeliveries).Attempts;
        Assert.Equal(2, attempts.Count);
        Assert.Equal(("timeout", (int?)null), (attempts[0].Error, attempts[0].HttpStatus));
        Assert.Equal(200, attempts[1].HttpStatus);
    }

    [Fact]
    public async Task Webhook_WhenEveryAttemptFails_IsAbandonedAfterTheScheduleAndFlaggedWhileTheCheckoutStaysConfirmed()
    {
        var reference = ClusterFixture.NewReference("abandon");
        fixture.Webhooks.Script(reference, Enumerable.Repeat(WebhookAnswer.WithStatus(500), 4).ToArray());
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.CheckStatusAsync(CheckoutCause.Operator);

        var details = await fixture.WaitForAsync(checkout, d => d.WebhookDeliveries.Any(w => w.State == "abandoned"), "the event abandoned");

        // One first attempt plus one per retry in the schedule (0.5 s, 1 s, 1 s).
        Assert.Equal([500, 500, 500, 500], Assert.Single(details.WebhookDeliveries).Attempts.Select(a => a.HttpStatus));
        Assert.Equal(CheckoutStatus.Confirmed, details.Checkout.Status);
        Assert.Equal("webhook_abandoned", Assert.Single(details.Anomalies).Kind);
        Assert.True(details.Checkout.RequiresAttention);
        Assert.Empty(details.Reminders);

        // The merchant can still take the final status by calling fulfil.
        var fulfilled = await checkout.FulfilAsync();
        Assert.Equal((CommandOutcome.Applied, CheckoutStatus.Fulfilled), (fulfilled.Outcome, fulfilled.Checkout!.Status));
    }

    [Fact]
    public async Task Webhooks_OfOneCheckout_AreDeliveredInOrderEvenWhenAnEarlierOneIsRetried()
    {
        var reference = ClusterFixture.NewReference("order");
        // Registration recovered (checkout.registered), whose delivery fails twice while the payment is confirmed.
        fixture.Nicepay.Script(NicepayOperation.Register, reference, NicepayFault.Timeout);
        fixture.Webhooks.Script(reference, WebhookAnswer.WithStatus(503), WebhookAnswer.WithStatus(503));
        var checkout = fixture.Checkout(Merchant, reference);
        await checkout.CreateAsync(ClusterFixture.NewCommand());
        await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Registered);
        fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.CheckStatusAsync(CheckoutCause.Operator);

        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        Assert.Equal(
            [CheckoutEventTypes.Registered, CheckoutEventTypes.Registered, CheckoutEventTypes.Registered, CheckoutEventTypes.Confirmed],
            fixture.Webhooks.ReceivedFor(Merchant.Id, reference).Select(r => r.Type));
        Assert.Equal([503, 503, 200], details.WebhookDeliveries[0].Attempts.Select(a => a.HttpStatus));
        Assert.True(details.WebhookDeliveries[0].DeliveredAt <= details.WebhookDeliveries[1].Attempts[0].At);
    }
}
