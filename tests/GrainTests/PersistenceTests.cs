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
}
