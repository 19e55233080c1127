using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.SecurityTests.Infrastructure;

/// <summary>
/// Small buckets (3 requests, 1 more per second) for every kind of caller, so a handful of requests reaches the limit.
/// </summary>
public sealed class RateLimitedHost : SecurityHost
{
    public const int Burst = 3;

    /// <summary>A merchant only one test uses, so its bucket is full when that test starts.</summary>
    public const string SoloKey = "solo-api-key-0001";

    protected override IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>
    {
        ["Merchants:solo:Name"] = "Solo Store",
        ["Merchants:solo:ApiKey"] = SoloKey,
        ["Merchants:solo:Nicepay:IMid"] = "SOLOTEST01",
        ["Merchants:solo:Nicepay:MerchantKey"] = "solo-sandbox-merchant-key",
        ["RateLimiting:Merchant:PermitsPerSecond"] = "1",
        ["RateLimiting:Merchant:Burst"] = "3",
        ["RateLimiting:Operator:PermitsPerSecond"] = "1",
        ["RateLimiting:Operator:Burst"] = "3",
        ["RateLimiting:Unauthenticated:PermitsPerSecond"] = "1",
        ["RateLimiting:Unauthenticated:Burst"] = "3",
        ["RateLimiting:NicepayCallback:PermitsPerSecond"] = "1",
        ["RateLimiting:NicepayCallback:Burst"] = "3",
    };
}

[CollectionDefinition(Name)]
public sealed class SharedRateLimitedHost : ICollectionFixture<RateLimitedHost>
{
    public const string Name = "Rate limited";
}

/// <summary>
/// The Silo served by Kestrel on a free loopback port, for the limits only a real server applies (request line, headers,
/// chunked bodies, slow clients). Headers must arrive within 2 s here, so a slow client is seen off quickly.
/// </summary>
public sealed class KestrelHost : IAsyncLifetime
{
    public const int HeadersTimeoutSeconds = 2;

    private KestrelFactory? _factory;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The host is not started.");

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = SecurityHost.RequestTimeout };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    public async Task InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = int.Parse(SecurityHost.FreePort(), System.Globalization.CultureInfo.InvariantCulture);
            var factory = new KestrelFactory();
            factory.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
            try
            {
                factory.StartServer();
                _factory = factory;
                BaseAddress = new Uri($"http://127.0.0.1:{port}/");
                return;
            }
            catch (IOException) when (attempt < 3)
            {
                // Another process took the port between picking and binding it.
                await factory.DisposeAsync();
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    private sealed class KestrelFactory : SecurityHost
    {
        protected override IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>
        {
            ["Kestrel:Limits:RequestHeadersTimeout"] = $"00:00:0{HeadersTimeoutSeconds}",
        };
    }
}

[CollectionDefinition(Name)]
public sealed class SharedKestrelHost : ICollectionFixture<KestrelHost>
{
    public const string Name = "Kestrel";
}

/// <summary>Every log entry of the host, at every level, as text: message, state values and exceptions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(pair => $"{pair.Key}={pair.Value}"))
                : "";
            entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}

/// <summary>The host with every log entry captured at Trace level.</summary>
public sealed class LogCapturingHost : SecurityHost
{
    public CapturingLoggerProvider Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Orleans"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace)));
    }
}
