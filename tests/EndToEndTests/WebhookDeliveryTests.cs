using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>Merchant webhooks are delivered at least once, retried on the configured schedule, every attempt recorded.</summary>
[Collection(PaymentFlows.Name)]
public sealed class WebhookDeliveryTests(PaymentFlowsHost host)
{
    private static readonly Merchant Shop = EndToEndHost.ShopB;

    [Fact]
    public async Task ConfirmedWebhook_AnsweredWith500ThenOk_IsRetriedWithTheSameIdThenFulfils()
    {
        var reference = EndToEndHost.NewReference("retry");
        host.Webhooks.Script(reference, 500);
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));

        await host.PayOrFailAsync("indomaret", checkout);

        var deliveries = await host.WaitForWebhooksAsync(Shop, reference,
            received => received.Count(w => w.Type == "checkout.confirmed") >= 2, "two deliveries of checkout.confirmed");
        var confirmed = deliveries.Where(w => w.Type == "checkout.confirmed").Take(2).ToList();
        Assert.Equal([500, 200], confirmed.Select(w => w.AnsweredStatus));
        Assert.Single(confirmed.Select(w => w.WebhookId).Distinct());
        Assert.Single(confirmed.Select(w => w.Body).Distinct());
        Assert.All(confirmed, w => Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, w, DateTimeOffset.UtcNow)));

        var fulfilled = await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        var view = await host.OperatorViewAsync(Shop, reference);
        var delivery = Assert.Single(view.WebhookDeliveries, d => d.Type == "checkout.confirmed");
        Assert.Equal((confirmed[0].WebhookId, "delivered"), (delivery.EventId, delivery.State));
        Assert.Equal([500, 200], delivery.Attempts.Select(attempt => attempt.HttpStatus));
        var retryAfter = delivery.Attempts[1].At - delivery.Attempts[0].At;
        Assert.True(retryAfter >= TimeSpan.FromMilliseconds(900), $"the retry came after {retryAfter}, not after the configured 1 s");

        // Fulfilled only by the acknowledged attempt.
        var fulfilment = view.Journal[^1];
        Assert.Equal(("fulfilled", "webhook_delivery", fulfilled.Version), (fulfilment.To, fulfilment.Cause, fulfilment.Version));
        Assert.True(fulfilment.At >= delivery.Attempts[1].At, $"fulfilled at {fulfilment.At:O}, before the 2xx attempt at {delivery.Attempts[1].At:O}");
    }

    [Fact]
    public async Task Fulfil_WhileTheConfirmedWebhookIsUnacknowledged_FulfilsOnceAndIsIdempotent()
    {
        var reference = EndToEndHost.NewReference("fulfil");
        // The endpoint fails twice: retries come 1 s, then 5 s apart, so the checkout stays confirmed for about 6 s.
        host.Webhooks.Script(reference, 500, 500);
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        var early = await host.FulfilAsync(Shop, reference);
        var problem = Problems.Expect(early, System.Net.HttpStatusCode.Conflict, "fulfil before payment");
        Assert.Equal(("transition-not-permitted", "registered"), (Problems.TypeName(problem), problem["checkoutStatus"]?.GetValue<string>()));
        Assert.Contains("cancel", Problems.Strings(problem, "permittedActions"));

        await host.PayOrFailAsync("indomaret", checkout);
        await host.WaitForWebhooksAsync(Shop, reference, received => received.Any(w => w.Type == "checkout.confirmed"), "a first (failed) delivery of checkout.confirmed");
        var confirmed = await host.GetCheckoutAsync(Shop, reference);
        Assert.Equal("confirmed", confirmed.Status);

        var fulfil = await host.FulfilAsync(Shop, reference);
        var again = await host.FulfilAsync(Shop, reference);

        Assert.True(fulfil.StatusCode == System.Net.HttpStatusCode.OK, $"expected 200, got {fulfil}");
        var fulfilled = fulfil.As<CheckoutJson>();
        Assert.Equal(("fulfilled", confirmed.Version + 1), (fulfilled.Status, fulfilled.Version));
        Assert.True(again.StatusCode == System.Net.HttpStatusCode.OK, $"a second fulfil: expected 200, got {again}");
        Assert.Equal(fulfilled.Version, again.As<CheckoutJson>().Version);

        // The event is still delivered; its late acknowledgement changes nothing.
        var view = await EndToEndHost.EventuallyAsync(
            () => host.OperatorViewAsync(Shop, reference),
            v => v.WebhookDeliveries.Any(d => d.Type == "checkout.confirmed" && d.State == "delivered"),
            async _ => $"checkout.confirmed for {reference} was never delivered:{Environment.NewLine}{await host.DescribeAsync(Shop, reference)}",
            EndToEndHost.DefaultWait);
        Assert.Equal([500, 500, 200], view.WebhookDeliveries.Single(d => d.Type == "checkout.confirmed").Attempts.Select(a => a.HttpStatus));
        Assert.Equal(fulfilled.Version, view.Checkout.Version);
        var fulfilment = Assert.Single(view.Journal, entry => entry.To == "fulfilled");
        Assert.Equal(("confirmed", "merchant_call"), (fulfilment.From, fulfilment.Cause));
    }
}
