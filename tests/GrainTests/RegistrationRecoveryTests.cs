using System.Text.Json;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

[Collection(CheckoutClusterDefinition.Name)]
public sealed class RegistrationRecoveryTests(CheckoutClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;

    [Fact]
    public async Task CreateAsync_WhenTheAnswerIsLostButNicepayRegistered_RecoveryFindsItByReferenceAndAdoptsIt()
    {
        var reference = ClusterFixture.NewReference("lostanswer");
        fixture.Nicepay.Script(NicepayOperation.Register, reference, NicepayFault.TimeoutAfterApplying);
        var checkout = fixture.Checkout(Merchant, reference);

        var created = await checkout.CreateAsync(ClusterFixture.NewCommand());

        Assert.Equal((CreateCheckoutOutcome.Created, CheckoutStatus.Created), (created.Outcome, created.Checkout.Status));
        Assert.Null(created.Checkout.PaymentCode);
        var details = await fixture.WaitForAsync(checkout,
            d => d.Checkout.Status == CheckoutStatus.Registered && d.WebhookDeliveries.Any(w => w.State == "delivered"),
            "registered by recovery, with checkout.registered delivered");

        var issued = Assert.Single(fixture.Nicepay.TransactionsFor(reference));
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
        var lookup = fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire)[0];
        Assert.True(string.IsNullOrEmpty(lookup.TransactionId), "the recovery looks the registration up by reference (empty tXid)");
        Assert.Equal((issued.TransactionId, issued.PaymentCode), (details.Checkout.TransactionId, details.Checkout.PaymentCode));
        Assert.Equal(["Create", "DeferRegistration", "Register"], details.Journal.Select(e => e.Trigger));
        Assert.Equal([CheckoutCause.MerchantCall, CheckoutCause.MerchantCall, CheckoutCause.RegistrationRecovery], details.Journal.Select(e => e.Cause));
        var registered = Assert.Single(details.WebhookDeliveries);
        Assert.Equal((CheckoutEventTypes.Registered, 3), (registered.Type, registered.Version));
        var received = Assert.Single(fixture.Webhooks.ReceivedFor(Merchant.Id, reference));
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal(issued.PaymentCode, body.RootElement.GetProperty("data").GetProperty("paymentCode").GetString());
    }

    [Fact]
    public async Task CreateAsync_WhenTheAnswerIsLostAndNicepayDidNotRegister_RecoveryFindsNothingAndSendsItAgainOnce()
    {
        var reference = ClusterFixture.NewReference("notlanded");
        fixture.Nicepay.Script(NicepayOperation.Register, reference, NicepayFault.Timeout);
        var checkout = fixture.Checkout(Merchant, reference);

        await checkout.CreateAsync(ClusterFixture.NewCommand());
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Registered);

        Assert.Single(fixture.Nicepay.TransactionsFor(reference));
        Assert.Equal(2, fixture.Nicepay.CallsFor(reference, NicepayOperation.Register).Count);
        var lookup = Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire));
        Assert.Contains("9528", lookup.Answer, StringComparison.Ordinal);
        Assert.True(lookup.At < fixture.Nicepay.CallsFor(reference, NicepayOperation.Register)[1].At, "looked up before sending again");
        Assert.Equal(2, details.Nicepay.RegistrationAttempts);
        Assert.Equal(["Create", "DeferRegistration", "Register"], details.Journal.Select(e => e.Trigger));
        Assert.Equal(CheckoutEventTypes.Registered, Assert.Single(details.WebhookDeliveries).Type);
    }

    public static TheoryData<string> NothingRegistered => new() { "busy-9002", "not-sent" };

    [Theory]
    [MemberData(nameof(NothingRegistered))]
    public async Task CreateAsync_WhenNicepayDefinitelyDidNotRegister_DefersAndSendsAgainWithoutALookUp(string fault)
    {
        var reference = ClusterFixture.NewReference("deferred");
        fixture.Nicepay.Script(NicepayOperation.Register, reference, fault == "not-sent" ? NicepayFault.NotSent : NicepayFault.Rejected("9002"));
        var checkout = fixture.Checkout(Merchant, reference);

        var created = await checkout.CreateAsync(ClusterFixture.NewCommand());
        Assert.Equal(CheckoutStatus.Created, created.Checkout.Status);
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Registered);

        Assert.Single(fixture.Nicepay.TransactionsFor(reference));
        Assert.Equal(2, fixture.Nicepay.CallsFor(reference, NicepayOperation.Register).Count);
        Assert.DoesNotContain(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire), call => string.IsNullOrEmpty(call.TransactionId));
        Assert.Equal(["Create", "DeferRegistration", "Register"], details.Journal.Select(e => e.Trigger));
        Assert.Contains("nothing was registered", details.Journal[1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_WhenNicepayRefusesDefinitely_FailsWithTheReasonAndTellsTheMerchant()
    {
        var reference = ClusterFixture.NewReference("refused");
        fixture.Nicepay.Script(NicepayOperation.Register, reference, NicepayFault.Rejected("9010"));
        var checkout = fixture.Checkout(Merchant, reference);

        var created = await checkout.CreateAsync(ClusterFixture.NewCommand());

        Assert.Equal((CreateCheckoutOutcome.Created, CheckoutStatus.Failed), (created.Outcome, created.Checkout.Status));
        Assert.Equal("invalid_merchant_token", created.Checkout.FailureReason);
        var details = await fixture.WaitForAsync(checkout,
            d => d.WebhookDeliveries.Any(w => w.Type == CheckoutEventTypes.Failed && w.State == "delivered"), "checkout.failed delivered");
        Assert.Equal(["Create", "FailRegistration"], details.Journal.Select(e => e.Trigger));
        Assert.Empty(details.Reminders);
        Assert.Empty(fixture.Nicepay.TransactionsFor(reference));
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
        Assert.Empty(fixture.Reminders.NamesFor(checkout.GetGrainId()));
    }

    [Fact]
    public async Task HandleNotification_WhileTheRegistrationOutcomeIsUnknown_AdoptsTheTransactionAndConfirms()
    {
        var reference = ClusterFixture.NewReference("earlybird");
        fixture.Nicepay.Script(NicepayOperation.Register, reference, NicepayFault.TimeoutAfterApplying);
        fixture.Nicepay.SetOutage(NicepayOperation.Inquire, reference, NicepayFault.Timeout);
        var checkout = fixture.Checkout(Merchant, reference);
        await checkout.CreateAsync(ClusterFixture.NewCommand());

        // The customer got the code some other way and paid; NICEPAY notifies before any look-up succeeded.
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        var result = await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));
        Assert.Equal(NotificationOutcome.Accepted, result.Outcome);
        fixture.Nicepay.SetOutage(NicepayOperation.Inquire, reference, null);

        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
        Assert.Equal(paid.TransactionId, details.Checkout.TransactionId);
        var adopted = Assert.Single(details.Journal, e => e.Trigger == "Register");
        Assert.Equal(CheckoutCause.Notification, adopted.Cause);
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
        Assert.Single(fixture.Nicepay.TransactionsFor(reference));
        Assert.Equal([CheckoutEventTypes.Registered, CheckoutEventTypes.Confirmed], details.WebhookDeliveries.Select(w => w.Type));
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
    }

    [Fact]
    public async Task Recovery_WhenTheFirstRequestLandsOnlyAfterTheLookUp_TheResendIsRefusedAsDuplicateAndTheFirstCodeAdopted()
    {
        var reference = ClusterFixture.NewReference("latelanding");
        // NICEPAY registers the first request but answers too late, and a first look-up does not see it yet.
        fixture.Nicepay.Script(NicepayOperation.Register, reference, NicepayFault.TimeoutAfterApplying);
        fixture.Nicepay.Script(NicepayOperation.Inquire, reference, NicepayFault.Rejected("9528"));
        var checkout = fixture.Checkout(Merchant, reference);

        await checkout.CreateAsync(ClusterFixture.NewCommand());
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Registered);

        var issued = Assert.Single(fixture.Nicepay.TransactionsFor(reference));
        Assert.Equal(issued.TransactionId, details.Checkout.TransactionId);
        var registrations = fixture.Nicepay.CallsFor(reference, NicepayOperation.Register);
        Assert.Equal(2, registrations.Count);
        Assert.Contains("9009", registrations[1].Answer, StringComparison.Ordinal);
        Assert.Equal(["Create", "DeferRegistration", "DeferRegistration", "Register"], details.Journal.Select(e => e.Trigger));
    }

    [Fact]
    public async Task Recovery_ForAnIMidWithoutNicepaysDuplicateCheck_NeverSendsAnUnknownRegistrationAgain()
    {
        // Without ORD_NO_DUP_CHK_FLG a copy of a registration that landed late becomes a second payable code
        // (MerchantNicepayOptions.DuplicateReferenceCheck): the only safe recovery is to keep looking it up.
        var merchant = ClusterFixture.MerchantThree;
        var reference = ClusterFixture.NewReference("nodupcheck");
        fixture.Nicepay.Script(NicepayOperation.Register, reference, NicepayFault.TimeoutAfterApplying);
        fixture.Nicepay.Script(NicepayOperation.Inquire, reference, NicepayFault.Rejected("9528"));
        var checkout = fixture.Checkout(merchant, reference);

        await checkout.CreateAsync(ClusterFixture.NewCommand());
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Registered);

        var issued = Assert.Single(fixture.Nicepay.TransactionsFor(reference));
        Assert.Equal(issued.TransactionId, details.Checkout.TransactionId);
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
        Assert.True(fixture.Nicepay.CallsFor(reference, NicepayOperation.Inquire).Count >= 2, "looked up again instead of re-sending");
    }
}
