using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Storage.Hosting;
using Orchestrator.Storage.Migrations;
using Orchestrator.StorageTests.Grains;
using Orchestrator.TestSupport.Postgres;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Orchestrator.StorageTests.Infrastructure;

/// <summary>
/// A two-silo in-process Orleans cluster whose membership, grain state and reminders all go through the real Orleans
/// ADO.NET providers to a private PostgreSQL migrated with Orchestrator's schema, wired exactly as the silo wires them
/// (<see cref="PostgresSiloBuilderExtensions.AddOrchestratorPostgres"/>). The client finds its gateways through the
/// same membership table.
/// </summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private InProcessTestCluster? _cluster;

    /// <summary>The database the cluster uses.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>The cluster id (the membership table's deployment id).</summary>
    public string ClusterId => Cluster.Options.ClusterId;

    /// <summary>The service id (the state and reminder tables' service id).</summary>
    public string ServiceId => Cluster.Options.ServiceId;

    /// <summary>Reminder ticks observed by the silos.</summary>
    public ReminderTicks ReminderTicks { get; } = new();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartNewAsync();
        ConnectionString = await _server.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(ConnectionString);

        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.Options.ConfigureFileLogging = false;
        UseRealMembership(builder.Options);
        var connectionString = ConnectionString;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrchestratorPostgres(connectionString, new PostgresStorageOptions
            {
                GrainStorageName = ProbeStorage.Name,
                MaxPoolSize = 8,
                MembershipMaxPoolSize = 2,
            });
            silo.AddAdoNetGrainStorage(ProbeStorage.Deleting, (AdoNetGrainStorageOptions o) =>
            {
                o.Invariant = PostgresSiloBuilderExtensions.Invariant;
                o.ConnectionString = connectionString;
                o.GrainStorageSerializer = GrainStateJson.CreateSerializer();
                o.DeleteStateOnClear = true;
            });
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddSingleton(ReminderTicks);
        });
        builder.ConfigureClient(client => client.UseAdoNetClustering((AdoNetClusteringClientOptions o) =>
        {
            o.Invariant = PostgresSiloBuilderExtensions.Invariant;
            o.ConnectionString = connectionString;
        }));

        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>
    /// The in-process test cluster shares an in-memory membership table between its silos unless told otherwise, and
    /// 10.4.2 has no public switch for it (the out-of-process TestCluster has one). Turning it off makes the silos
    /// (and the client's gateway list) use the ADO.NET membership under test.
    /// </summary>
    private static void UseRealMembership(InProcessTestClusterOptions options)
    {
        var property = typeof(InProcessTestClusterOptions).GetProperty(
                "UseTestClusterMembership", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException(
                "InProcessTestClusterOptions.UseTestClusterMembership is gone: find the new way to use real membership in the test cluster.");
        property.SetValue(options, false);
    }
}

/// <summary>Tests on the shared PostgreSQL-backed cluster run one at a time (some restart silos).</summary>
[CollectionDefinition(Name)]
public sealed class SharedPostgresCluster : ICollectionFixture<PostgresClusterFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "PostgreSQL cluster";
}
