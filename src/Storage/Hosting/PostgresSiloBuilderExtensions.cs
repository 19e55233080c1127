using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;

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

        // A storage call that fails on one silo is often answered to another (the grain, or the reminder service's
        // share of the ring, lives elsewhere). Orleans serializes exceptions only from namespaces it trusts (System,
        // Microsoft, Azure): without Npgsql's, the answer itself fails and the caller gets a CodecNotFoundException
        // instead of the database error — an HTTP 500 where the retryable 503 is due.
        builder.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add(nameof(Npgsql)));
        if (options.VerifySchemaOnStart)
        {
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => new SchemaVersionCheck(
                connectionString, provider.GetRequiredService<ILogger<SchemaVersionCheck>>()));
        }

        return builder;
    }

    /// <summary>
    /// The connection string a provider gets: the given one with <c>Maximum Pool Size</c>, <c>Application Name</c> (so
    /// that <c>pg_stat_activity</c> shows which pool a connection belongs to), <c>Max Auto Prepare</c> and
    /// <c>No Reset On Close</c> set.
    /// </summary>
    /// <remarks>
    /// <c>No Reset On Close</c>: the Orleans providers open a pooled connection for every single query and close it
    /// after. By default Npgsql then resets the session before the connection's next use, and once statements are
    /// prepared that reset is seven statements (<c>SET SESSION AUTHORIZATION DEFAULT; RESET ALL; CLOSE ALL; UNLISTEN *;
    /// SELECT pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP</c>) sent ahead of every provider query — about
    /// 70 statements per checkout lifecycle, measured (docs/benchmarks.md). Nothing on these pools changes session
    /// state (no SET, LISTEN, advisory lock, temporary table or cursor; the migrator, which takes an advisory lock, uses
    /// its own unpooled connection), so there is nothing to reset.
    /// </remarks>
    public static string CreateConnectionString(string connectionString, string applicationName, int maxPoolSize, int maxAutoPrepare)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPoolSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAutoPrepare);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = applicationName,
            MaxPoolSize = maxPoolSize,
            MaxAutoPrepare = maxAutoPrepare,
            NoResetOnClose = true,
        };
        if (builder.MinPoolSize > maxPoolSize)
        {
            builder.MinPoolSize = maxPoolSize;
        }

        return builder.ConnectionString;
    }
}
