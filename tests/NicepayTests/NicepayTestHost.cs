using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Orchestrator.Nicepay.Tests;

/// <summary>
/// The client as a host wires it (<see cref="NicepayServiceCollectionExtensions.AddNicepayClient"/>), with a fake
/// clock, captured logs and — unless <c>realNetwork</c> — the <see cref="FakeNicepay"/> as the transport.
/// </summary>
internal sealed class NicepayTestHost : IDisposable
{
    /// <summary>2022-12-02 15:28:01 in Jakarta: the timeStamp of the contract's registration example.</summary>
    public static readonly DateTimeOffset Now = new(2022, 12, 2, 8, 28, 1, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public NicepayTestHost(IReadOnlyDictionary<string, string?>? settings = null, bool realNetwork = false)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Nicepay:BaseUrl"] = "https://nicepay.test",
            ["Nicepay:DisableRetryDelays"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[$"Nicepay:{key}"] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton<TimeProvider>(Time);
        services.AddNicepayClient();
        if (!realNetwork)
        {
            foreach (var name in NicepayHttpClientNames.All)
            {
                services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(Gateway.CreateHandler);
            }
        }

        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Client = _services.GetRequiredService<INicepayClient>();
        Logs = _services.GetFakeLogCollector();
    }

    public FakeNicepay Gateway { get; } = new();

    public FakeTimeProvider Time { get; } = new(Now);

    public INicepayClient Client { get; }

    public FakeLogCollector Logs { get; }

    public void Dispose() => _services.Dispose();
}
