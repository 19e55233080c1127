using Orchestrator.Storage.Migrations;

namespace Orchestrator.Silo.Commands;

/// <summary>
/// The Silo's commands: <c>dotnet Orchestrator.Silo.dll migrate</c> and <c>… reindex</c> (or
/// <c>dotnet run --project src/Silo -- migrate</c>). A command reads configuration exactly as the app does
/// (appsettings, appsettings.{Environment}, environment variables, the remaining command-line arguments), does its
/// work, prints what it did and exits, without starting the silo or the server.
/// </summary>
/// <remarks>Exit codes: 0 done; 1 the database refused or could not be reached; 2 the configuration is incomplete.</remarks>
internal static class SiloCommands
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int ConfigurationError = 2;

    private static readonly Dictionary<string, Func<IConfiguration, TextWriter, TextWriter, CancellationToken, Task<int>>> _commands =
        new(StringComparer.Ordinal)
        {
            [MigrateCommand.Name] = MigrateCommand.RunAsync,
            [ReindexCommand.Name] = ReindexCommand.RunAsync,
        };

    /// <summary>True when the first argument names a command.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && _commands.ContainsKey(args[0]);

    /// <summary>Runs the command the first argument names, with the rest as configuration; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var command = _commands[args[0]];
        var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args[1..] }).Configuration;
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await command(configuration, Console.Out, Console.Error, cancellation.Token);
    }

    /// <summary>
    /// Runs <paramref name="work"/> with the connection string and a password-free description of the database, and turns
    /// what can go wrong (configuration incomplete, the migrator refusing, the database failing) into one line on
    /// <paramref name="error"/> and the exit code.
    /// </summary>
    internal static async Task<int> RunOnDatabaseAsync(
        string command, IConfiguration configuration, TextWriter error, Func<string, string, Task> work)
    {
        var connectionString = RequireConnectionString(command, configuration, error);
        if (connectionString is null)
        {
            return ConfigurationError;
        }

        var database = Configuration.SiloProfile.DescribeDatabase(connectionString);
        try
        {
            await work(connectionString, database);
            return Success;
        }
        catch (SchemaMigrationException exception)
        {
            error.WriteLine($"{command}: refused: {exception.Message}");
            return Failed;
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
        {
            return ReportFailure(command, database, exception, error);
        }
    }

    /// <summary>The connection string, or null after saying on <paramref name="error"/> what to set.</summary>
    internal static string? RequireConnectionString(string command, IConfiguration configuration, TextWriter error)
    {
        var connectionString = configuration.GetConnectionString(Configuration.SiloProfile.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error.WriteLine(
                $"{command}: ConnectionStrings:Orleans is not set. Set it to the PostgreSQL connection string: environment variable "
                + $"ConnectionStrings__Orleans, or --ConnectionStrings:Orleans=\"Host=…;Database=…;Username=…;Password=…\" after '{command}'.");
            return null;
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return connectionString;
        }
        catch (ArgumentException exception)
        {
            error.WriteLine($"{command}: ConnectionStrings:Orleans is not a valid PostgreSQL connection string ({exception.Message}).");
            return null;
        }
    }

    /// <summary>Describes a database failure in one line and returns the exit code for it.</summary>
    internal static int ReportFailure(string command, string database, Exception exception, TextWriter error)
    {
        error.WriteLine(exception switch
        {
            Npgsql.PostgresException postgres =>
                $"{command}: PostgreSQL at {database} refused: {postgres.MessageText} (SQLSTATE {postgres.SqlState}).",
            Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException =>
                $"{command}: cannot connect to PostgreSQL at {database}: {Innermost(exception).Message}",
            OperationCanceledException => $"{command}: cancelled.",
            _ => $"{command}: failed: {exception.Message}",
        });
        return Failed;
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
