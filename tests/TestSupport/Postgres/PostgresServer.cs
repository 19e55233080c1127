using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Orchestrator.TestSupport.Postgres;

/// <summary>
/// A private, throwaway PostgreSQL server started from the machine's own binaries: its own data folder under the
/// temp directory, listening on 127.0.0.1 on a free port, its socket in that folder, trust authentication for the
/// <c>postgres</c> role. It can be stopped, killed and started again on the same port and data (the database-restart
/// drills), and its folder is removed on dispose.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root. When the tests run as root, every server program runs as the <c>postgres</c>
/// OS user (<c>runuser -u postgres --</c>) and the folder is handed to that user. Durability settings (fsync,
/// synchronous_commit) are PostgreSQL's defaults, so what the tests measure is what production gets.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The superuser role the server is initialized with.</summary>
    public const string Username = "postgres";

    /// <summary>
    /// Default <c>Maximum Pool Size</c> of connection strings handed out: a test cluster of several silos stays well
    /// inside <see cref="MaxConnections"/>.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>The server's <c>max_connections</c> (PostgreSQL's default is 100).</summary>
    public const int MaxConnections = 200;

    private static readonly TimeSpan ProgramTimeout = TimeSpan.FromSeconds(60);

    private readonly PostgresBinaries _binaries;
    private readonly bool _runAsPostgresUser;
    private bool _disposed;

    private PostgresServer(PostgresBinaries binaries, string rootDirectory, bool runAsPostgresUser)
    {
        _binaries = binaries;
        RootDirectory = rootDirectory;
        _runAsPostgresUser = runAsPostgresUser;
    }

    /// <summary>The server's folder (data, log and socket); removed on dispose.</summary>
    public string RootDirectory { get; }

    /// <summary>The data directory.</summary>
    public string DataDirectory => Path.Combine(RootDirectory, "data");

    /// <summary>The server log.</summary>
    public string LogFile => Path.Combine(RootDirectory, "server.log");

    /// <summary>The TCP port on 127.0.0.1 (kept across restarts).</summary>
    public int Port { get; private set; }

    /// <summary>True between a successful start and a stop.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>Initializes a new server in a fresh temp folder and starts it.</summary>
    /// <exception cref="PostgresUnavailableException">No PostgreSQL binaries, or they cannot be run here.</exception>
    public static async Task<PostgresServer> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Locate();
        var runAsPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        var root = Directory.CreateTempSubdirectory("orchestrator-pg-").FullName;
        var server = new PostgresServer(binaries, root, runAsPostgresUser);
        try
        {
            if (runAsPostgresUser)
            {
                await server.RunAsync("chown", ["postgres:postgres", root], asPostgresUser: false, cancellationToken);
            }

            await server.RunAsync(
                binaries.InitDb,
                ["-D", server.DataDirectory, "-U", Username, "--auth=trust", "--encoding=UTF8", "--locale=C"],
                server._runAsPostgresUser,
                cancellationToken);
            await server.StartOnFreePortAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string GetConnectionString(string database = "postgres", int maxPoolSize = DefaultMaxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = Username,
            Database = database,
            MaxPoolSize = maxPoolSize,
            Timeout = 10,
        };
        return builder.ConnectionString;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= "db_" + Guid.NewGuid().ToString("N")[..12];
        // Unpooled: an administrative connection must not linger in a pool across a stop/start drill.
        var admin = new NpgsqlConnectionStringBuilder(GetConnectionString()) { Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return GetConnectionString(name);
    }

    /// <summary>Starts the (stopped) server again on the same port and data.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsRunning)
        {
            return;
        }

        await PgCtlStartAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the server. <paramref name="immediate"/> is a crash (no shutdown checkpoint; the next start replays the
    /// WAL); otherwise a fast shutdown (sessions are disconnected, data is checkpointed).
    /// </summary>
    public async Task StopAsync(bool immediate = false, CancellationToken cancellationToken = default)
    {
        if (!IsRunning)
        {
            return;
        }

        await RunAsync(
            _binaries.PgCtl,
            ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "stop"],
            _runAsPostgresUser,
            cancellationToken);
        IsRunning = false;
    }

    /// <summary>Stops and starts the server (same port, same data).</summary>
    public async Task RestartAsync(bool immediate = false, CancellationToken cancellationToken = default)
    {
        await StopAsync(immediate, cancellationToken);
        await StartAsync(cancellationToken);
    }

    /// <summary>Stops the server if it runs and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await StopAsync(immediate: true);
        }
        catch (InvalidOperationException)
        {
            // The folder goes anyway; a server that cannot be stopped has already failed a test loudly.
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a run.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>The last lines of the server log, for failure messages.</summary>
    public string ReadLogTail(int lines = 30)
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no server log)";
        }
    }

    private async Task StartOnFreePortAsync(CancellationToken cancellationToken)
    {
        // Another process may take the port between probing and binding; try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FindFreePort();
            try
            {
                await PgCtlStartAsync(cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && ReadLogTail().Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                // Try another port.
            }
        }
    }

    private async Task PgCtlStartAsync(CancellationToken cancellationToken)
    {
        // pg_ctl hands -o to the postmaster through a shell; the temp path has no spaces or quotes.
        var serverOptions = string.Create(
            CultureInfo.InvariantCulture,
            $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories={RootDirectory} -c max_connections={MaxConnections}");
        await RunAsync(
            _binaries.PgCtl,
            ["-D", DataDirectory, "-l", LogFile, "-o", serverOptions, "-w", "-t", "60", "start"],
            _runAsPostgresUser,
            cancellationToken);
        IsRunning = true;
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgresUser, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = asPostgresUser ? "runuser" : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // runuser keeps the caller's working directory, which the postgres user may not be allowed to enter.
            WorkingDirectory = RootDirectory,
        };
        if (asPostgresUser)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{startInfo.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new PostgresUnavailableException(
                $"Could not run '{startInfo.FileName}' ({exception.Message})" +
                (asPostgresUser ? ": running PostgreSQL as root needs runuser and a 'postgres' OS user." : "."),
                exception);
        }

        using (process)
        {
            var output = new StringBuilder();
            var stdout = PumpAsync(process.StandardOutput, output);
            var stderr = PumpAsync(process.StandardError, output);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProgramTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            await Task.WhenAll(stdout, stderr);
            if (process.ExitCode != 0)
            {
                var command = string.Join(' ', startInfo.ArgumentList.Prepend(startInfo.FileName));
                throw new InvalidOperationException(
                    $"'{command}' exited with {process.ExitCode}:{Environment.NewLine}{output}" +
                    $"{Environment.NewLine}Server log ({LogFile}):{Environment.NewLine}{ReadLogTail()}");
            }
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (sink)
            {
                sink.AppendLine(line);
            }
        }
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
