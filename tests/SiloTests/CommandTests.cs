using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orchestrator.Silo.Commands;
using Orchestrator.SiloTests.Infrastructure;
using Orchestrator.Storage.Migrations;
using Orchestrator.TestSupport.Postgres;

namespace Orchestrator.SiloTests;

/// <summary>The <c>migrate</c> and <c>reindex</c> commands: what they print, their exit codes, and the real executable.</summary>
[Collection(SharedPostgres.Name)]
public sealed class CommandTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Migrate_RunTwice_AppliesEveryMigrationThenSaysNothingToDo()
    {
        var database = await postgres.CreateDatabaseAsync();

        var first = await RunAsync(MigrateCommand.RunAsync, database);
        var second = await RunAsync(MigrateCommand.RunAsync, database);

        Assert.Equal(0, first.ExitCode);
        Assert.Matches(@"^migrate: postgres@127\.0\.0\.1:\d+/db_\w+$", first.Output[0]);
        Assert.Equal(SchemaMigration.Embedded.Count, first.Output.Count(line => line.StartsWith("applied V", StringComparison.Ordinal)));
        Assert.Equal("schema at V005 (was empty)", first.Output[^1]);
        Assert.Equal((0, "nothing to do: schema at V005"), (second.ExitCode, second.Output[^1]));
        Assert.Empty(first.Errors.Concat(second.Errors));
    }

    [Fact]
    public async Task Migrate_WithoutConnectionString_Exits2SayingWhatToSet()
    {
        var result = await RunAsync(MigrateCommand.RunAsync, connectionString: null);

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.Errors);
        Assert.Contains("ConnectionStrings:Orleans is not set", error, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Orleans", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_WhenPostgresIsUnreachable_Exits1SayingItCannotConnect()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(postgres.Server.GetConnectionString()) { Port = ClosedPort(), Timeout = 3 }.ConnectionString;

        var result = await RunAsync(MigrateCommand.RunAsync, unreachable);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("migrate: cannot connect to PostgreSQL at postgres@127.0.0.1:", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_AfterAnAppliedMigrationChanged_Exits1AndAppliesNothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator(SchemaMigration.Embedded.Take(3)).MigrateAsync(database);
        await ExecuteAsync(database, $"UPDATE {SchemaMigrator.HistoryTable} SET checksum = 'tampered' WHERE version = 2");

        var result = await RunAsync(MigrateCommand.RunAsync, database);

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("migrate: refused:", error, StringComparison.Ordinal);
        Assert.Contains("V002", error, StringComparison.Ordinal);
        Assert.Equal(3L, await ScalarAsync<long>(database, $"SELECT count(*) FROM {SchemaMigrator.HistoryTable}"));
    }

    [Fact]
    public async Task Reindex_OnAnUnmigratedDatabase_Exits1SayingToMigrateFirst()
    {
        var database = await postgres.CreateDatabaseAsync();

        var result = await RunAsync(ReindexCommand.RunAsync, database);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("migrate", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reindex_AfterMigrate_ReportsWhatItRebuiltForTheConfiguredService()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(database);

        var result = await RunAsync(ReindexCommand.RunAsync, database, ("Orleans:ServiceId", "blue"));

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^reindex: postgres@127\.0\.0\.1:\d+/db_\w+, service 'blue'$", result.Output[0]);
        Assert.Matches(@"^0 checkout states read: 0 rows inserted, 0 updated, 0 already current, 0 unreadable, in \d+ ms$", result.Output[1]);
    }

    [Fact]
    public async Task MigrateCommand_OfTheRealExecutable_ReadsTheCommandLineAndIsSafeToRunTwice()
    {
        var database = await postgres.CreateDatabaseAsync();

        var first = await RunSiloAsync("migrate", $"--ConnectionStrings:Orleans={database}");
        var second = await RunSiloAsync("migrate", $"--ConnectionStrings:Orleans={database}");
        var missing = await RunSiloAsync("migrate");

        Assert.True(first.ExitCode == 0, $"first run: {first}");
        Assert.Contains("applied V005 checkout_index", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, $"second run: {second}");
        Assert.Contains("nothing to do: schema at V005", second.Output, StringComparison.Ordinal);
        Assert.True(missing.ExitCode == 2, $"without a connection string: {missing}");
        Assert.Contains("ConnectionStrings:Orleans is not set", missing.Errors, StringComparison.Ordinal);
    }

    private static async Task<CommandResult> RunAsync(
        Func<IConfiguration, TextWriter, TextWriter, CancellationToken, Task<int>> command, string? connectionString, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        if (connectionString is not null)
        {
            values["ConnectionStrings:Orleans"] = connectionString;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exitCode = await command(configuration, output, errors, CancellationToken.None);
        return new CommandResult(exitCode, Lines(output), Lines(errors));
    }

    /// <summary>Runs the Silo executable built next to the tests, as an operator would (Production environment, no appsettings overrides).</summary>
    private static async Task<(int ExitCode, string Output, string Errors)> RunSiloAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Orchestrator.Silo.dll"));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment.Remove("ConnectionStrings__Orleans");
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }

    private static List<string> Lines(StringWriter writer) =>
        [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private sealed record CommandResult(int ExitCode, List<string> Output, List<string> Errors);
}
