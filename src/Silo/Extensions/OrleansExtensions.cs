using Orchestrator.Api.Authentication;
using Orchestrator.Grains;
using Orchestrator.Silo.Configuration;
using Orleans.Dashboard;

namespace Orchestrator.Silo.Extensions;

internal static class OrleansExtensions
{
    internal const string ConnectionStringName = "Orleans";

    /// <summary>
    /// The co-hosted silo. Development: localhost clustering, in-memory grain storage and reminders. Anywhere else the
    /// state must be durable, and the PostgreSQL profile is not built yet, so start-up stops here with what to do.
    /// </summary>
    public static WebApplicationBuilder AddOrchestratorSilo(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(DurableProfileMessage(builder.Configuration.GetConnectionString(ConnectionStringName)));
        }

        var options = builder.Configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new SiloHostingOptions();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddMemoryGrainStorage(GrainsServiceCollectionExtensions.StorageName);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = options.MinimumReminderPeriod);
            if (options.Dashboard)
            {
                silo.AddDashboard();
            }
        });
        return builder;
    }

    /// <summary>The Orleans dashboard at <c>/dashboard</c>, for operator keys only.</summary>
    public static WebApplication MapOrleansDashboardForOperators(this WebApplication app)
    {
        var options = app.Configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new SiloHostingOptions();
        if (options.Dashboard)
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(OrchestratorPolicies.Operator);
        }

        return app;
    }

    internal static string DurableProfileMessage(string? connectionString) => string.IsNullOrWhiteSpace(connectionString)
        ? "The orchestrator keeps payments durably outside the Development environment, and ConnectionStrings:Orleans is not set. "
            + "Set ConnectionStrings:Orleans (environment variable ConnectionStrings__Orleans) to the PostgreSQL connection string, "
            + "or run the in-memory development profile with ASPNETCORE_ENVIRONMENT=Development (dotnet run --project src/Silo)."
        : "ConnectionStrings:Orleans is set, but this build has no PostgreSQL profile yet (it arrives with the durable production "
            + "profile, issue 4). Run the in-memory development profile with ASPNETCORE_ENVIRONMENT=Development.";
}
