using Orchestrator.Storage.Hosting;
using Orchestrator.Storage.Migrations;
using Orchestrator.StorageTests.Grains;
using Orchestrator.StorageTests.Infrastructure;
using Orchestrator.TestSupport.Postgres;
using Orleans.TestingHost;

namespace Orchestrator.StorageTests;

/// <summary>A silo never starts against a schema it does not match, and says what to do.</summary>
[Collection(SharedPostgres.Name)]
public sealed class SchemaCheckTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task EnsureUpToDate_OnAPartlyMigratedDatabase_NamesThePendingMigrationsAndTheCommand()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator(SchemaMigration.Embedded.Take(2)).MigrateAsync(database);

        var refusal = await Assert.ThrowsAsync<SchemaMigrationException>(() => new SchemaMigrator().EnsureUpToDateAsync(database));

        Assert.StartsWith("The PostgreSQL schema is at V002 but this build needs V005 (pending: V003 grain_storage, V004 reminders, V005 checkout_index).", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("migrate command", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureUpToDate_AfterMigration_ReturnsTheStatus()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(database);

        var status = await new SchemaMigrator().EnsureUpToDateAsync(database);

        Assert.Equal(5, status.CurrentVersion);
    }

    [Fact]
    public async Task Silo_OnAnEmptyDatabase_RefusesToStartAndSaysToMigrate()
    {
        var database = await postgres.CreateDatabaseAsync();
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSilo((_, silo) => silo.AddOrchestratorPostgres(
            database, new PostgresStorageOptions { GrainStorageName = ProbeStorage.Name }));
        var cluster = builder.Build();
        try
        {
            var failure = await Record.ExceptionAsync(() => cluster.DeployAsync());

            Assert.NotNull(failure);
            var refusal = Flatten(failure).OfType<SchemaMigrationException>().FirstOrDefault();
            Assert.True(refusal is not null, "Expected a SchemaMigrationException, got: " + failure);
            Assert.StartsWith("The PostgreSQL schema is at empty but this build needs V005", refusal.Message, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        List<Exception> children = exception is AggregateException aggregate
            ? [.. aggregate.InnerExceptions]
            : exception.InnerException is { } single ? [single] : [];
        foreach (var child in children.SelectMany(Flatten))
        {
            yield return child;
        }
    }
}
