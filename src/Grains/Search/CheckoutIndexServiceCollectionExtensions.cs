using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Contracts.Search;

namespace Orchestrator.Grains.Search;

/// <summary>Registers a checkout index: one instance serving both the grains' and the operators' side.</summary>
public static class CheckoutIndexServiceCollectionExtensions
{
    /// <summary>
    /// The in-memory read model (development profile, tests): <see cref="InMemoryCheckoutIndex"/> as itself,
    /// <see cref="ICheckoutIndex"/> and <see cref="ICheckoutSearch"/>. Does nothing when an index is already registered.
    /// </summary>
    public static IServiceCollection AddInMemoryCheckoutIndex(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<InMemoryCheckoutIndex>();
        services.TryAddSingleton<ICheckoutIndex>(provider => provider.GetRequiredService<InMemoryCheckoutIndex>());
        services.TryAddSingleton<ICheckoutSearch>(provider => provider.GetRequiredService<InMemoryCheckoutIndex>());
        return services;
    }
}
