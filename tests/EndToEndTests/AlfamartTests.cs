using System.Net;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>
/// The Alfa group holds a payment "ready to commit" (status 5) for a while before it is final; the host's window is 3 s.
/// Only the committed payment confirms.
/// </summary>
[Collection(PaymentFlows.Name)]
public sealed class AlfamartTests(PaymentFlowsHost host)
{
    private static readonly Merchant Shop = EndToEndHost.ShopB;

    // The sandbox commits on a timer due at commitsAt and stamps the commit with that due time; timers fire up to a
    // clock tick early against the wall clock (about 1 ms was seen), so "after the commit" allows that much.
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task PayAtAlfamart_ThroughTheReadyToCommitWindow_ConfirmsOnlyOnceCommitted()
    {
        var reference = EndToEndHost.NewReference("alma");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference, amount: 3_250_000, store: "alfamart"));
        Assert.Contains("Alfamart", checkout.Instructions!.StoreName, StringComparison.Ordinal);
        var wrongStore = await host.PayAsync("indomaret", checkout.PaymentCode!, checkout.Amount);
        Assert.Equal("wrong-store", Problems.Expect(wrongStore, HttpStatusCode.UnprocessableEntity, "an ALMA code at Indomaret")["reason"]?.GetValue<string>());

        var receipt = await host.PayOrFailAsync("alfamart", checkout);

        Assert.Equal(("5", "ALMA"), (receipt.Status, receipt.MitraCd));
        var commitsAt = Assert.NotNull(receipt.CommitsAt);

        // Asked inside the window, NICEPAY says "ready to commit": not paid yet, so not confirmed.
        var checkedNow = await host.StatusCheckAsync(Shop, reference);
        var answeredAt = DateTimeOffset.UtcNow;
        Assert.True(checkedNow.StatusCode == HttpStatusCode.OK, $"operator status check: {checkedNow}");
        if (answeredAt < commitsAt)
        {
            Assert.Equal("registered", checkedNow.As<CheckoutJson>().Status);
            Assert.Equal("5", (await host.OperatorViewAsync(Shop, reference)).Nicepay.LastStatus);
        }

        var confirmed = await host.WaitForWebhookAsync(Shop, reference, "checkout.confirmed");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, confirmed, DateTimeOffset.UtcNow));
        var fulfilled = await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        var paidAt = Assert.NotNull(fulfilled.PaidAt);
        Assert.True(paidAt >= commitsAt.AddSeconds(-1), $"paid at {paidAt:O}, before the commit at {commitsAt:O}");
        var transaction = await host.SandboxTransactionAsync(Shop, reference);
        Assert.Equal(("paid", "ALMA"), (transaction.StatusName, transaction.MitraCd));
        var notifiedAt = Assert.Single(transaction.Notifications).Attempts[0].At;
        Assert.True(notifiedAt >= commitsAt - TimerSlack, $"the deposit notification ({notifiedAt:O}) must follow the commit ({commitsAt:O})");
        var confirmation = Assert.Single((await host.OperatorViewAsync(Shop, reference)).Journal, entry => entry.To == "confirmed" && entry.From != "confirmed");
        Assert.True(confirmation.At >= commitsAt - TimerSlack, $"confirmed at {confirmation.At:O}, inside the ready-to-commit window ending {commitsAt:O}");
    }
}
