using Orchestrator.Api.Authentication;
using Orchestrator.Api.Limits;
using Orchestrator.Grains;
using Orchestrator.Grains.Search;
using Orchestrator.Silo.Configuration;
using Orchestrator.Silo.Hosting;
using Orchestrator.Storage.Hosting;
using Orchestrator.Storage.Search;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Orchestrator.Silo.Extensions;

internal static class OrleansExtensions
{
    /// <summary>
    /// The co-hosted silo, in the storage profile configuration selects (<see cref="SiloProfile.Resolve"/>):
    /// <list type="bullet">
    /// <item><c>ConnectionStrings:Orleans</c> set (any environment): PostgreSQL for membership, grain state, reminders
    /// and the operator read model; endpoints and membership timings from <c>Orleans:*</c>.</item>
    /// <item>otherwise, Development: localhost clustering, everything in memory.</item>
    /// <item>otherwise: start-up stops, saying what to set.</item>
    /// </list>
    /// </summary>
    public static WebApplicationBuilder AddOrchestratorSilo(this WebApplicationBuilder builder)
    {
        var profile = SiloProfile.Resolve(builder.Configuration, builder.Environment);
        var options = builder.Configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new SiloHostingOptions();
        builder.Services.AddSingleton(profile);

        // Registered before the silo so that they start before it (and, for the index writer, stop after it).
        builder.Services.AddHostedService<ProfileAnnouncement>();
        var postgres = profile.IsPostgres ? AddPostgresServices(builder, profile.ConnectionString!, options) : null;
        if (postgres is null)
        {
            builder.Services.AddInMemoryCheckoutIndex();
        }

        builder.UseOrleans(silo =>
        {
            if (postgres is null)
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
                silo.AddMemoryGrainStorage(GrainsServiceCollectionExtensions.StorageName);
                silo.UseInMemoryReminderService();
            }
            else
            {
                silo.Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = options.ClusterId;
                    cluster.ServiceId = options.ServiceId;
                });
                silo.ConfigureEndpoints(
                    AdvertisedAddress.Resolve(options.AdvertisedIPAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
                silo.Services.AddMembershipTimings(builder.Configuration);
                silo.AddOrchestratorPostgres(profile.ConnectionString!, postgres.ToStorageOptions());
            }

            silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = options.MinimumReminderPeriod);
            if (options.Dashboard)
            {
                silo.AddDashboard();
            }
        });
        return builder;
    }

    /// <summary>The Orleans dashboard at <c>/dashboard</c>, for operator keys only, rate-limited like <c>/ops</c>.</summary>
    public static WebApplication MapOrleansDashboardForOperators(this WebApplication app)
    {
        var options = app.Configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new SiloHostingOptions();
        if (options.Dashboard)
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard")
                .RequireAuthorization(OrchestratorPolicies.Operator)
                .RequireRateLimiting(OrchestratorRateLimitPolicies.Caller)
                .AddEndpointFilter(RejectUnreadableDashboardRouteValues);
        }

        return app;
    }

    /// <summary>
    /// The dashboard parses silo addresses and grain types out of its routes only when it activates the grain that serves
    /// them, and lets the parse error escape: a mistyped address (<c>/dashboard/SiloStats/x</c>) would be a 500. It is the
    /// caller's mistake, so it is a 400 ProblemDetails; every other failure is left to the exception handler.
    /// </summary>
    private static async ValueTask<object?> RejectUnreadableDashboardRouteValues(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception exception) when (IsRouteValueFormatError(exception))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The dashboard route is not valid",
                detail: $"A value in '{context.HttpContext.Request.Path}' could not be read (a silo address looks like 127.0.0.1:11111@123456789).");
        }

        static bool IsRouteValueFormatError(Exception exception)
        {
            for (var current = exception; current is not null; current = current.InnerException)
            {
                if (current is FormatException)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>What the PostgreSQL profile runs beside the silo: the schema step at start and the read model.</summary>
    private static PostgresProfileOptions AddPostgresServices(WebApplicationBuilder builder, string connectionString, SiloHostingOptions hosting)
    {
        var postgres = PostgresProfileOptions.Read(builder.Configuration, hosting.ServiceId);
        if (postgres.MigrateOnStart)
        {
            builder.Services.AddHostedService(provider => new SchemaMigrationOnStart(
                connectionString, provider.GetRequiredService<ILogger<SchemaMigrationOnStart>>()));
        }

        builder.Services.AddPostgresCheckoutIndex(connectionString, postgres.CheckoutIndex);
        return postgres;
    }
}
