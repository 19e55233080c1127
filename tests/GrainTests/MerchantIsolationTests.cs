using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

// BOLA proper (merchant B cannot reach A's checkout) is enforced by the API, which builds every grain key from the
// authenticated merchant; at grain level the claim is that the merchant is part of the identity.
[Collection(CheckoutClusterDefinition.Name)]
public sealed class MerchantIsolationTests(CheckoutClusterFixture fixture)
{
    private static readonly TestMerchant One = ClusterFixture.MerchantOne;
    private static readonly TestMerchant Two = ClusterFixture.MerchantTwo;

    [Fact]
    public async Task SameReference_UnderTwoMerchants_IsTwoIndependentCheckouts()
    {
        var reference = ClusterFixture.NewReference("shared");
        var (first, createdOne) = await fixture.CreateRegisteredAsync(One, reference, ClusterFixture.NewCommand(amount: 150_000));
        var (second, createdTwo) = await fixture.CreateRegisteredAsync(Two, reference, ClusterFixture.NewCommand(amount: 99_000));

        Assert.Equal([One.IMid, Two.IMid], fixture.Nicepay.CallsFor(reference, NicepayOperation.Register).Select(c => c.IMid).Order());
        Assert.NotEqual(createdOne.TransactionId, createdTwo.TransactionId);
        Assert.Equal((One.Id, Two.Id), (createdOne.MerchantId, createdTwo.MerchantId));
        Assert.Equal((One.Name, Two.Name), (createdOne.MerchantName, createdTwo.MerchantName));

        // Merchant one's customer pays; merchant one's notification means nothing to merchant two's checkout.
        var paidOne = fixture.Nicepay.Pay(One.IMid, reference);
        var notificationForOne = NicepayNotifications.For(paidOne, One.MerchantKey);
        Assert.Equal(NotificationOutcome.InvalidToken, (await second.HandleNotificationAsync(notificationForOne)).Outcome);
        Assert.Equal(NotificationOutcome.Accepted, (await first.HandleNotificationAsync(notificationForOne)).Outcome);
        var one = await fixture.WaitForStatusAsync(first, CheckoutStatus.Fulfilled);

        var cancelledTwo = await second.CancelAsync(CheckoutCause.MerchantCall);
        Assert.Equal(CheckoutStatus.Cancelled, cancelledTwo.Checkout!.Status);
        var two = await fixture.WaitForAsync(second, d => d.WebhookDeliveries.All(w => w.State == "delivered"), "checkout.cancelled delivered");

        Assert.Equal(CheckoutStatus.Fulfilled, (await ClusterFixture.DetailsAsync(first)).Checkout.Status);
        Assert.Equal(one.Journal, (await ClusterFixture.DetailsAsync(first)).Journal);
        Assert.Equal(["Create", "Register", "Cancel"], two.Journal.Select(e => e.Trigger));
        Assert.Equal(paidOne.TransactionId, Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire)).TransactionId);
        Assert.Equal(createdTwo.TransactionId, Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Cancel)).TransactionId);

        // Each merchant hears only of its own checkout, at its own endpoint, signed with its own secret.
        var toOne = Assert.Single(fixture.Webhooks.ReceivedFor(One.Id, reference));
        var toTwo = Assert.Single(fixture.Webhooks.ReceivedFor(Two.Id, reference));
        Assert.Equal((One.WebhookUrl, CheckoutEventTypes.Confirmed), (toOne.Url, toOne.Type));
        Assert.Equal((Two.WebhookUrl, CheckoutEventTypes.Cancelled), (toTwo.Url, toTwo.Type));
        Assert.Null(toOne.SignatureProblem(One.WebhookSecret, DateTimeOffset.UtcNow));
        Assert.Null(toTwo.SignatureProblem(Two.WebhookSecret, DateTimeOffset.UtcNow));
        Assert.NotEqual(toOne.EventId, toTwo.EventId);
    }
}
