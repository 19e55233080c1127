using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

// "Every transition is persisted before anyone is told about it": when a write fails, the caller gets an error, the
// grain drops what it had in memory, no webhook leaves, and the work is redone later exactly once.
[Collection(CheckoutClusterDefinition.Name)]
public sealed class PersistenceTests(CheckoutClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;

    [Fact]
    public async Task HandleNotification_WhenTheStateCannotBeWritten_FailsChangesNothingAndNicepaysRetryIsAccepted()
    {
        var reference = ClusterFixture.NewReference("writefail");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var form = NicepayNotifications.For(fixture.Nicepay.Pay(Merchant.IMid, reference), Merchant.MerchantKey);
        fixture.Storage.FailNextWrites(checkout.GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => checkout.HandleNotificationAsync(form));

        var after = await ClusterFixture.DetailsAsync(checkout);
        Assert.Equal((CheckoutStatus.Registered, 2), (after.Checkout.Status, after.Checkout.Version));
        Assert.Empty(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));

        // NICEPAY did not get a 2xx, so it sends the notification again: not a duplicate, since nothing was kept.
        var retried = await checkout.HandleNotificationAsync(form);
        Assert.Equal((NotificationOutcome.Accepted, 3), (retried.Outcome, retried.Version));
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
        Assert.Equal(["Create", "Register", "RecordNotification", "ConfirmPayment", "Fulfil"], details.Journal.Select(e => e.Trigger));
    }

    [Fact]
    public async Task Confirmation_WhoseWriteFails_IsNotAnnouncedAndIsRedoneByTheNextPulseOnce()
    {
        var reference = ClusterFixture.NewReference("confirmfail");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var releaseInquiry = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Nicepay.Script(NicepayOperation.Inquire, reference, NicepayFault.HoldUntil(releaseInquiry.Task));
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));
        await Eventually.UntilAsync(() => fixture.Nicepay.HeldCallsFor(reference) == 1, () => "the inquiry in flight");

        // The held inquiry is answered (connection lost); the next one says paid, and its confirmation cannot be written.
        fixture.Storage.FailNextWrites(checkout.GetGrainId(), count: 2);
        releaseInquiry.TrySetResult();
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        Assert.Equal(
            ["Create", "Register", "RecordNotification", "ConfirmPayment", "Fulfil"],
            details.Journal.Where(e => e.Trigger != "RecordInquiryFailure").Select(e => e.Trigger));
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
        var confirmed = Assert.Single(details.WebhookDeliveries);
        Assert.Equal(CheckoutEventTypes.Confirmed, confirmed.Type);
        var received = Assert.Single(fixture.Webhooks.ReceivedFor(Merchant.Id, reference));
        Assert.Equal((confirmed.EventId, confirmed.Version), (received.EventId, received.Version));
        Assert.True(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire).Count >= 2);
    }

    [Fact]
    public async Task Fulfil_WhenTheStateCanBeNeitherWrittenNorReadAgain_NothingUnwrittenIsEverServed()
    {
        var reference = ClusterFixture.NewReference("noreread");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        var webhookAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The merchant's endpoint hangs (each activation sends the confirmed event once): the checkout stays confirmed.
        fixture.Webhooks.Script(reference, WebhookAnswer.After(webhookAnswer.Task), WebhookAnswer.After(webhookAnswer.Task));
        await checkout.HandleNotificationAsync(NicepayNotifications.For(fixture.Nicepay.Pay(Merchant.IMid, reference), Merchant.MerchantKey));
        var confirmed = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Confirmed);

        // The database is down for both the write and the reload that should undo it in memory.
        fixture.Storage.FailNextWrites(checkout.GetGrainId());
        fixture.Storage.FailNextReads(checkout.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => checkout.FulfilAsync());

        // What the checkout says afterwards is what storage holds (found by tests/DurabilityTests: the fulfilment was
        // served, then written by the next save, although the merchant had been told to retry).
        var after = await ClusterFixture.DetailsAsync(checkout);
        Assert.Equal((CheckoutStatus.Confirmed, confirmed.Checkout.Version), (after.Checkout.Status, after.Checkout.Version));
        var retried = await checkout.FulfilAsync();
        Assert.Equal((CommandOutcome.Applied, CheckoutStatus.Fulfilled), (retried.Outcome, retried.Checkout!.Status));
        webhookAnswer.TrySetResult();
    }

    [Fact]
    public async Task Create_WhosePulseCannotBeRegisteredAfterTheWrite_StillRegistersAtNicepayOnItsTimer()
    {
        var reference = ClusterFixture.NewReference("nopulse");
        var checkout = fixture.Checkout(Merchant, reference);
        fixture.Reminders.FailNextUpserts(checkout.GetGrainId());

        // The checkout is written ("registration outcome unknown"), then its pulse cannot be registered: the merchant
        // is told to retry before anything is sent to NICEPAY.
        await Assert.ThrowsAnyAsync<Exception>(() => checkout.CreateAsync(ClusterFixture.NewCommand()));

        // Nothing calls the checkout, yet its timer carries the registration through (found by tests/DurabilityTests:
        // such a checkout stayed "created" with neither a timer nor a reminder, and a retried create just returned it).
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Registered);
        Assert.Equal(CheckoutCause.RegistrationRecovery, details.Journal[^1].Cause);
        Assert.Contains(Grains.Checkouts.CheckoutGrain.PulseReminderName, fixture.Reminders.NamesFor(checkout.GetGrainId()));
    }
}
