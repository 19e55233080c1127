namespace Orchestrator.Silo.Configuration;

/// <summary>How the co-hosted Orleans silo runs, bound from the <c>Orleans</c> section.</summary>
internal sealed class SiloHostingOptions
{
    public const string SectionName = "Orleans";

    /// <summary>Silo-to-silo port. Tests pick free ports: the silo binds real sockets even under a test server.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// PostgreSQL profile: the address other silos and clients reach this silo at, published in the membership table.
    /// Default: the host's first non-loopback IPv4 address (127.0.0.1 when it has none). The silo listens on every
    /// address; set this when the host has several, or behind NAT. The development profile always uses loopback.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>The Orleans cluster id.</summary>
    public string ClusterId { get; set; } = "orchestrator-dev";

    /// <summary>The Orleans service id (part of storage keys: never change it once there is data).</summary>
    public string ServiceId { get; set; } = "orchestrator";

    /// <summary>
    /// The shortest reminder period Orleans accepts. Orleans' default (1 minute) is right for production; the development
    /// profile lowers it so the demo's status checks and expiry run in seconds.
    /// </summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether the Orleans dashboard is served at <c>/dashboard</c> (operator key required).</summary>
    public bool Dashboard { get; set; } = true;
}
