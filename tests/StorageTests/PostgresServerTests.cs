using Npgsql;
using Orchestrator.StorageTests.Infrastructure;
using Orchestrator.TestSupport.Postgres;

namespace Orchestrator.StorageTests;

/// <summary>The fixture's stop/start controls, which the database-restart drills rely on.</summary>
[Collection(SharedPostgres.Name)]
public sealed class PostgresServerTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Restart_AfterACrash_KeepsThePortAndCommittedData()
    {
        var database = Unpooled(await postgres.CreateDatabaseAsync());
        await Db.ExecuteAsync(database, "CREATE TABLE drill (id int PRIMARY KEY); INSERT INTO drill VALUES (1), (2);");
        var port = postgres.Server.Port;

        await postgres.Server.RestartAsync(immediate: true);

        Assert.Equal(port, postgres.Server.Port);
        Assert.True(postgres.Server.IsRunning);
        Assert.Equal(2L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM drill"));
    }

    [Fact]
    public async Task Stop_RefusesConnectionsUntilStartedAgain()
    {
        var database = Unpooled(await postgres.CreateDatabaseAsync());

        await postgres.Server.StopAsync();
        var refused = await Record.ExceptionAsync(() => Db.ScalarAsync<int>(database, "SELECT 1"));
        await postgres.Server.StartAsync();

        Assert.IsType<NpgsqlException>(refused, exactMatch: false);
        Assert.Equal(1, await Db.ScalarAsync<int>(database, "SELECT 1"));
    }

    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 }.ConnectionString;
}
