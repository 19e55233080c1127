using System.Net;
using System.Text.Json;
using Orchestrator.Api.Tests.Infrastructure;

namespace Orchestrator.Api.Tests;

[Collection(SharedApiHost.Name)]
public sealed class HostTests(OrchestratorApiFactory factory)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_WhenSiloIsUp_Returns200(string path)
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_IsServedWithEveryApiRouteAndTheBearerScheme()
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        Assert.Equal(
            [
                "/callbacks/nicepay/{merchantId}",
                "/ops/checkouts",
                "/ops/checkouts/{merchantId}/{referenceNo}",
                "/ops/checkouts/{merchantId}/{referenceNo}/cancel",
                "/ops/checkouts/{merchantId}/{referenceNo}/status-check",
                "/ops/stats",
                "/v1/checkouts",
                "/v1/checkouts/{referenceNo}",
                "/v1/checkouts/{referenceNo}/cancel",
                "/v1/checkouts/{referenceNo}/fulfil",
            ],
            paths.Order(StringComparer.Ordinal));

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var create = document.RootElement.GetProperty("paths").GetProperty("/v1/checkouts").GetProperty("post");
        Assert.True(create.TryGetProperty("security", out _), "POST /v1/checkouts should declare the Bearer requirement.");
        var callback = document.RootElement.GetProperty("paths").GetProperty("/callbacks/nicepay/{merchantId}").GetProperty("post");
        Assert.False(callback.TryGetProperty("security", out _), "The NICEPAY callback is anonymous.");
    }

    [Fact]
    public async Task Sandbox_IsMountedInProcessInDevelopment()
    {
        using var client = factory.CreateClient(apiKey: null);

        // An empty registration is NICEPAY's business error, not a 404: the sandbox answers at its standalone path.
        using var response = await client.PostAsync(
            "/nicepay/direct/v2/registration", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
    }
}
