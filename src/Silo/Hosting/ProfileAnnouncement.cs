using Microsoft.Extensions.Options;
using Orchestrator.Silo.Configuration;
using Orleans.Configuration;

namespace Orchestrator.Silo.Hosting;

/// <summary>
/// Says at start-up, before anything else starts, which storage profile runs and where: the first line to read when
/// a silo misbehaves. (The in-memory profile also warns loudly once the server listens.)
/// </summary>
internal sealed partial class ProfileAnnouncement(
    SiloProfile profile,
    IOptions<ClusterOptions> cluster,
    IOptions<EndpointOptions> endpoints,
    IOptions<ClusterMembershipOptions> membership,
    ILogger<ProfileAnnouncement> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (profile.IsPostgres)
        {
            var database = SiloProfile.DescribeDatabase(profile.ConnectionString!);
            var endpoint = endpoints.Value;
            var address = endpoint.AdvertisedIPAddress?.ToString() ?? "(unset)";
            var liveness = membership.Value;
            LogPostgres(
                database,
                cluster.Value.ClusterId,
                cluster.Value.ServiceId,
                address,
                endpoint.SiloPort,
                endpoint.GatewayPort,
                liveness.ProbeTimeout,
                liveness.NumMissedProbesLimit);
        }
        else
        {
            LogMemory(cluster.Value.ClusterId, cluster.Value.ServiceId);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Storage profile: POSTGRESQL ({Database}) for membership, grain state, reminders and the checkout index. "
        + "Cluster {ClusterId}, service {ServiceId}; this silo is {Address}:{SiloPort} (gateway {GatewayPort}); "
        + "probe timeout {ProbeTimeout}, {MissedProbes} missed probes to suspect a silo.")]
    private partial void LogPostgres(
        string database, string clusterId, string serviceId, string address, int siloPort, int gatewayPort, TimeSpan probeTimeout, int missedProbes);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Storage profile: IN MEMORY (development; cluster {ClusterId}, service {ServiceId}). Nothing survives this process.")]
    private partial void LogMemory(string clusterId, string serviceId);
}
