using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Merchants;
using Orchestrator.Grains.Checkouts;
using Orchestrator.Grains.Search;
using Orchestrator.Grains.Webhooks;
using Orchestrator.Nicepay;

namespace Orchestrator.Grains;

/// <summary>Registers what the checkout grains need from the host.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>The grain storage provider the checkout and idempotency grains use.</summary>
    public const string StorageName = "checkouts";

    /// <summary>
    /// Registers the services the grains use: options (Merchants, Checkouts, Checkouts:Timing, Orchestrator, Nicepay),
    /// the NICEPAY client, the merchant directory, the webhook dispatcher and — unless the host registered one before —
    /// the in-memory operator read model. The host still configures Orleans itself
    /// (storage named <see cref="StorageName"/>, a reminder service whose minimum period is at most
    /// <see cref="CheckoutTimingOptions.PulsePeriod"/>) and registers an <c>ICheckoutEventSerializer</c>.
    /// </summary>
    public static IServiceCollection AddCheckoutGrains(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<MerchantsOptions>()
            .Configure(options => configuration.GetSection(MerchantsOptions.SectionName).Bind(options.Merchants));
        services.AddOptions<CheckoutRulesOptions>().Bind(configuration.GetSection(CheckoutRulesOptions.SectionName));
        services.AddOptions<CheckoutTimingOptions>().Bind(configuration.GetSection(CheckoutTimingOptions.SectionName))
            .Validate(o => o.PulsePeriod > TimeSpan.Zero && o.StatusCheckInterval > TimeSpan.Zero && o.WebhookTimeout > TimeSpan.Zero,
                "Checkouts:Timing periods must be positive.")
            .ValidateOnStart();
        services.AddOptions<OrchestratorOptions>().Bind(configuration.GetSection(OrchestratorOptions.SectionName))
            .Validate(o => o.PublicBaseUrl is { IsAbsoluteUri: true },
                "Orchestrator:PublicBaseUrl must be an absolute URL NICEPAY can reach (notifications go to {PublicBaseUrl}/callbacks/nicepay/{merchantId}).")
            .ValidateOnStart();

        services.AddNicepayClient();
        services.TryAddSingleton<MerchantDirectory>();

        // The operator read model: in memory unless the host registered a durable one first (PostgreSQL profile).
        services.AddInMemoryCheckoutIndex();

        services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A merchant endpoint must answer itself; following redirects would sign requests to other hosts.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.TryAddSingleton<WebhookDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
