using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orchestrator.Silo.Health;

/// <summary>Ready when this process's silo is an active member of the cluster, i.e. it can host and call grains.</summary>
internal sealed class SiloReadinessHealthCheck(IClusterMembershipService membership, ILocalSiloDetails localSilo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active.")
            : HealthCheckResult.Unhealthy($"The silo is {status}."));
    }
}
