using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

// Kills and deactivations. State and reminders live in stores shared by the silos (like a database), so a killed
// silo takes only its activations and in-flight calls with it. Held NICEPAY calls are released only at the end of
// each test: the dead silo's activation must not be the one that finishes the work.
[Collection(DurabilityClusterDefinition.Name)]
[Trait("Category", "Slow")]
public sealed class DurabilityTests(DurabilityClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Checkout_WhoseSiloIsKilledAfterRegistrationAndAgainMidInquiry_ContinuesToFulfilledWithNothingLostOrDuplicated()
    {
        var reference = ClusterFixture.NewReference("kill");
        var (checkout, created) = await fixture.CreateRegisteredAsync(Merchant, reference);

        await fixture.KillSiloHostingAsync(checkout);
        var survived = await fixture.WaitForAsync(checkout, _ => true, "the checkout readable after its silo died", FailoverTimeout);
        Assert.Equal((CheckoutStatus.Registered, 2, created.PaymentCode), (survived.Checkout.Status, survived.Checkout.Version, survived.Checkout.PaymentCode));

        var releaseInquiry = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            // The notification is accepted; the inquiry it triggers hangs at NICEPAY when the silo dies.
            fixture.Nicepay.Script(NicepayOperation.Inquire, reference, NicepayFault.HoldUntil(releaseInquiry.Task));
            var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
            var notified = await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));
            Assert.Equal((NotificationOutcome.Accepted, 3), (notified.Outcome, notified.Version));
            await Eventually.UntilAsync(() => fixture.Nicepay.HeldCallsFor(reference) == 1, () => "the inquiry after the notification in flight");
            await fixture.KillSiloHostingAsync(checkout);

            // Nobody calls the grain: its durable reminder, now served by a surviving silo, brings it back to finish.
            await Eventually.UntilAsync(
                () => fixture.Webhooks.ReceivedFor(Merchant.Id, reference).Any(r => r.Type == CheckoutEventTypes.Confirmed),
                () => $"checkout.confirmed sent after the second kill; NICEPAY calls: {fixture.Nicepay.CallsFor(reference).Count}",
                FailoverTimeout);
            var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled, FailoverTimeout);

            Assert.Equal(["Create", "Register", "RecordNotification", "ConfirmPayment", "Fulfil"], details.Journal.Select(e => e.Trigger));
            CheckoutLifecycleTests.AssertJournalIsContiguous(details);
            Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
            Assert.Single(fixture.Nicepay.TransactionsFor(reference));
            var confirmed = Assert.Single(details.WebhookDeliveries);
            Assert.Equal([confirmed.EventId], fixture.Webhooks.ReceivedFor(Merchant.Id, reference).Select(r => r.EventId).Distinct());
            Assert.Empty(fixture.Reminders.NamesFor(checkout.GetGrainId()));
        }
        finally
        {
            releaseInquiry.TrySetResult();
        }
    }

    [Fact]
    public async Task Create_WhoseSiloIsKilledWhileRegistering_IsRecoveredByLookUpWithOnePaymentCode()
    {
        var reference = ClusterFixture.NewReference("killreg");
        var command = ClusterFixture.NewCommand();
        var checkout = fixture.Checkout(Merchant, reference);
        var releaseRegistration = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            fixture.Nicepay.Script(NicepayOperation.Register, reference, NicepayFault.HoldUntil(releaseRegistration.Task));
            var firstCreate = checkout.CreateAsync(command);
            await Eventually.UntilAsync(() => fixture.Nicepay.HeldCallsFor(reference) == 1, () => "the registration in flight");
            await fixture.KillSiloHostingAsync(checkout);
            await Assert.ThrowsAnyAsync<Exception>(() => firstCreate);

            // The merchant retries the same request: the checkout exists ("created" was persisted before NICEPAY was
            // called), and recovery looks the registration up before sending it again.
            var retried = await Eventually.UntilAsync(() => checkout.CreateAsync(command), _ => true,
                (_, error) => $"the retried create answered; last error {error?.GetType().Name}: {error?.Message}", FailoverTimeout);
            Assert.Equal(CreateCheckoutOutcome.Existing, retried.Outcome);
            var details = await fixture.WaitForAsync(checkout,
                d => d.Checkout.Status == CheckoutStatus.Registered && d.WebhookDeliveries.All(w => w.State == "delivered"),
                "registered by recovery", FailoverTimeout);

            Assert.Single(fixture.Nicepay.TransactionsFor(reference));
            Assert.Contains(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire),
                call => string.IsNullOrEmpty(call.TransactionId) && call.Answer.Contains("9528", StringComparison.Ordinal));
            Assert.Equal(["Create", "Register"], details.Journal.Select(e => e.Trigger));
            Assert.Equal(CheckoutCause.RegistrationRecovery, details.Journal[1].Cause);
            Assert.Equal(CheckoutEventTypes.Registered, Assert.Single(details.WebhookDeliveries).Type);
        }
        finally
        {
            releaseRegistration.TrySetResult();
        }

        // The held request, answered only now, changes nothing: still one payment code.
        Assert.Single(fixture.Nicepay.TransactionsFor(reference));
    }

    [Fact]
    public async Task Checkout_DeactivatedBetweenSteps_LosesNothing()
    {
        var reference = ClusterFixture.NewReference("deact");
        var (checkout, created) = await fixture.CreateRegisteredAsync(Merchant, reference);

        await fixture.Cluster.DeactivateAsync(checkout);
        var reactivated = await checkout.GetAsync();
        Assert.Equal((CheckoutStatus.Registered, 2, created.TransactionId), (reactivated!.Status, reactivated.Version, reactivated.TransactionId));

        var releaseWebhook = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Webhooks.Script(reference, WebhookAnswer.After(releaseWebhook.Task));
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));
        await Eventually.UntilAsync(() => fixture.Webhooks.ReceivedFor(Merchant.Id, reference).Count == 1, () => "checkout.confirmed on the wire");

        // Deactivated while the webhook attempt is in flight; its answer arrives afterwards.
        await fixture.Cluster.DeactivateAsync(checkout);
        releaseWebhook.TrySetResult();
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        Assert.Equal(["Create", "Register", "RecordNotification", "ConfirmPayment", "Fulfil"], details.Journal.Select(e => e.Trigger));
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
        var delivery = Assert.Single(details.WebhookDeliveries);
        // The held attempt may also have timed out meanwhile (WebhookTimeout); either way it ends delivered.
        Assert.Equal(("delivered", 200), (delivery.State, delivery.Attempts[^1].HttpStatus));
        // At least once, never under another id.
        Assert.Equal([delivery.EventId], fixture.Webhooks.ReceivedFor(Merchant.Id, reference).Select(r => r.EventId).Distinct());
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
    }
}
