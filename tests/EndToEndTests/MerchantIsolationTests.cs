using System.Net;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>Broken object-level authorization: a merchant reaches only its own checkouts, operators reach all.</summary>
[Collection(PaymentFlows.Name)]
public sealed class MerchantIsolationTests(PaymentFlowsHost host)
{
    private static readonly Merchant Owner = EndToEndHost.ShopA;
    private static readonly Merchant Other = EndToEndHost.ShopB;

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "/cancel")]
    [InlineData("POST", "/fulfil")]
    public async Task OtherMerchant_OnAnotherMerchantsCheckout_Gets404AndChangesNothing(string method, string action)
    {
        var reference = EndToEndHost.NewReference("bola");
        var checkout = await host.CreateRegisteredAsync(Owner, EndToEndHost.NewCheckout(reference));

        var response = await host.SendAsync(new HttpMethod(method), $"v1/checkouts/{reference}{action}", Other.ApiKey);

        var problem = Problems.Expect(response, HttpStatusCode.NotFound, $"{Other} {method} {Owner}'s checkout{action}");
        Assert.Equal("not-found", Problems.TypeName(problem));
        Assert.DoesNotContain(checkout.TransactionId!, response.Body, StringComparison.Ordinal);
        Assert.Equal(checkout with { Instructions = null }, (await host.GetCheckoutAsync(Owner, reference)) with { Instructions = null });
        Assert.Equal("unpaid", (await host.SandboxTransactionAsync(Owner, reference)).StatusName);
    }

    [Fact]
    public async Task OtherMerchant_CreatingTheSameReference_GetsACheckoutOfItsOwn()
    {
        var reference = EndToEndHost.NewReference("bola-same");
        var owners = await host.CreateRegisteredAsync(Owner, EndToEndHost.NewCheckout(reference, amount: 150_000));

        var others = await host.CreateRegisteredAsync(Other, EndToEndHost.NewCheckout(reference, amount: 60_000));

        Assert.NotEqual(owners.TransactionId, others.TransactionId);
        Assert.StartsWith(Other.IMid, others.TransactionId, StringComparison.Ordinal);
        Assert.Equal(150_000, (await host.GetCheckoutAsync(Owner, reference)).Amount);
        Assert.Equal(60_000, (await host.GetCheckoutAsync(Other, reference)).Amount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key-of-anyone-0001")]
    public async Task MerchantApi_WithoutKeyOrWithUnknownKey_Returns401(string? apiKey)
    {
        var reference = EndToEndHost.NewReference("nokey");
        var checkout = await host.CreateRegisteredAsync(Owner, EndToEndHost.NewCheckout(reference));

        var answers = new[]
        {
            await host.SendAsync(HttpMethod.Get, $"v1/checkouts/{reference}", apiKey),
            await host.SendAsync(HttpMethod.Post, $"v1/checkouts/{reference}/cancel", apiKey),
            await host.SendAsync(HttpMethod.Post, $"v1/checkouts/{reference}/fulfil", apiKey),
            await host.PostJsonAsync("v1/checkouts", apiKey, EndToEndHost.NewCheckout(EndToEndHost.NewReference("nokey"))),
            await host.SendAsync(HttpMethod.Get, $"ops/checkouts/{Owner.Id}/{reference}", apiKey),
        };

        Assert.All(answers, answer => Problems.Expect(answer, HttpStatusCode.Unauthorized, $"key '{apiKey ?? "(none)"}'"));
        Assert.Equal(checkout.Version, (await host.GetCheckoutAsync(Owner, reference)).Version);
    }

    [Fact]
    public async Task OperatorApi_WithOperatorKey_SeesAnyMerchantsCheckoutButMerchantKeysAreForbidden()
    {
        var reference = EndToEndHost.NewReference("ops");
        var checkout = await host.CreateRegisteredAsync(Owner, EndToEndHost.NewCheckout(reference));
        var path = $"ops/checkouts/{Owner.Id}/{reference}";

        var view = await host.OperatorViewAsync(Owner, reference);
        Assert.Equal(Owner.Id, view.MerchantId);
        Assert.Equal(checkout.TransactionId, view.Nicepay.TransactionId);
        Assert.Equal(Owner.IMid, view.Nicepay.IMid);
        Assert.Contains("cancel", view.PermittedActions);

        foreach (var merchant in new[] { Owner, Other })
        {
            Problems.Expect(await host.SendAsync(HttpMethod.Get, path, merchant.ApiKey), HttpStatusCode.Forbidden, $"{merchant}'s key on the operator view");
            Problems.Expect(await host.SendAsync(HttpMethod.Post, $"{path}/status-check", merchant.ApiKey), HttpStatusCode.Forbidden, $"{merchant}'s key on an operator status check");
            Problems.Expect(await host.SendAsync(HttpMethod.Post, $"{path}/cancel", merchant.ApiKey), HttpStatusCode.Forbidden, $"{merchant}'s key on an operator cancel");
        }

        // The operator key is not a merchant key either.
        Problems.Expect(await host.SendAsync(HttpMethod.Get, $"v1/checkouts/{reference}", EndToEndHost.OperatorKey), HttpStatusCode.Forbidden, "the operator key on the merchant API");
        Assert.Equal(checkout.Version, (await host.GetCheckoutAsync(Owner, reference)).Version);
    }
}
