using System.Net;
using System.Net.Http.Json;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Tests.Infrastructure;

namespace Orchestrator.Api.Tests;

[Collection(SharedApiHost.Name)]
public sealed class AuthenticationTests(OrchestratorApiFactory factory)
{
    [Fact]
    public async Task CreateCheckout_WithoutKey_Returns401ProblemWithBearerChallenge()
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.PostAsJsonAsync("/v1/checkouts", new { referenceNo = "A-1" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.DoesNotContain("invalid_token", challenge.Parameter ?? "", StringComparison.Ordinal);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(ProblemTypes.Unauthorized, problem.GetProperty("type").GetString());
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task GetCheckout_WithWrongKey_Returns401InvalidToken()
    {
        using var client = factory.CreateClient("not-a-configured-key");

        using var response = await client.GetAsync("/v1/checkouts/ORD-1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Equal(ProblemTypes.Unauthorized, (await Problem.ReadAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task GetCheckout_WithBasicCredentials_Returns401()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "ZGVtbzpkZW1v");

        using var response = await client.GetAsync("/v1/checkouts/ORD-1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task OperatorEndpoint_WithMerchantKey_Returns403Problem()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);

        using var response = await client.GetAsync("/ops/checkouts/demo/ORD-1");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ProblemTypes.Forbidden, (await Problem.ReadAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task MerchantEndpoint_WithOperatorKey_Returns403Problem()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);

        using var response = await client.GetAsync("/v1/checkouts/ORD-1");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task CreateCheckout_WithRotatedSecondKey_IsAuthenticated()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoRotatedKey);

        // An invalid body: authentication passed if validation answers.
        using var response = await client.PostAsJsonAsync("/v1/checkouts", new { referenceNo = "bad reference" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_WithoutKey_Returns401()
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/dashboard/SiloProperties/not-a-silo")]
    [InlineData("/dashboard/SiloCounters/x")]
    [InlineData("/dashboard/HistoricalStats/127.0.0.1")]
    public async Task Dashboard_WithOperatorKeyAndAnUnreadableSiloAddress_Returns400Problem(string path)
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.OperatorKey);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Dashboard_WithMerchantKey_Returns403()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.AcmeKey);

        using var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
