using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.NicepaySandbox.Faults;
using Orchestrator.NicepaySandbox.Hosting;
using Orchestrator.NicepaySandbox.Ledger;
using Orchestrator.NicepaySandbox.Notifications;

namespace Orchestrator.NicepaySandbox;

/// <summary>Registers the NICEPAY sandbox in any ASP.NET Core host (standalone, or the Silo's development profile).</summary>
public static class SandboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the sandbox's options (validated on start), in-memory ledger, fault registry and notification dispatcher.
    /// Uses the <see cref="TimeProvider"/> registered in DI (the system clock when there is none), so tests can swap it.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The <c>Sandbox</c> configuration section.</param>
    public static IServiceCollection AddNicepaySandbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<SandboxOptions>()
            .Bind(configuration)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SandboxOptions>, SandboxOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SandboxOptions>, SandboxOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FaultRegistry>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<NotificationPlanner>();
        services.AddSingleton<TransactionLedger>();
        services.AddHostedService<NotificationDispatcher>();

        // NICEPAY's notifier is an old Commons HttpClient: it does not follow redirects, and a 3xx is not a delivery.
        services.AddHttpClient(NotificationDispatcher.HttpClientName)
            .ConfigureHttpClient((provider, client) =>
            {
                client.Timeout = provider.GetRequiredService<IOptionsMonitor<SandboxOptions>>().CurrentValue.NotificationTimeout;
                client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", NotificationDispatcher.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }
}
