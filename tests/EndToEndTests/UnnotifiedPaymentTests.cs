using System.Net;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>
/// The merchant cancels a checkout the customer has just paid, before any notification arrived. It runs on the
/// <see cref="ValidityHost"/>, where no scheduled status check can learn of the payment first: only NICEPAY's refusal
/// of the cancel can.
/// </summary>
[Collection(ValidityFlows.Name)]
public sealed class UnnotifiedPaymentTests(ValidityHost host)
{
    private static readonly Merchant Shop = EndToEndHost.ShopB;

    [Fact]
    public async Task Cancel_AfterAPaymentWhoseNotificationWasLost_Returns409ConfirmedAndNothingIsCancelled()
    {
        var reference = EndToEndHost.NewReference("cancel-race");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        await host.AddFaultAsync(new { operation = "notification", kind = "lost", match = new { referenceNo = reference } });
        await host.PayOrFailAsync("indomaret", checkout);
        Assert.Equal("registered", (await host.GetCheckoutAsync(Shop, reference)).Status);

        var response = await host.CancelAsync(Shop, reference);

        var problem = Problems.Expect(response, HttpStatusCode.Conflict, "cancel of a paid checkout");
        Assert.Equal("transition-not-permitted", Problems.TypeName(problem));
        Assert.Equal("confirmed", problem["checkoutStatus"]?.GetValue<string>());
        Assert.Equal("paid", (await host.SandboxTransactionAsync(Shop, reference)).StatusName);
        var confirmedEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.confirmed");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, confirmedEvent, DateTimeOffset.UtcNow));
        await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        Assert.DoesNotContain(host.Webhooks.For(reference), w => w.Type == "checkout.cancelled");
    }
}
