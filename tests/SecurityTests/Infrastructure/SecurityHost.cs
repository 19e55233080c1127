using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Orchestrator.SecurityTests.Infrastructure;

/// <summary>
/// The Silo in its development profile (merchants <c>demo</c> and <c>acme</c>, one operator key) under the test server,
/// with free Orleans ports and NICEPAY at a closed loopback port: checkouts are created (status <c>created</c>) but never
/// registered, and the next registration attempt is an hour away, so a checkout's version changes only when a request
/// changes it. Subclasses add settings (low rate limits, real Kestrel).
/// </summary>
public class SecurityHost : WebApplicationFactory<Program>
{
    public const string DemoKey = "demo-api-key";
    public const string DemoRotatedKey = "demo-rotated-key-0001";
    public const string AcmeKey = "acme-api-key";
    public const string OperatorKey = "demo-operator-key";

    /// <summary>How long any one request may take before a test fails: nothing here may hang.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Settings this host adds to (or overrides in) the common ones.</summary>
    protected virtual IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Development);
        builder.UseSetting("Orleans:SiloPort", FreePort());
        builder.UseSetting("Orleans:GatewayPort", FreePort());
        builder.UseSetting("Merchants:demo:ApiKeys:0", DemoRotatedKey);

        // NICEPAY at a closed loopback port: nothing leaves the machine, registrations fail at once and are retried an
        // hour later (after the tests), so no background transition changes a checkout while a test watches it.
        builder.UseSetting("Nicepay:BaseUrl", $"http://127.0.0.1:{FreePort()}");
        builder.UseSetting("Checkouts:Timing:RegistrationBackoff:0", "01:00:00");
        builder.UseSetting("Checkouts:Timing:RegistrationSettleDelay", "01:00:00");
        builder.UseSetting("Logging:LogLevel:Default", "Error");
        builder.UseSetting("Logging:LogLevel:Orleans", "Error");
        foreach (var (key, value) in HostSettings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client with <c>Authorization: Bearer</c> when a key is given, that never follows redirects.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.Timeout = RequestTimeout;
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>A unique referenceNo: <c>{prefix}-{hex}</c>, at most 40 characters.</summary>
    public static string NewReference(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];

    /// <summary>A valid create request.</summary>
    public static Dictionary<string, object?> CreateBody(string referenceNo, long amount = 150_000) => new()
    {
        ["referenceNo"] = referenceNo,
        ["amount"] = amount,
        ["store"] = "indomaret",
        ["goodsName"] = "Coffee beans 1 kg",
        ["customer"] = new Dictionary<string, object?>
        {
            ["name"] = "Budi Santoso",
            ["phone"] = "+6281234567890",
            ["email"] = "budi@example.com",
        },
    };

    /// <summary>Creates a checkout, asserting the 201; returns its version.</summary>
    public async Task<int> CreateCheckoutAsync(string apiKey, string referenceNo, long amount = 150_000)
    {
        using var client = Client(apiKey);
        using var response = await client.PostAsJsonAsync("/v1/checkouts", CreateBody(referenceNo, amount));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating {referenceNo}: expected 201, got {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("version").GetInt32();
    }

    /// <summary>The checkout as its owner sees it (status and version), or null when it does not exist.</summary>
    public async Task<CheckoutState?> StateAsync(string apiKey, string referenceNo)
    {
        using var client = Client(apiKey);
        using var response = await client.GetAsync($"/v1/checkouts/{Uri.EscapeDataString(referenceNo)}");
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {referenceNo}: expected 200 or 404, got {(int)response.StatusCode} {text}");
        var root = JsonDocument.Parse(text).RootElement;
        return new CheckoutState(root.GetProperty("status").GetString()!, root.GetProperty("version").GetInt32());
    }

    /// <summary>A port nobody listens on right now.</summary>
    public static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>A checkout's status and version, to compare before and after.</summary>
public sealed record CheckoutState(string Status, int Version);

/// <summary>Tests that need the development limits share one host.</summary>
[CollectionDefinition(Name)]
public sealed class SharedSecurityHost : ICollectionFixture<SecurityHost>
{
    public const string Name = "Security";
}
