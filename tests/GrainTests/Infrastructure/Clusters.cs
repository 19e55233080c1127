using Orleans.Configuration;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>
/// Work happens on demand: status checks only after a notification or an operator's request (the periodic check is
/// minutes away), so NICEPAY's call log of each test holds exactly what the test caused. Back-offs and webhook retries
/// are sub-second.
/// </summary>
public sealed class CheckoutClusterFixture : ClusterFixture
{
    /// <summary>The shared timings of the on-demand clusters.</summary>
    internal static readonly IReadOnlyDictionary<string, string> OnDemandTiming = new Dictionary<string, string>
    {
        ["PulsePeriod"] = "00:00:01",
        ["StatusCheckInterval"] = "00:05:00",
        ["InquiryBackoff:0"] = "00:00:00.400",
        ["InquiryBackoff:1"] = "00:00:00.800",
        ["InquiryBackoff:2"] = "00:00:01.600",
        ["ExpiryGrace"] = "00:00:00.500",
        ["ExpiryGiveUpAfter"] = "00:00:05",
        ["RegistrationBackoff:0"] = "00:00:00.500",
        ["RegistrationBackoff:1"] = "00:00:01",
        ["RegistrationSettleDelay"] = "00:00:00.500",
        ["RegistrationGiveUpAfter"] = "00:05:00",
        ["WebhookRetrySchedule:0"] = "00:00:00.500",
        ["WebhookRetrySchedule:1"] = "00:00:01",
        ["WebhookRetrySchedule:2"] = "00:00:01",
        ["WebhookTimeout"] = "00:00:02",
    };

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Timing => OnDemandTiming;
}

/// <summary>
/// Work happens on the grain's own schedule: a status check every 2 s while a payment is awaited, expiry half a second
/// after validity ends (locally 3 s later if NICEPAY does not answer), registration given up after 3 s. Tests here wait for reminders and timers.
/// </summary>
public sealed class SchedulingClusterFixture : ClusterFixture
{
    /// <summary>How often the status is checked while a payment is awaited.</summary>
    public static readonly TimeSpan StatusCheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long a failing final inquiry is retried before the checkout expires locally.</summary>
    public static readonly TimeSpan ExpiryGiveUpAfter = TimeSpan.FromSeconds(3);

    /// <summary>How long an unresolved registration is tried.</summary>
    public static readonly TimeSpan RegistrationGiveUpAfter = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Timing { get; } =
        new Dictionary<string, string>(CheckoutClusterFixture.OnDemandTiming)
        {
            ["StatusCheckInterval"] = "00:00:02",
            ["ExpiryGiveUpAfter"] = "00:00:03",
            ["RegistrationGiveUpAfter"] = "00:00:03",
        };
}

/// <summary>
/// On-demand timings, with failure detection tuned so a killed silo is declared dead within about two seconds
/// (defaults take ~15 s, stack-notes §4). Kill tests run only here: they change the cluster's shape.
/// </summary>
public sealed class DurabilityClusterFixture : ClusterFixture
{
    /// <inheritdoc />
    protected override void ConfigureClient(IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);

        // A call whose silo dies is not answered; fail it in seconds rather than after the default 30 s.
        client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(5));
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Timing => CheckoutClusterFixture.OnDemandTiming;

    /// <inheritdoc />
    protected override void ConfigureOrleans(ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(1);
            options.NumMissedProbesLimit = 2;
        });
    }

    /// <summary>
    /// Kills (no graceful shutdown: a crash) the silo hosting the grain's activation, then starts a replacement so the
    /// cluster has two silos again. Returns the killed silo's address.
    /// </summary>
    public async Task<SiloAddress> KillSiloHostingAsync(IAddressable grain)
    {
        var address = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        Assert.NotNull(address);
        var silo = Assert.Single(Cluster.Silos, s => s.SiloAddress.Equals(address));
        await Cluster.KillSiloAsync(silo);
        await Cluster.StartAdditionalSiloAsync();
        return address;
    }
}

/// <summary>Tests on the on-demand cluster.</summary>
[CollectionDefinition(Name)]
public sealed class CheckoutClusterDefinition : ICollectionFixture<CheckoutClusterFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Checkout cluster";
}

/// <summary>Tests on the scheduling cluster.</summary>
[CollectionDefinition(Name)]
public sealed class SchedulingClusterDefinition : ICollectionFixture<SchedulingClusterFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Scheduling cluster";
}

/// <summary>Webhook delivery tests: a second on-demand cluster, so their retry schedules run beside the other tests.</summary>
[CollectionDefinition(Name)]
public sealed class WebhookClusterDefinition : ICollectionFixture<CheckoutClusterFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Webhook cluster";
}

/// <summary>Expiry tests: a second cluster with the scheduling timings, so the two slow groups run side by side.</summary>
[CollectionDefinition(Name)]
public sealed class ExpiryClusterDefinition : ICollectionFixture<SchedulingClusterFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Expiry cluster";
}

/// <summary>Tests on the durability cluster.</summary>
[CollectionDefinition(Name)]
public sealed class DurabilityClusterDefinition : ICollectionFixture<DurabilityClusterFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Durability cluster";
}
