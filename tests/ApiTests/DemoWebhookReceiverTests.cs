using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orchestrator.Api.Tests.Infrastructure;

namespace Orchestrator.Api.Tests;

/// <summary>
/// The development profile's stand-in for merchants' webhook endpoints. The signatures here are computed in the test,
/// independently of the receiver's code, following the Standard Webhooks specification.
/// </summary>
[Collection(SharedApiHost.Name)]
public sealed class DemoWebhookReceiverTests(OrchestratorApiFactory factory)
{
    // From appsettings.Development.json.
    private const string AcmeSecret = "whsec_G3FPED2SCmE1/Bj5d3Ar1IsDuORhAsB9";

    [Fact]
    public async Task ReceiveWebhook_WithValidSignature_Returns204AndListsItVerified()
    {
        using var client = factory.CreateClient(apiKey: null);
        var id = $"evt_{Guid.NewGuid():N}";

        using var response = await client.SendAsync(Signed(id, AcmeSecret, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = await FindAsync(client, id);
        Assert.True(received.GetProperty("verified").GetBoolean());
        Assert.Equal("checkout.confirmed", received.GetProperty("type").GetString());
        Assert.Equal("acme", received.GetProperty("merchantId").GetString());
    }

    [Fact]
    public async Task ReceiveWebhook_WithWrongSecret_Returns401AndListsItUnverified()
    {
        using var client = factory.CreateClient(apiKey: null);
        var id = $"evt_{Guid.NewGuid():N}";

        using var response = await client.SendAsync(Signed(id, "whsec_" + Convert.ToBase64String(new byte[24]), DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False((await FindAsync(client, id)).GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task ReceiveWebhook_WithOldTimestamp_IsNotVerified()
    {
        using var client = factory.CreateClient(apiKey: null);
        var id = $"evt_{Guid.NewGuid():N}";

        using var response = await client.SendAsync(Signed(id, AcmeSecret, DateTimeOffset.UtcNow.AddMinutes(-10)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static HttpRequestMessage Signed(string id, string secret, DateTimeOffset sentAt)
    {
        var body = $$$"""{"id":"{{{id}}}","type":"checkout.confirmed","createdAt":"2025-01-01T00:00:00+00:00","data":{"referenceNo":"ORD-1"}}""";
        var timestamp = sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        using var hmac = new HMACSHA256(key);
        var signature = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/demo/webhooks/acme")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", $"v1,{signature}");
        return request;
    }

    private static async Task<JsonElement> FindAsync(HttpClient client, string webhookId)
    {
        using var list = JsonDocument.Parse(await client.GetStringAsync("/demo/webhooks?merchantId=acme"));
        return list.RootElement.EnumerateArray().Single(item => item.GetProperty("webhookId").GetString() == webhookId).Clone();
    }
}
