using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.Grains;
using Orchestrator.Grains.Webhooks;
using Orchestrator.Nicepay;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>A merchant as configured in the test clusters.</summary>
public sealed record TestMerchant(string Id, string Name, string IMid, string MerchantKey, Uri WebhookUrl, string WebhookSecret);

/// <summary>
/// One in-process Orleans cluster of two silos running the production grain wiring (<c>AddCheckoutGrains</c>), with
/// NICEPAY and the merchants' webhook endpoints replaced by in-memory fakes, grain state and reminders in kill-safe
/// stores shared by both silos, and real time. Derived fixtures choose the timings; each is shared by one xunit
/// collection, and every test uses fresh references so tests stay independent.
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    /// <summary>Merchant one.</summary>
    public static readonly TestMerchant MerchantOne = new(
        "m1", "Toko Satu", "MERCHANT01", "merchant-key-one-33F5C1", new Uri("http://merchant.test/hooks"), Secret("m1"));

    /// <summary>Merchant two.</summary>
    public static readonly TestMerchant MerchantTwo = new(
        "m2", "Toko Dua", "MERCHANT02", "merchant-key-two-9A17E0", new Uri("http://merchant-two.test/hooks"), Secret("m2"));

    /// <summary>
    /// Merchant three: its iMid has NICEPAY's duplicate-reference check off (<c>DuplicateReferenceCheck=false</c>), so a
    /// registration sent twice would issue two payment codes.
    /// </summary>
    public static readonly TestMerchant MerchantThree = new(
        "m3", "Toko Tiga", "MERCHANT03", "merchant-key-three-5B02D4", new Uri("http://merchant-three.test/hooks"), Secret("m3"));

    private InProcessTestCluster? _cluster;

    /// <summary>Starts the fakes in the state the configuration describes.</summary>
    protected ClusterFixture() => Nicepay.DisableDuplicateReferenceCheck(MerchantThree.IMid);

    /// <summary>The NICEPAY every silo talks to.</summary>
    public FakeNicepay Nicepay { get; } = new(TimeProvider.System);

    /// <summary>The merchants' webhook endpoints.</summary>
    public MerchantEndpoint Webhooks { get; } = new(TimeProvider.System);

    /// <summary>The grain state store behind both silos.</summary>
    public SharedGrainStore Storage { get; } = new();

    /// <summary>The reminder table behind both silos.</summary>
    public SharedReminderTable Reminders { get; } = new();

    /// <summary>What the silos logged (orchestrator lines, Orleans errors).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>The cluster client.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary><c>Checkouts:Timing</c> values (keys relative to that section; list items as <c>Name:0</c>, …).</summary>
    protected abstract IReadOnlyDictionary<string, string> Timing { get; }

    /// <summary>Extra Orleans configuration for every silo.</summary>
    protected virtual void ConfigureOrleans(ISiloBuilder silo)
    {
    }

    /// <summary>Extra configuration for the cluster client.</summary>
    protected virtual void ConfigureClient(IClientBuilder client)
    {
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var settings = Settings();
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Logging.AddProvider(Logs);

            // The production registration, then the fakes in place of NICEPAY and the merchants' endpoints.
            host.Services.AddCheckoutGrains(host.Configuration);
            host.Services.Replace(ServiceDescriptor.Singleton<INicepayClient>(Nicepay));
            host.Services.AddHttpClient(WebhookDispatcher.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new MerchantEndpointHandler(Webhooks));
            host.Services.AddSingleton<ICheckoutEventSerializer, JsonCheckoutEventSerializer>();
        });
        builder.ConfigureSilo((_, silo) =>
        {
            // Kill-safe storage and reminders: the same instances on every silo (see SharedGrainStore, SharedReminderTable).
            silo.Services.AddGrainStorage(GrainsServiceCollectionExtensions.StorageName,
                (services, _) => new SharedGrainStorage(Storage, services.GetRequiredService<Serializer>()));
            silo.AddReminders();
            silo.Services.AddSingleton<IReminderTable>(Reminders);
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            ConfigureOrleans(silo);
        });
        builder.ConfigureClient(ConfigureClient);
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>A fresh merchant reference (1–40 of [A-Za-z0-9._-]), prefixed for readable logs.</summary>
    public static string NewReference(string scenario) =>
        $"{scenario}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>A create command; valid for <paramref name="validity"/> (10 minutes when null).</summary>
    public static CreateCheckoutCommand NewCommand(long amount = 150_000, StoreNetwork store = StoreNetwork.Indomaret, TimeSpan? validity = null) => new()
    {
        Amount = amount,
        Store = store,
        GoodsName = "Kopi Susu 1 kg",
        Customer = new Customer { Name = "Budi Santoso", Phone = "+62 812-3456-7890", Email = "budi@example.co.id" },
        ExpiresAt = DateTimeOffset.UtcNow + (validity ?? TimeSpan.FromMinutes(10)),
        Metadata = new Dictionary<string, string> { ["orderId"] = "A-1001" },
    };

    /// <summary>The checkout grain of a merchant's reference.</summary>
    public ICheckoutGrain Checkout(TestMerchant merchant, string referenceNo)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        return Client.GetGrain<ICheckoutGrain>(CheckoutKey.Format(merchant.Id, referenceNo));
    }

    /// <summary>Creates a checkout and asserts that NICEPAY issued its payment code in the create call.</summary>
    public async Task<(ICheckoutGrain Checkout, CheckoutSnapshot Snapshot)> CreateRegisteredAsync(
        TestMerchant merchant, string referenceNo, CreateCheckoutCommand? command = null)
    {
        var checkout = Checkout(merchant, referenceNo);
        var result = await checkout.CreateAsync(command ?? NewCommand());
        Assert.Equal(CreateCheckoutOutcome.Created, result.Outcome);
        Assert.Equal(CheckoutStatus.Registered, result.Checkout.Status);
        return (checkout, result.Checkout);
    }

    /// <summary>The whole state; fails when the checkout does not exist.</summary>
    public static async Task<CheckoutDetails> DetailsAsync(ICheckoutGrain checkout)
    {
        ArgumentNullException.ThrowIfNull(checkout);
        var details = await checkout.GetDetailsAsync();
        Assert.NotNull(details);
        return details;
    }

    /// <summary>
    /// Polls the checkout until <paramref name="condition"/> holds; on timeout fails with the grain key, its status,
    /// journal, deliveries and anomalies, NICEPAY's calls and the grain's log lines.
    /// </summary>
    public Task<CheckoutDetails> WaitForAsync(
        ICheckoutGrain checkout, Func<CheckoutDetails, bool> condition, string expectation, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(checkout);
        return Eventually.UntilAsync(
            async () => await checkout.GetDetailsAsync() ?? throw new InvalidOperationException("the checkout does not exist"),
            condition,
            (details, error) => $"{checkout.GetPrimaryKeyString()}: expected {expectation}.{Environment.NewLine}{Describe(details, error)}",
            timeout)!;
    }

    /// <summary>Waits for a status.</summary>
    public Task<CheckoutDetails> WaitForStatusAsync(ICheckoutGrain checkout, CheckoutStatus status, TimeSpan? timeout = null) =>
        WaitForAsync(checkout, details => details.Checkout.Status == status, $"status {status}", timeout);

    /// <summary>A readable dump of a checkout for failure messages.</summary>
    public string Describe(CheckoutDetails? details, Exception? error = null)
    {
        var text = new StringBuilder();
        if (error is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"last error: {error.GetType().Name}: {error.Message}");
        }

        if (details is null)
        {
            return text.Append("no details read").ToString();
        }

        var checkout = details.Checkout;
        var key = CheckoutKey.Format(checkout.MerchantId, checkout.ReferenceNo);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"status {checkout.Status}, version {checkout.Version}, tXid {checkout.TransactionId}, attention {checkout.RequiresAttention}, failure {checkout.FailureReason}");
        text.AppendLine("journal:");
        foreach (var entry in details.Journal)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  v{entry.Version} {entry.At:HH:mm:ss.fff} {entry.From}->{entry.To} {entry.Trigger} ({entry.Cause}) {entry.Details}");
        }

        text.AppendLine("webhooks:");
        foreach (var delivery in details.WebhookDeliveries)
        {
            var attempts = string.Join(", ", delivery.Attempts.Select(a => $"{a.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? a.Error}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"  {delivery.Type} {delivery.EventId} v{delivery.Version} {delivery.State} [{attempts}]");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"anomalies: {string.Join("; ", details.Anomalies.Select(a => a.Kind))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"scheduled: {string.Join("; ", details.Reminders.Select(r => $"{r.Name} at {r.DueAt:HH:mm:ss.fff}"))}");
        text.AppendLine("NICEPAY calls:");
        foreach (var call in Nicepay.CallsFor(checkout.ReferenceNo))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {call.At:HH:mm:ss.fff} {call.Operation} {call.IMid} tXid '{call.TransactionId}': {call.Answer}");
        }

        text.AppendLine("log:");
        foreach (var line in Logs.Mentioning(key))
        {
            text.AppendLine("  " + line);
        }

        return text.ToString();
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Orchestrator:PublicBaseUrl"] = "http://orchestrator.test",
            ["Nicepay:BaseUrl"] = "http://nicepay.test",
        };

        settings[$"Merchants:{MerchantThree.Id}:Nicepay:DuplicateReferenceCheck"] = "false";
        foreach (var merchant in new[] { MerchantOne, MerchantTwo, MerchantThree })
        {
            var prefix = $"Merchants:{merchant.Id}:";
            settings[prefix + "Name"] = merchant.Name;
            settings[prefix + "ApiKey"] = $"api-key-{merchant.Id}";
            settings[prefix + "WebhookUrl"] = merchant.WebhookUrl.AbsoluteUri;
            settings[prefix + "WebhookSecret"] = merchant.WebhookSecret;
            settings[prefix + "Nicepay:IMid"] = merchant.IMid;
            settings[prefix + "Nicepay:MerchantKey"] = merchant.MerchantKey;
        }

        foreach (var (key, value) in Timing)
        {
            settings["Checkouts:Timing:" + key] = value;
        }

        return settings;
    }

    private static string Secret(string seed) =>
        "whsec_" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("grain-tests-webhook-secret-" + seed)));
}
