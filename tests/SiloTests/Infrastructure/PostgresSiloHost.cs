using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Orchestrator.SiloTests.Infrastructure;

/// <summary>
/// The real Silo (its own Program) in the Development environment with <c>ConnectionStrings:Orleans</c> set — the
/// PostgreSQL profile with the development merchants and the NICEPAY sandbox mounted — served by Kestrel on a free
/// loopback port so the sandbox is reached over real HTTP. Free Orleans ports, the given cluster id, loopback as the
/// advertised address.
/// </summary>
public sealed class PostgresSiloHost : IAsyncDisposable
{
    public const string DemoKey = "demo-api-key";
    public const string OperatorKey = "demo-operator-key";

    private readonly SiloFactory _factory;

    private PostgresSiloHost(SiloFactory factory, Uri baseAddress)
    {
        _factory = factory;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts a host; throws what start-up threw (e.g. a schema that is not current).</summary>
    public static Task<PostgresSiloHost> StartAsync(string connectionString, string clusterId, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var port = FreePort();
        var address = $"http://127.0.0.1:{port}";
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Orleans"] = connectionString,
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
            ["Orleans:Dashboard"] = "false",
            ["Nicepay:BaseUrl"] = address,
            ["Orchestrator:PublicBaseUrl"] = address,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var factory = new SiloFactory(settings);
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        try
        {
            factory.StartServer();
        }
        catch
        {
            factory.Dispose();
            throw;
        }

        return Task.FromResult(new PostgresSiloHost(factory, new Uri(address + "/")));
    }

    /// <summary>Polls <c>/health/ready</c> until 200; fails with the last answer.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode? last = null;
        while (clock.Elapsed < timeout)
        {
            using var response = await Http.GetAsync("health/ready");
            last = response.StatusCode;
            if (last == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"The Silo at {BaseAddress} was not ready within {timeout} (last /health/ready: {last}).");
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? apiKey, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return await Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class SiloFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(Environments.Development);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
