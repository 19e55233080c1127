using Orchestrator.Contracts.Checkouts;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

[Collection(CheckoutClusterDefinition.Name)]
public sealed class CreateCheckoutTests(CheckoutClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;

    [Fact]
    public async Task CreateAsync_TwentyIdenticalConcurrentCalls_RegisterOnceAtNicepayAndAnswerOneCreatedNineteenExisting()
    {
        var reference = ClusterFixture.NewReference("twenty");
        var command = ClusterFixture.NewCommand();
        var checkout = fixture.Checkout(Merchant, reference);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => checkout.CreateAsync(command)));

        Assert.Single(results, r => r.Outcome == CreateCheckoutOutcome.Created);
        Assert.Equal(19, results.Count(r => r.Outcome == CreateCheckoutOutcome.Existing));
        var issued = Assert.Single(fixture.Nicepay.TransactionsFor(reference));
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
        Assert.All(results, r =>
        {
            Assert.Equal(CheckoutStatus.Registered, r.Checkout.Status);
            Assert.Equal(issued.PaymentCode, r.Checkout.PaymentCode);
            Assert.Equal(issued.TransactionId, r.Checkout.TransactionId);
            Assert.Equal(2, r.Checkout.Version);
            Assert.Empty(r.ConflictingFields);
        });
    }

    [Fact]
    public async Task CreateAsync_SameReferenceWithDifferentAmountStoreAndCustomer_IsAConflictNamingTheFieldsAndChangesNothing()
    {
        var reference = ClusterFixture.NewReference("conflict");
        var original = ClusterFixture.NewCommand(amount: 150_000, store: StoreNetwork.Indomaret);
        var (checkout, created) = await fixture.CreateRegisteredAsync(Merchant, reference, original);
        var before = await ClusterFixture.DetailsAsync(checkout);

        var different = await checkout.CreateAsync(original with
        {
            Amount = 175_000,
            Store = StoreNetwork.Alfamart,
            Customer = original.Customer with { Email = "someone.else@example.co.id" },
        });
        var amountOnly = await checkout.CreateAsync(original with { Amount = 150_001 });

        Assert.Equal(CreateCheckoutOutcome.Conflict, different.Outcome);
        Assert.Equal(["amount", "store", "customer"], different.ConflictingFields);
        Assert.Equal(CreateCheckoutOutcome.Conflict, amountOnly.Outcome);
        Assert.Equal(["amount"], amountOnly.ConflictingFields);

        // The existing checkout is returned untouched, and NICEPAY heard nothing more.
        Assert.Equal(
            (created.Amount, created.Store, created.Customer, created.PaymentCode, created.Version),
            (different.Checkout.Amount, different.Checkout.Store, different.Checkout.Customer, different.Checkout.PaymentCode, different.Checkout.Version));
        var after = await ClusterFixture.DetailsAsync(checkout);
        Assert.Equal(before.Journal, after.Journal);
        Assert.Equal((150_000L, StoreNetwork.Indomaret, 2), (after.Checkout.Amount, after.Checkout.Store, after.Checkout.Version));
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
        Assert.Single(fixture.Nicepay.TransactionsFor(reference));
    }

    [Fact]
    public async Task CreateAsync_RepeatedAfterThePaymentWasConfirmed_ReturnsTheCheckoutAsItStandsWithoutRegistering()
    {
        var reference = ClusterFixture.NewReference("repeat");
        var command = ClusterFixture.NewCommand();
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference, command);
        fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.CheckStatusAsync(CheckoutCause.Operator);
        var fulfilled = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);

        var repeated = await checkout.CreateAsync(command);

        Assert.Equal(CreateCheckoutOutcome.Existing, repeated.Outcome);
        Assert.Equal((CheckoutStatus.Fulfilled, fulfilled.Checkout.Version), (repeated.Checkout.Status, repeated.Checkout.Version));
        Assert.Single(fixture.Nicepay.CallsFor(reference, NicepayOperation.Register));
    }

    [Fact]
    public async Task UnknownCheckout_QueriedOrCommanded_IsNotFoundAndNotCreated()
    {
        var reference = ClusterFixture.NewReference("nobody");
        var checkout = fixture.Checkout(Merchant, reference);

        Assert.Null(await checkout.GetAsync());
        Assert.Null(await checkout.GetDetailsAsync());
        Assert.Equal(CommandOutcome.NotFound, (await checkout.CancelAsync(CheckoutCause.MerchantCall)).Outcome);
        Assert.Equal(CommandOutcome.NotFound, (await checkout.FulfilAsync()).Outcome);
        Assert.Equal(CommandOutcome.NotFound, (await checkout.CheckStatusAsync(CheckoutCause.Operator)).Outcome);
        Assert.Null(await checkout.GetAsync());
        Assert.Empty(fixture.Nicepay.CallsFor(reference));
    }
}
