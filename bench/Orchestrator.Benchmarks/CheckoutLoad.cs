using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Search;
using Orchestrator.Grains;
using Orchestrator.Grains.Webhooks;
using Orchestrator.Nicepay;
using Orchestrator.Storage.Hosting;
using Orchestrator.Storage.Search;
using Orleans.Configuration;

namespace Orchestrator.Benchmarks;

/// <summary>
/// An Orleans silo in this process, wired as the production PostgreSQL profile wires it (AddOrchestratorPostgres:
/// ADO.NET membership, grain state with System.Text.Json, reminders; the batched PostgreSQL read model; the real
/// CheckoutGrain through AddCheckoutGrains), with NICEPAY and the merchant's webhook endpoint made instant, driven by
/// concurrent callers through whole checkout lifecycles.
/// </summary>
internal sealed class CheckoutLoad : IAsyncDisposable
{
    public const string ServiceId = "orchestrator-bench";

    public const string MerchantId = "bench";

    private const string IMid = "BENCHIMID01";

    private const string MerchantKey = "bench-merchant-key-5D21A7";

    private const long Amount = 150_000;

    private static readonly TimeSpan FulfilTimeout = TimeSpan.FromSeconds(60);

    private readonly IHost _host;
    private readonly IGrainFactory _grains;
    private readonly LifecycleTracker _tracker;
    private long _completed;

    private CheckoutLoad(IHost host)
    {
        _host = host;
        _grains = host.Services.GetRequiredService<IGrainFactory>();
        _tracker = host.Services.GetRequiredService<LifecycleTracker>();
    }

