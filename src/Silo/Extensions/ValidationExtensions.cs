using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Merchants;
using Orchestrator.Silo.Configuration;

namespace Orchestrator.Silo.Extensions;

internal static class ValidationExtensions
{
    /// <summary>
    /// Validates the configuration when the host starts, before the silo and the server: merchants, API keys, checkout
    /// rules. A bad value stops start-up with messages naming each key to fix. (Nicepay:BaseUrl, Orchestrator:PublicBaseUrl
    /// and Checkouts:Timing are validated by the projects that own them: the NICEPAY client and the grains.)
    /// </summary>
    public static IServiceCollection AddOrchestratorConfigurationValidation(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MerchantsOptions>, MerchantsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MerchantsOptions>, ApiKeysValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CheckoutRulesOptions>, CheckoutRulesOptionsValidator>());

        services.AddOptions<MerchantsOptions>().ValidateOnStart();
        services.AddOptions<CheckoutRulesOptions>().ValidateOnStart();
        return services;
    }
}
