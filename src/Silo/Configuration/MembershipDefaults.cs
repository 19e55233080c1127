using Orleans.Configuration;

namespace Orchestrator.Silo.Configuration;

/// <summary>
/// The membership timings of the PostgreSQL profile, chosen for a quick takeover when a silo dies; every one can be
/// overridden under <c>Orleans:Membership</c> (e.g. <c>Orleans:Membership:ProbeTimeout=00:00:05</c>). See
/// src/Silo/README.md, "Membership timings", for the trade-off.
/// </summary>
internal static class MembershipDefaults
{
    /// <summary>The configuration section bound onto <see cref="ClusterMembershipOptions"/>.</summary>
    public const string SectionName = "Orleans:Membership";

    /// <summary>Initial probe timeout (Orleans: 5 s). Adaptive between half of it and four times it.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes before a silo is suspected (Orleans: 3).</summary>
    public const int NumMissedProbesLimit = 2;

    /// <summary>How often a silo writes its heartbeat row (Orleans: 30 s).</summary>
    public static readonly TimeSpan IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long dead silos' rows are kept (Orleans: 7 days).</summary>
    public static readonly TimeSpan DefunctSiloExpiration = TimeSpan.FromDays(1);

    /// <summary>How often dead rows older than that are cleaned up (Orleans: 1 hour).</summary>
    public static readonly TimeSpan DefunctSiloCleanupPeriod = TimeSpan.FromHours(1);

    /// <summary>Registers the membership options: these defaults, then <c>Orleans:Membership</c> bound on top.</summary>
    public static IServiceCollection AddMembershipTimings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterMembershipOptions>()
            .Configure(Apply)
            .Bind(configuration.GetSection(SectionName));
        return services;
    }

    /// <summary>Applies the defaults; configuration is bound on top.</summary>
    public static void Apply(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Detection ≈ NumMissedProbesLimit × the effective probe timeout (adapts between 1 s and 8 s with these values,
        // towards the observed round trip): a few seconds on a healthy network instead of ~15 s. Two misses, not one,
        // and 2 s, not 1 s, so that a GC pause or a starved thread pool on a busy 2-core host does not get a live silo
        // evicted (an evicted silo stops itself and its grains move).
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit;

        // Heartbeats are one UPDATE per silo; more often makes a crashed silo's row look stale sooner (3 missed
        // heartbeats = 30 s) to silos joining after a whole-cluster crash.
        options.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout;

        // Dead rows are evidence for a post-mortem for a day, then go; Orleans keeps them at least an hour regardless.
        options.DefunctSiloExpiration = DefunctSiloExpiration;
        options.DefunctSiloCleanupPeriod = DefunctSiloCleanupPeriod;
    }
}
