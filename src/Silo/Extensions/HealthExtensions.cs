using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orchestrator.Silo.Health;

namespace Orchestrator.Silo.Extensions;

internal static class HealthExtensions
{
    private const string ReadyTag = "ready";

    /// <summary>Liveness needs nothing but the process; readiness needs an active silo.</summary>
    public static IServiceCollection AddOrchestratorHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SiloReadinessHealthCheck>("orleans-silo", tags: [ReadyTag]);
        return services;
    }

    /// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (the silo is active). Anonymous.</summary>
    public static WebApplication MapOrchestratorHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return app;
    }
}
