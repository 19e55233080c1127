using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;

namespace Orchestrator.Storage.Hosting;

/// <summary>Wires Orleans to Orchestrator's PostgreSQL schema.</summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql, which the Orleans providers use to load it.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Uses PostgreSQL for cluster membership, for the grain storage named
    /// <see cref="PostgresStorageOptions.GrainStorageName"/> (System.Text.Json state, see <see cref="GrainStateJson"/>)
    /// and for reminders. The database must already have Orchestrator's schema
    /// (<see cref="Migrations.SchemaMigrator"/>): the providers load their queries from it when the silo starts, and
    /// unless <see cref="PostgresStorageOptions.VerifySchemaOnStart"/> is off the silo refuses to start, saying so, when
    /// migrations are pending.
    /// </summary>
    /// <param name="builder">The silo.</param>
    /// <param name="connectionString">An Npgsql connection string; pool size, application name and auto-prepare are set from <paramref name="options"/>.</param>
    /// <param name="options">Storage name, pool sizes.</param>
    public static ISiloBuilder AddOrchestratorPostgres(
        this ISiloBuilder builder, string connectionString, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.GrainStorageName))
        {
            throw new ArgumentException("PostgresStorageOptions.GrainStorageName is required (the storage name grains use in [PersistentState]).", nameof(options));
        }

        // Two pools (Npgsql pools by connection string, and the application name differs): membership must not wait
        // behind state writes. Grain state and reminders share the main pool.
        var stateConnectionString = CreateConnectionString(
            connectionString, "orchestrator-state", options.MaxPoolSize, options.MaxAutoPrepare);
        var membershipConnectionString = CreateConnectionString(
            connectionString, "orchestrator-membership", options.MembershipMaxPoolSize, options.MaxAutoPrepare);
        var serializer = GrainStateJson.CreateSerializer();

        builder.UseAdoNetClustering((AdoNetClusteringSiloOptions o) =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = membershipConnectionString;
        });
        builder.AddAdoNetGrainStorage(options.GrainStorageName, (AdoNetGrainStorageOptions o) =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = stateConnectionString;
            o.GrainStorageSerializer = serializer;
            o.DeleteStateOnClear = options.DeleteStateOnClear;
        });
        builder.UseAdoNetReminderService((AdoNetReminderTableOptions o) =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = stateConnectionString;
        });
        if (options.VerifySchemaOnStart)
        {
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => new SchemaVersionCheck(
                connectionString, provider.GetRequiredService<ILogger<SchemaVersionCheck>>()));
        }

        return builder;
    }

    /// <summary>
    /// The connection string a provider gets: the given one with <c>Maximum Pool Size</c>, <c>Application Name</c> (so
    /// that <c>pg_stat_activity</c> shows which pool a connection belongs to) and <c>Max Auto Prepare</c> set.
    /// </summary>
    public static string CreateConnectionString(string connectionString, string applicationName, int maxPoolSize, int maxAutoPrepare)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPoolSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAutoPrepare);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = applicationName,
            MaxPoolSize = maxPoolSize,
            MaxAutoPrepare = maxAutoPrepare,
        };
        if (builder.MinPoolSize > maxPoolSize)
        {
            builder.MinPoolSize = maxPoolSize;
        }

        return builder.ConnectionString;
    }
}
