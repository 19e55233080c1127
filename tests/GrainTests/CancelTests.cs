using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

[Collection(CheckoutClusterDefinition.Name)]
public sealed class CancelTests(CheckoutClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;

    [Fact]
    public async Task Cancel_WhileRegistered_CancelsAtNicepayFirstThenTheCheckoutAndTellsTheMerchant()
    {
        var reference = ClusterFixture.NewReference("cancel");
        var (checkout, created) = await fixture.CreateRegisteredAsync(Merchant, reference);

        var result = await checkout.CancelAsync(CheckoutCause.MerchantCall);

        Assert.Equal((CommandOutcome.Applied, CheckoutStatus.Cancelled, 3), (result.Outcome, result.Checkout!.Status, result.Checkout.Version));
        var call = Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Cancel));
        Assert.Equal((created.TransactionId, 150_000L), (call.TransactionId, call.Amount));
        Assert.True(fixture.Nicepay.Transaction(Merchant.IMid, reference).Cancelled);

        var details = await fixture.WaitForAsync(checkout,
            d => d.WebhookDeliveries.Any(w => w.Type == CheckoutEventTypes.Cancelled && w.State == "delivered"), "checkout.cancelled delivered");
        Assert.Equal(("Cancel", CheckoutCause.MerchantCall), (details.Journal[^1].Trigger, details.Journal[^1].Cause));
        Assert.Empty(details.Reminders);
        Assert.Empty(fixture.Reminders.NamesFor(checkout.GetGrainId()));

        var again = await checkout.CancelAsync(CheckoutCause.MerchantCall);
        Assert.Equal((CommandOutcome.AlreadyApplied, 3), (again.Outcome, again.Checkout!.Version));
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Cancel));
    }

    [Fact]
    public async Task Cancel_AfterTheCustomerPaidButBeforeAnyNotification_IsRefusedAndTheCheckoutEndsConfirmed()
    {
        var reference = ClusterFixture.NewReference("cancelpaid");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        fixture.Nicepay.Pay(Merchant.IMid, reference);

        var result = await checkout.CancelAsync(CheckoutCause.MerchantCall);

        // NICEPAY refused (9326, paid); the grain asked for the status and applied it.
        Assert.Equal(CommandOutcome.NotPermitted, result.Outcome);
        Assert.Equal(CheckoutStatus.Confirmed, result.Checkout!.Status);
        Assert.Contains("9326", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("cancel", result.PermittedActions);
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
        Assert.Equal(["Create", "Register", "ConfirmPayment", "Fulfil"], details.Journal.Select(e => e.Trigger));
        Assert.Equal(CheckoutCause.StatusCheck, details.Journal[2].Cause);
        Assert.DoesNotContain(details.WebhookDeliveries, w => w.Type == CheckoutEventTypes.Cancelled);
        Assert.False(fixture.Nicepay.Transaction(Merchant.IMid, reference).Cancelled);

        // Once paid, the state machine refuses without asking NICEPAY again.
        var again = await checkout.CancelAsync(CheckoutCause.Operator);
        Assert.Equal((CommandOutcome.NotPermitted, CheckoutStatus.Fulfilled), (again.Outcome, again.Checkout!.Status));
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Cancel));
    }

    [Fact]
    public async Task Cancel_OnceAPaymentIsNotified_IsRefusedWithoutCallingNicepay()
    {
        var reference = ClusterFixture.NewReference("cancelnotified");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        fixture.Nicepay.SetOutage(NicepayOperation.Inquire, reference, NicepayFault.Timeout);
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));

        var result = await checkout.CancelAsync(CheckoutCause.MerchantCall);

        Assert.Equal((CommandOutcome.NotPermitted, CheckoutStatus.Notified), (result.Outcome, result.Checkout!.Status));
        Assert.Empty(fixture.Nicepay.CallsFor(reference, NicepayOperation.Cancel));
        fixture.Nicepay.SetOutage(NicepayOperation.Inquire, reference, null);
        await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
    }

    public static TheoryData<string> Outages => new() { "not-sent", "timeout", "busy" };

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task Cancel_WhenNicepayDoesNotAnswer_ReportsGatewayUnavailableAndChangesNothing(string outage)
    {
        var reference = ClusterFixture.NewReference("cancelout");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var before = await ClusterFixture.DetailsAsync(checkout);
        fixture.Nicepay.Script(NicepayOperation.Cancel, reference, outage switch
        {
            "not-sent" => NicepayFault.NotSent,
            "timeout" => NicepayFault.Timeout,
            _ => NicepayFault.Rejected("9002"),
        });

        var result = await checkout.CancelAsync(CheckoutCause.MerchantCall);

        Assert.Equal((CommandOutcome.GatewayUnavailable, CheckoutStatus.Registered, 2), (result.Outcome, result.Checkout!.Status, result.Checkout.Version));
        var after = await ClusterFixture.DetailsAsync(checkout);
        Assert.Equal(before.Journal, after.Journal);
        Assert.Empty(after.WebhookDeliveries);
        Assert.Contains("cancel", after.PermittedActions);

        // The merchant retries once NICEPAY is back.
        var retried = await checkout.CancelAsync(CheckoutCause.MerchantCall);
        Assert.Equal((CommandOutcome.Applied, CheckoutStatus.Cancelled), (retried.Outcome, retried.Checkout!.Status));
    }

    [Fact]
    public async Task Cancel_WhenNicepayCancelledButTheAnswerWasLost_AsksNicepayAndEndsCancelled()
    {
        var reference = ClusterFixture.NewReference("cancellost");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        fixture.Nicepay.Script(NicepayOperation.Cancel, reference, NicepayFault.TimeoutAfterApplying);

        var lost = await checkout.CancelAsync(CheckoutCause.MerchantCall);
        var retried = await checkout.CancelAsync(CheckoutCause.MerchantCall);

        Assert.Equal((CommandOutcome.Applied, CheckoutStatus.Cancelled, 3), (lost.Outcome, lost.Checkout!.Status, lost.Checkout.Version));
        Assert.Equal((CommandOutcome.AlreadyApplied, 3), (retried.Outcome, retried.Checkout!.Version));
        var details = await ClusterFixture.DetailsAsync(checkout);
        Assert.Contains("NICEPAY reports the payment code cancelled", details.Journal[^1].Details, StringComparison.Ordinal);
    }
}
