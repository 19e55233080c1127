using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.Grains.Checkouts;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

// Work the grain does on its own schedule (reminder pulse + timers) while a payment is awaited or a registration is
// unresolved: periodic status checks, and giving up on a registration that never resolves.
[Collection(SchedulingClusterDefinition.Name)]
[Trait("Category", "Slow")]
public sealed class ScheduledWorkTests(SchedulingClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;

    [Fact]
    public async Task StatusCheck_WhenTheCustomerPaidButNoNotificationCame_ConfirmsTheLostPayment()
    {
        var reference = ClusterFixture.NewReference("lostnote");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        fixture.Nicepay.Pay(Merchant.IMid, reference);

        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        Assert.Equal(["Create", "Register", "ConfirmPayment", "Fulfil"], details.Journal.Select(e => e.Trigger));
        var confirmation = details.Journal[2];
        Assert.Equal((CheckoutStatus.Registered, CheckoutCause.StatusCheck), (confirmation.From, confirmation.Cause));
        Assert.True(confirmation.At - details.Journal[1].At >= SchedulingClusterFixture.StatusCheckInterval - TimeSpan.FromMilliseconds(20),
            "confirmed by the scheduled check, not sooner");
        Assert.Equal(CheckoutEventTypes.Confirmed, Assert.Single(details.WebhookDeliveries).Type);
        Assert.Empty(fixture.Reminders.NamesFor(checkout.GetGrainId()));
    }

    [Fact]
    public async Task StatusCheck_WhenNothingChanged_RunsAgainWithoutWritingANewVersion()
    {
        var reference = ClusterFixture.NewReference("quiet");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var writes = fixture.Storage.WritesFor(checkout.GetGrainId());

        await Eventually.UntilAsync(() => fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire).Count >= 2,
            () => $"two scheduled inquiries; saw {fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire).Count}");

        var details = await ClusterFixture.DetailsAsync(checkout);
        Assert.Equal((CheckoutStatus.Registered, 2), (details.Checkout.Status, details.Checkout.Version));
        Assert.Equal(writes, fixture.Storage.WritesFor(checkout.GetGrainId()));
        Assert.Contains(details.Reminders, r => r.Name == "status-check");
        Assert.Equal([CheckoutGrain.PulseReminderName], fixture.Reminders.NamesFor(checkout.GetGrainId()));
    }

    [Fact]
    public async Task Registration_WhoseOutcomeNeverResolves_FailsAfterTheGiveUpTimeWithAnAnomalyAndIsNeverCancellable()
    {
        var reference = ClusterFixture.NewReference("unresolved");
        fixture.Nicepay.Script(NicepayOperation.Register, reference, NicepayFault.Timeout);
        fixture.Nicepay.SetOutage(NicepayOperation.Inquire, reference, NicepayFault.Timeout);
        var checkout = fixture.Checkout(Merchant, reference);
        var created = await checkout.CreateAsync(ClusterFixture.NewCommand());
        Assert.Equal(CheckoutStatus.Created, created.Checkout.Status);

        // A code may exist at NICEPAY that we cannot cancel without its tXid: cancel is refused meanwhile.
        var cancel = await checkout.CancelAsync(CheckoutCause.MerchantCall);
        Assert.Equal((CommandOutcome.NotPermitted, CheckoutStatus.Created), (cancel.Outcome, cancel.Checkout!.Status));
        Assert.DoesNotContain("cancel", cancel.PermittedActions);

        var details = await fixture.WaitForAsync(checkout,
            d => d.Checkout.Status == CheckoutStatus.Failed && d.WebhookDeliveries.All(w => w.State == "delivered"),
            "failed with checkout.failed delivered", TimeSpan.FromSeconds(20));

        Assert.Equal("registration_unresolved", details.Checkout.FailureReason);
        Assert.Equal("registration_unresolved", Assert.Single(details.Anomalies).Kind);
        Assert.True(details.Checkout.RequiresAttention);
        Assert.True(details.Journal[^1].At - details.Checkout.CreatedAt >= SchedulingClusterFixture.RegistrationGiveUpAfter);
        Assert.Equal(("FailRegistration", CheckoutCause.RegistrationRecovery), (details.Journal[^1].Trigger, details.Journal[^1].Cause));
        Assert.True(details.Journal.Count(e => e.Trigger == "DeferRegistration" && e.Cause == CheckoutCause.RegistrationRecovery) >= 2,
            "the look-up was retried");
        // Never sent again blindly: every retry was a look-up by reference.
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
        Assert.All(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire), call => Assert.True(string.IsNullOrEmpty(call.TransactionId)));
        Assert.Equal(CheckoutEventTypes.Failed, Assert.Single(details.WebhookDeliveries).Type);
        Assert.Empty(details.Reminders);
        Assert.Empty(fixture.Reminders.NamesFor(checkout.GetGrainId()));
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
    }
}
