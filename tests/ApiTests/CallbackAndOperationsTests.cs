using System.Net;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Tests.Infrastructure;

namespace Orchestrator.Api.Tests;

[Collection(SharedApiHost.Name)]
public sealed class CallbackAndOperationsTests(OrchestratorApiFactory factory)
{
    [Fact]
    public async Task NicepayCallback_ForUnknownMerchant_Returns404Problem()
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.PostAsync("/callbacks/nicepay/nobody", Form(("referenceNo", "ORD-1"), ("tXid", "X")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemTypes.NotFound, (await Problem.ReadAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task NicepayCallback_WithoutReferenceNo_Returns400Problem()
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.PostAsync("/callbacks/nicepay/demo", Form(("tXid", "IONPAYTEST03201804191327346753"), ("amt", "10000")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Contains("referenceNo", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NicepayCallback_WithMalformedReferenceNo_Returns400Problem()
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.PostAsync("/callbacks/nicepay/demo", Form(("referenceNo", "a/b c")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task NicepayCallback_WithEmptyBody_Returns400Problem()
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.PostAsync("/callbacks/nicepay/demo", content: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task OperatorCheckout_ForUnknownMerchant_Returns404Problem()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);

        using var response = await client.GetAsync("/ops/checkouts/nobody/ORD-1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemTypes.NotFound, (await Problem.ReadAsync(response)).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("POST", "/ops/checkouts/nobody/ORD-1/status-check")]
    [InlineData("POST", "/ops/checkouts/nobody/ORD-1/cancel")]
    public async Task OperatorCommand_ForUnknownMerchant_Returns404(string method, string path)
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OperatorCheckout_WithInvalidReferenceNo_Returns400NamingReferenceNo()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);

        using var response = await client.GetAsync("/ops/checkouts/demo/has%20space");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["referenceNo"], Problem.ErrorFields(await Problem.ReadAsync(response)));
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);

        using var response = await client.GetAsync("/v2/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemTypes.NotFound, (await Problem.ReadAsync(response)).GetProperty("type").GetString());
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(field => new KeyValuePair<string, string>(field.Key, field.Value)));
}
