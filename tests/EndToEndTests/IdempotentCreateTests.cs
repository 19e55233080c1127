using System.Net;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>The same create, many times at once, is one checkout and one registration at NICEPAY.</summary>
[Collection(PaymentFlows.Name)]
public sealed class IdempotentCreateTests(PaymentFlowsHost host)
{
    private const int ConcurrentRequests = 20;
    private static readonly Merchant Shop = EndToEndHost.ShopA;

    [Fact]
    public async Task Create_TwentyIdenticalRequestsAtOnce_OneCreatedNineteenExistingAndOneSandboxRegistration()
    {
        var reference = EndToEndHost.NewReference("twenty");
        var body = EndToEndHost.NewCheckout(reference, amount: 275_000);

        // All twenty leave together: each waits on the same gate, then posts on its own connection.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, ConcurrentRequests).Select(async _ =>
        {
            await gate.Task;
            return await host.CreateAsync(Shop, body);
        }).ToArray();
        gate.SetResult();
        var responses = await Task.WhenAll(requests);

        var statuses = string.Join(", ", responses.Select(r => (int)r.StatusCode));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Created) == 1, $"expected exactly one 201; got {statuses}");
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == ConcurrentRequests - 1, $"expected 19 × 200; got {statuses}");
        Assert.Single(responses, r => r.Location is not null);
        var checkouts = responses.Select(r => r.As<CheckoutJson>() with { Instructions = null }).ToList();
        var checkout = Assert.Single(checkouts.Distinct());
        Assert.Equal("registered", checkout.Status);
        Assert.NotNull(checkout.PaymentCode);

        var registrations = await host.SandboxRegistrationAsync(Shop, reference);
        Assert.True(registrations is { Received: 1, Created: 1 }, $"NICEPAY must see one registration: {registrations}");
        Assert.Equal([checkout.TransactionId!], registrations.TXids);
        Assert.Equal(checkout.TransactionId, (await host.SandboxTransactionAsync(Shop, reference)).TXid);
    }

    [Fact]
    public async Task Create_SameReferenceWithAnotherAmount_Returns409NamingAmountAndRegistersNothing()
    {
        var reference = EndToEndHost.NewReference("conflict");
        var body = EndToEndHost.NewCheckout(reference, amount: 150_000);
        var original = await host.CreateRegisteredAsync(Shop, body);

        var response = await host.CreateAsync(Shop, body with { Amount = 175_000 });

        var problem = Problems.Expect(response, HttpStatusCode.Conflict, "same referenceNo, other amount");
        Assert.Equal("checkout-conflict", Problems.TypeName(problem));
        Assert.Equal(["amount"], Problems.Strings(problem, "conflictingFields"));
        Assert.Equal(reference, problem["referenceNo"]?.GetValue<string>());
        Assert.Equal(original with { Instructions = null }, (await host.GetCheckoutAsync(Shop, reference)) with { Instructions = null });
        Assert.True((await host.SandboxRegistrationAsync(Shop, reference)) is { Received: 1, Created: 1 });

        // The identical request is still answered with the existing checkout.
        var again = await host.CreateAsync(Shop, body);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(original.TransactionId, again.As<CheckoutJson>().TransactionId);
    }
}
