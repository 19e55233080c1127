using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Search;

namespace Orchestrator.Storage.Search;

/// <summary>Registers the PostgreSQL read model.</summary>
public static class PostgresCheckoutIndexServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="PostgresCheckoutIndex"/> as itself, as <see cref="ICheckoutIndex"/> (grains publish to
    /// it), as <see cref="ICheckoutSearch"/> (operators query it) and as a hosted service (its writer). Call it before
    /// the Orleans silo is added, so the writer starts before the silo and stops after it.
    /// </summary>
    public static IServiceCollection AddPostgresCheckoutIndex(
        this IServiceCollection services, string connectionString, PostgresCheckoutIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(provider => new PostgresCheckoutIndex(
            connectionString,
            options,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<PostgresCheckoutIndex>>()));
        services.AddSingleton<ICheckoutIndex>(provider => provider.GetRequiredService<PostgresCheckoutIndex>());
        services.AddSingleton<ICheckoutSearch>(provider => provider.GetRequiredService<PostgresCheckoutIndex>());
        services.AddHostedService(provider => provider.GetRequiredService<PostgresCheckoutIndex>());
        return services;
    }
}
