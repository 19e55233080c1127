using System.Net;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>Cancelling: NICEPAY first, then the checkout; never once the customer has paid.</summary>
[Collection(PaymentFlows.Name)]
public sealed class CancelTests(PaymentFlowsHost host)
{
    private static readonly Merchant Shop = EndToEndHost.ShopA;

    [Fact]
    public async Task Cancel_WhileRegistered_CancelsAtNicepayAndTheStoreRefusesTheCode()
    {
        var reference = EndToEndHost.NewReference("cancel");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));

        var response = await host.CancelAsync(Shop, reference);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {response}");
        var cancelled = response.As<CheckoutJson>();
        Assert.Equal("cancelled", cancelled.Status);
        Assert.Equal(checkout.Version + 1, cancelled.Version);
        Assert.Null(cancelled.Instructions);

        var transaction = await host.SandboxTransactionAsync(Shop, reference);
        Assert.Equal("cancelled", transaction.StatusName);
        Assert.NotNull(transaction.CancelledAt);
        var refused = await host.PayAsync("indomaret", checkout.PaymentCode!, checkout.Amount);
        var problem = Problems.Expect(refused, HttpStatusCode.Conflict, "paying a cancelled code");
        Assert.Equal("cancelled", problem["reason"]?.GetValue<string>());

        var cancelledEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.cancelled");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, cancelledEvent, DateTimeOffset.UtcNow));
        Assert.Equal((cancelled.Version, "cancelled"), (cancelledEvent.DataVersion, cancelledEvent.DataStatus));

        // Cancelling again answers the cancelled checkout and changes nothing.
        var again = await host.CancelAsync(Shop, reference);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(cancelled.Version, again.As<CheckoutJson>().Version);
        var view = await EndToEndHost.EventuallyAsync(
            () => host.OperatorViewAsync(Shop, reference),
            v => v.Reminders.Count == 0,
            async _ => $"reminders remain on the cancelled checkout {reference}:{Environment.NewLine}{await host.DescribeAsync(Shop, reference)}",
            EndToEndHost.DefaultWait);
        var last = view.Journal[^1];
        Assert.Equal(("registered", "cancelled", "merchant_call"), (last.From, last.To, last.Cause));
    }

    [Fact]
    public async Task OperatorCancel_WhileRegistered_CancelsOnTheMerchantsBehalf()
    {
        var reference = EndToEndHost.NewReference("ops-cancel");
        await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));

        var response = await host.SendAsync(HttpMethod.Post, $"ops/checkouts/{Shop.Id}/{reference}/cancel", EndToEndHost.OperatorKey);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {response}");
        Assert.Equal("cancelled", response.As<CheckoutJson>().Status);
        Assert.Equal("cancelled", (await host.SandboxTransactionAsync(Shop, reference)).StatusName);
        Assert.Equal("cancelled", (await host.GetCheckoutAsync(Shop, reference)).Status);
        await host.WaitForWebhookAsync(Shop, reference, "checkout.cancelled");
        var last = (await host.OperatorViewAsync(Shop, reference)).Journal[^1];
        Assert.Equal(("cancelled", "operator"), (last.To, last.Cause));
    }

    [Fact]
    public async Task Cancel_WhenNicepaysAnswerIsLost_EndsCancelledAndNeverExpired()
    {
        var reference = EndToEndHost.NewReference("cancel-lost");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        // NICEPAY cancels the code but its answer never arrives (held 5 s; the client gives up after 2 s, asks again and
        // hears 9314 "already cancelled", which only says an earlier attempt may have done it).
        await host.AddFaultAsync(new { operation = "cancel", kind = "timeout-after-commit", delayMs = 5_000, count = 1, match = new { referenceNo = reference } });

        var first = await host.CancelAsync(Shop, reference);

        // Resolved within the call, or the merchant is told to retry (503 + Retry-After) and the retry resolves it.
        var answer = first.StatusCode == HttpStatusCode.ServiceUnavailable ? await host.CancelAsync(Shop, reference) : first;
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"expected 200 (first answer: {first}), got {answer}{Environment.NewLine}{await host.DescribeAsync(Shop, reference)}");
        Assert.Equal("cancelled", answer.As<CheckoutJson>().Status);
        Assert.Equal("cancelled", (await host.SandboxTransactionAsync(Shop, reference)).StatusName);
        var refused = await host.PayAsync("indomaret", checkout.PaymentCode!, checkout.Amount);
        Assert.Equal("cancelled", Problems.Expect(refused, HttpStatusCode.Conflict, "paying a cancelled code")["reason"]?.GetValue<string>());
        var cancelledEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.cancelled");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, cancelledEvent, DateTimeOffset.UtcNow));
        Assert.DoesNotContain(host.Webhooks.For(reference), w => w.Type == "checkout.expired");
        Assert.DoesNotContain((await host.OperatorViewAsync(Shop, reference)).Journal, entry => entry.To == "expired");
    }

    [Fact]
    public async Task Cancel_AfterPaymentWasConfirmed_Returns409WithTheCurrentStatus()
    {
        var reference = EndToEndHost.NewReference("cancel-paid");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        await host.PayOrFailAsync("indomaret", checkout);
        var fulfilled = await host.WaitForStatusAsync(Shop, reference, "fulfilled");

        var response = await host.CancelAsync(Shop, reference);

        var problem = Problems.Expect(response, HttpStatusCode.Conflict, "cancel after payment");
        Assert.Equal("transition-not-permitted", Problems.TypeName(problem));
        Assert.Equal("fulfilled", problem["checkoutStatus"]?.GetValue<string>());
        Assert.DoesNotContain("cancel", Problems.Strings(problem, "permittedActions"));
        Assert.Equal(fulfilled.Version, (await host.GetCheckoutAsync(Shop, reference)).Version);
        Assert.Equal("paid", (await host.SandboxTransactionAsync(Shop, reference)).StatusName);
        Assert.DoesNotContain(host.Webhooks.For(reference), w => w.Type == "checkout.cancelled");
    }
}