    public static async Task<CheckoutLoad> StartAsync(string connectionString, BenchmarkOptions options)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Settings(options));
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);

        // As the Silo's PostgreSQL profile: the read model first (its writer starts before the silo, stops after it),
        // then the silo on PostgreSQL, then the grains and the API's services (the webhook body serializer).
        var index = new PostgresCheckoutIndexOptions { ServiceId = ServiceId };
        if (options.IndexFlushMilliseconds is { } flush)
        {
            index.FlushInterval = TimeSpan.FromMilliseconds(flush);
        }

        builder.Services.AddPostgresCheckoutIndex(connectionString, index);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = "bench";
                cluster.ServiceId = ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
            var storage = new PostgresStorageOptions { GrainStorageName = GrainsServiceCollectionExtensions.StorageName };
            if (options.PoolSize is { } pool)
            {
                storage.MaxPoolSize = pool;
            }

            silo.AddOrchestratorPostgres(connectionString, storage);
            silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromMinutes(1));
        });
        builder.Services.AddCheckoutGrains(builder.Configuration);
        builder.Services.AddOrchestratorApi(builder.Configuration);

        // The free gateway and merchant, and the tap on the read model.
        builder.Services.Replace(ServiceDescriptor.Singleton<INicepayClient, InstantNicepay>());
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new InstantMerchantEndpoint());
        builder.Services.AddSingleton(provider => new LifecycleTracker(provider.GetRequiredService<PostgresCheckoutIndex>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<ICheckoutIndex>(provider => provider.GetRequiredService<LifecycleTracker>()));

        var host = builder.Build();
        await host.StartAsync();
        return new CheckoutLoad(host);
    }

    /// <summary>
    /// Runs <paramref name="concurrency"/> callers for the warm-up and the measured window, calling
    /// <paramref name="atStart"/> and <paramref name="atEnd"/> at the window's edges (for the PostgreSQL and CPU
    /// snapshots); in-flight lifecycles finish after the window but are not counted.
    /// </summary>
    public async Task<LoadResult> RunAsync(int round, int concurrency, TimeSpan warmup, TimeSpan measured, Func<Task> atStart, Func<Task> atEnd)
    {
        var begin = Stopwatch.GetTimestamp();
        var window = Window.After(begin, warmup, measured);
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, concurrency).Select(index => new Caller(index)).ToArray();
        var running = callers.Select(caller => Task.Run(() => RunCallerAsync(round, caller, window, stop.Token))).ToArray();

        using var progress = new Timer(_ => Console.WriteLine(
            $"  {Stopwatch.GetElapsedTime(begin).TotalSeconds,5:N0} s: {Interlocked.Read(ref _completed):N0} lifecycles"), null, 1000, 1000);
        await Task.Delay(warmup);
        await atStart();
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), window.End);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        await atEnd();
        await stop.CancelAsync();
        await Task.WhenAll(running);
        return new LoadResult(callers, measured);
    }

    /// <summary>The raw-write phase on this silo (<see cref="RawWriteLoad"/>): grain state writes per second.</summary>
    public Task<double> RunRawWritesAsync(int round, int concurrency, TimeSpan warmup, TimeSpan measured) =>
        RawWriteLoad.RunAsync(_grains, round, concurrency, warmup, measured);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private async Task RunCallerAsync(int round, Caller caller, Window window, CancellationToken stop)
    {
        var command = new CreateCheckoutCommand
        {
            Amount = Amount,
            Store = StoreNetwork.Indomaret,
            GoodsName = "Kopi Susu 1 kg",
            Customer = new Customer { Name = "Budi Santoso", Phone = "+62 812-3456-7890", Email = "budi@example.co.id" },
            ExpiresAt = DateTimeOffset.UtcNow + TimeSpan.FromHours(6),
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["orderId"] = "A-1001" },
        };

        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var reference = string.Create(CultureInfo.InvariantCulture, $"r{round}-b{caller.Index:D4}-{sequence:D8}");
            var key = CheckoutKey.Format(MerchantId, reference);
            var grain = _grains.GetGrain<ICheckoutGrain>(key);
            var fulfilled = _tracker.FulfilledAsync(key);

            // create: Created (v1, written before NICEPAY is called) and Registered (v2).
            var started = Stopwatch.GetTimestamp();
            var created = await grain.CreateAsync(command);
            var createdAt = Stopwatch.GetTimestamp();
            if (created.Checkout.Status != CheckoutStatus.Registered)
            {
                throw new InvalidOperationException($"{key}: create ended {created.Outcome} {created.Checkout.Status}.");
            }

            caller.Record(window, createdAt, Phase.Create, createdAt - started, created.Checkout.Version);
            await Task.Yield();

            // NICEPAY's notification: Notified (v3); the grain then inquires (Confirmed, v4), queues the webhook, and the
            // merchant's 200 fulfils it (v5) — all in the grain, off this call.
            var notified = await grain.HandleNotificationAsync(Notification(created.Checkout));
            var notifiedAt = Stopwatch.GetTimestamp();
            if (notified.Outcome != NotificationOutcome.Accepted || notified.Version is not { } notifiedVersion)
            {
                throw new InvalidOperationException($"{key}: notification ended {notified.Outcome}: {notified.Detail}.");
            }

            caller.Record(window, notifiedAt, Phase.Notify, notifiedAt - createdAt, notifiedVersion - created.Checkout.Version);

            var entry = await fulfilled.WaitAsync(FulfilTimeout, CancellationToken.None);
            var fulfilledAt = Stopwatch.GetTimestamp();
            caller.Record(window, fulfilledAt, Phase.ConfirmAndFulfil, fulfilledAt - notifiedAt, entry.Version - notifiedVersion);
            caller.Record(window, fulfilledAt, Phase.Lifecycle, fulfilledAt - started, 0);
            Interlocked.Increment(ref _completed);
            await Task.Yield();
        }
    }

    private static NicepayNotificationForm Notification(CheckoutSnapshot checkout)
    {
        var amount = checkout.Amount.ToString(CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tXid"] = checkout.TransactionId!,
            ["merchantToken"] = MerchantToken.ForNotification(IMid, checkout.TransactionId!, amount, MerchantKey),
            ["referenceNo"] = checkout.ReferenceNo,
            ["payMethod"] = "03",
            ["mitraCd"] = MitraCodes.Indomaret,
            ["payNo"] = checkout.PaymentCode!,
            ["payValidDt"] = JakartaTime.ToDate(checkout.ExpiresAt),
            ["payValidTm"] = JakartaTime.ToTime(checkout.ExpiresAt),
            ["amt"] = amount,
            ["transDt"] = JakartaTime.ToDate(now),
            ["transTm"] = JakartaTime.ToTime(now),
            ["currency"] = "IDR",
            ["goodsNm"] = checkout.GoodsName,
            ["billingNm"] = checkout.Customer.Name,
            ["matchCl"] = "1",
            ["status"] = "0",
            ["depositDt"] = JakartaTime.ToDate(now),
            ["depositTm"] = JakartaTime.ToTime(now),
            ["receiptCode"] = "RCPT" + checkout.ReferenceNo,
        };
        return new NicepayNotificationForm { Fields = fields, ReceivedAt = now, RemoteAddress = "103.20.51.33" };
    }

    private static Dictionary<string, string?> Settings(BenchmarkOptions options)
    {
        var secret = "whsec_" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("orchestrator-benchmark")));
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Orchestrator:PublicBaseUrl"] = "http://orchestrator.bench",
            ["Nicepay:BaseUrl"] = "http://nicepay.bench",
            [$"Merchants:{MerchantId}:Name"] = "Toko Bench",
            [$"Merchants:{MerchantId}:ApiKey"] = "api-key-bench",
            [$"Merchants:{MerchantId}:WebhookUrl"] = "http://merchant.bench/hooks",
            [$"Merchants:{MerchantId}:WebhookSecret"] = secret,
            [$"Merchants:{MerchantId}:Nicepay:IMid"] = IMid,
            [$"Merchants:{MerchantId}:Nicepay:MerchantKey"] = MerchantKey,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orchestrator"] = options.LogLevel,
        };
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal enum Phase
{
    Create,
    Notify,
    ConfirmAndFulfil,
    Lifecycle,
}

