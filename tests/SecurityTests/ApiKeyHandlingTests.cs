using System.Net;
using System.Net.Http.Json;
using Orchestrator.SecurityTests.Infrastructure;

namespace Orchestrator.SecurityTests;

/// <summary>
/// API keys stay out of the logs, whatever happens to the request (accepted, refused, a key of the wrong kind, a key in
/// a malformed header), with every logger at Trace level; and a broken rate limit stops start-up naming the key.
/// </summary>
[Trait("Category", "Security")]
public sealed class ApiKeyHandlingTests
{
    [Fact]
    public async Task Logs_AtTraceLevel_NeverContainAnApiKey()
    {
        await using var host = new LogCapturingHost();
        const string WrongKey = "wrong-key-7f3a9c0e51d2";
        var reference = SecurityHost.NewReference("LOGS");
        string[] keys = [SecurityHost.DemoKey, SecurityHost.DemoRotatedKey, SecurityHost.AcmeKey, SecurityHost.OperatorKey, WrongKey];

        foreach (var key in keys)
        {
            using var client = host.Client(key);
            using var create = await client.PostAsJsonAsync("/v1/checkouts", SecurityHost.CreateBody(reference));
            using var get = await client.GetAsync($"/v1/checkouts/{reference}");
            using var cancel = await client.PostAsync($"/v1/checkouts/{reference}/cancel", content: null);
            using var operatorView = await client.GetAsync($"/ops/checkouts/demo/{reference}");
            using var search = await client.GetAsync("/ops/checkouts?limit=1");
            using var dashboard = await client.GetAsync("/dashboard/");
        }

        using (var malformed = host.Client())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/checkouts/{reference}");
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {SecurityHost.DemoKey} {WrongKey}");
            using var response = await malformed.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var entries = host.Logs.Entries.ToList();
        Assert.True(entries.Count > 100, $"Only {entries.Count} log entries were captured: is Trace logging on?");
        foreach (var key in keys)
        {
            var leak = entries.FirstOrDefault(entry => entry.Contains(key, StringComparison.Ordinal));
            Assert.True(leak is null, $"An API key was logged: {leak}");
        }
    }

    [Theory]
    [InlineData("RateLimiting:Merchant:PermitsPerSecond", "0", "RateLimiting:Merchant:PermitsPerSecond must be a whole number from 1 to 1000000.")]
    [InlineData("RateLimiting:NicepayCallback:Burst", "-5", "RateLimiting:NicepayCallback:Burst must be a whole number from 1 to 1000000.")]
    public async Task StartUp_WithABrokenRateLimit_StopsNamingTheKey(string key, string value, string expected)
    {
        await using var host = new ConfiguredHost(new Dictionary<string, string?> { [key] = value });

        var exception = Assert.ThrowsAny<Exception>(() => host.Server);

        Assert.Contains(expected, exception.ToString(), StringComparison.Ordinal);
    }

    private sealed class ConfiguredHost(IReadOnlyDictionary<string, string?> settings) : SecurityHost
    {
        protected override IReadOnlyDictionary<string, string?> HostSettings => settings;
    }
}
