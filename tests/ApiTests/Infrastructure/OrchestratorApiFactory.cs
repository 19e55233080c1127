using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Orchestrator.Api.Tests.Infrastructure;

/// <summary>
/// The Silo in the Development profile (the demo and acme merchants of appsettings.Development.json), with free ports
/// for the co-hosted silo (it binds real sockets even under the test server) and quiet logs.
/// </summary>
public class OrchestratorApiFactory : WebApplicationFactory<Program>
{
    public const string DemoKey = "demo-api-key";
    public const string DemoRotatedKey = "demo-rotated-key-0001";
    public const string AcmeKey = "acme-api-key";
    public const string OperatorKey = "demo-operator-key";

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _environment;

    public OrchestratorApiFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    protected OrchestratorApiFactory(IReadOnlyDictionary<string, string?> settings, string environment = "Development")
    {
        _settings = settings;
        _environment = environment;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("Orleans:SiloPort", FreePort());
        builder.UseSetting("Orleans:GatewayPort", FreePort());
        builder.UseSetting("Merchants:demo:ApiKeys:0", DemoRotatedKey);

        // NICEPAY at a closed loopback port: nothing leaves the machine, and registrations cannot succeed.
        builder.UseSetting("Nicepay:BaseUrl", $"http://127.0.0.1:{FreePort()}");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Orleans", "Error");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A port nobody listens on right now.</summary>
    public static string FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            listener.Stop();
        }
    }

    public HttpClient CreateClient(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }
}

/// <summary>A factory with extra settings or another environment, for start-up failure tests.</summary>
public sealed class ConfiguredOrchestratorFactory(IReadOnlyDictionary<string, string?> settings, string environment = "Development")
    : OrchestratorApiFactory(settings, environment);

[CollectionDefinition(Name)]
public sealed class SharedApiHost : ICollectionFixture<OrchestratorApiFactory>
{
    public const string Name = "Api";
}

/// <summary>Reading ProblemDetails answers.</summary>
public static class Problem
{
    public const string MediaType = "application/problem+json";

    public static async Task<System.Text.Json.JsonElement> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(MediaType, response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The field names under "errors" of a validation problem.</summary>
    public static IReadOnlyList<string> ErrorFields(System.Text.Json.JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors)
            ? [.. errors.EnumerateObject().Select(property => property.Name)]
            : [];
}