/// <summary>The measured window, in <see cref="Stopwatch"/> ticks.</summary>
internal readonly record struct Window(long Start, long End)
{
    /// <summary>The window that opens <paramref name="warmup"/> after <paramref name="begin"/> and lasts <paramref name="measured"/>.</summary>
    public static Window After(long begin, TimeSpan warmup, TimeSpan measured) =>
        new(begin + Ticks(warmup), begin + Ticks(warmup + measured));

    public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

/// <summary>One caller's counts and latencies inside the window (each caller owns its own: no sharing).</summary>
internal sealed class Caller(int index)
{
    private readonly List<long>[] _latencies = [[], [], [], []];

    public int Index => index;

    public long Transitions { get; private set; }

    public long Lifecycles { get; private set; }

    public IReadOnlyList<long> Latencies(Phase phase) => _latencies[(int)phase];

    public void Record(Window window, long at, Phase phase, long elapsedTicks, int transitions)
    {
        if (!window.Contains(at))
        {
            return;
        }

        _latencies[(int)phase].Add(elapsedTicks);
        Transitions += transitions;
        if (phase == Phase.Lifecycle)
        {
            Lifecycles++;
        }
    }
}

/// <summary>What the callers did inside the window.</summary>
internal sealed class LoadResult(IReadOnlyList<Caller> callers, TimeSpan measured)
{
    public TimeSpan Measured => measured;

    public long Transitions => callers.Sum(caller => caller.Transitions);

    public long Lifecycles => callers.Sum(caller => caller.Lifecycles);

    public double TransitionsPerSecond => Transitions / measured.TotalSeconds;

    public double LifecyclesPerSecond => Lifecycles / measured.TotalSeconds;

    /// <summary>Lifecycles per caller: the least and the most, to show that no caller starved.</summary>
    public (long Min, long Max) LifecyclesPerCaller => (callers.Min(c => c.Lifecycles), callers.Max(c => c.Lifecycles));

    /// <summary>The p50 and p99 of a phase, in milliseconds.</summary>
    public (double P50, double P99) Percentiles(Phase phase)
    {
        var all = callers.SelectMany(caller => caller.Latencies(phase)).Order().ToArray();
        if (all.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        double At(double quantile) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(quantile * all.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
        return (At(0.50), At(0.99));
    }
}
