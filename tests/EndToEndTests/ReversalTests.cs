using System.Net;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;

namespace Orchestrator.EndToEndTests;

/// <summary>A payment the store takes back after it was confirmed is flagged, verified with NICEPAY, and told to the merchant.</summary>
[Collection(PaymentFlows.Name)]
public sealed class ReversalTests(PaymentFlowsHost host)
{
    private static readonly Merchant Shop = EndToEndHost.ShopA;

    [Fact]
    public async Task Reversal_OfAFulfilledPayment_RaisesAttentionThenReversesAndTellsTheMerchant()
    {
        var reference = EndToEndHost.NewReference("reversal");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        await host.PayOrFailAsync("indomaret", checkout);
        var fulfilled = await host.WaitForStatusAsync(Shop, reference, "fulfilled");

        var reversal = await host.ReverseAsync(checkout.TransactionId!);
        Assert.True(reversal.StatusCode == HttpStatusCode.OK, $"the sandbox did not reverse: {reversal}");

        var deliveries = await host.WaitForWebhooksAsync(Shop, reference,
            received => received.Any(w => w.Type == "checkout.reversed"), "checkout.reversed");
        var types = deliveries.Select(w => w.Type).Distinct().ToList();
        Assert.Equal(["checkout.confirmed", "checkout.attention_required", "checkout.reversed"], types);
        Assert.All(deliveries, w => Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, w, DateTimeOffset.UtcNow)));
        var attention = deliveries.First(w => w.Type == "checkout.attention_required");
        Assert.Equal("reversal_notified", attention.Json!["anomaly"]?["kind"]?.GetValue<string>());
        var reversedEvent = deliveries.First(w => w.Type == "checkout.reversed");
        Assert.Equal("reversed", reversedEvent.DataStatus);
        Assert.True(attention.DataVersion < reversedEvent.DataVersion && fulfilled.Version < attention.DataVersion,
            $"versions must increase: fulfilled {fulfilled.Version}, attention {attention.DataVersion}, reversed {reversedEvent.DataVersion}");

        var reversed = await host.WaitForStatusAsync(Shop, reference, "reversed");
        Assert.True(reversed.RequiresAttention);
        var view = await host.OperatorViewAsync(Shop, reference);
        Assert.Contains(view.Anomalies, anomaly => anomaly.Kind == "reversal_notified");
        var last = view.Journal[^1];
        Assert.Equal(("fulfilled", "reversed"), (last.From, last.To));
        Assert.Equal("reversed", (await host.SandboxTransactionAsync(Shop, reference)).StatusName);
    }
}
