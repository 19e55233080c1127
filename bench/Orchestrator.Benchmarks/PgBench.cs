using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Orchestrator.TestSupport.Postgres;

namespace Orchestrator.Benchmarks;

/// <summary>
/// pgbench's single-row upsert (stack-notes §7): <c>INSERT … ON CONFLICT (id) DO UPDATE</c> of a 150-byte bytea at a
/// random id in 1..100,000, on a table holding all 100,000 rows, so that — like a checkout's state write — it is an
/// update of an existing row by primary key, one statement and one durable commit per transaction.
/// </summary>
internal static partial class PgBench
{
    public const int Rows = 100_000;

    public const int PayloadBytes = 150;

    private static readonly string Payload = "\\x" + string.Concat(Enumerable.Repeat("ab", PayloadBytes));

    public static string Script => $"""
        \set id random(1, {Rows})
        INSERT INTO pgbench_upsert (id, payload) VALUES (:id, '{Payload}'::bytea) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload;

        """;

    public static async Task PrepareAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in new[]
                 {
                     "DROP TABLE IF EXISTS pgbench_upsert",
                     "CREATE TABLE pgbench_upsert (id integer PRIMARY KEY, payload bytea NOT NULL)",
                     $"INSERT INTO pgbench_upsert SELECT g, '{Payload}'::bytea FROM generate_series(1, {Rows}) g",
                     "VACUUM ANALYZE pgbench_upsert",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Runs <c>pgbench -n -c C -j 2 -T S -f script [-M prepared]</c> and reads its report.</summary>
    public static async Task<PgBenchResult> RunAsync(string connectionString, int clients, int seconds, bool prepared, string scriptPath)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var startInfo = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "-h", settings.Host!, "-p", settings.Port.ToString(CultureInfo.InvariantCulture), "-U", settings.Username!,
            "-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture),
            "-M", prepared ? "prepared" : "simple", "-f", scriptPath, settings.Database!,
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PGAPPNAME"] = "pgbench";
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("pgbench did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pgbench exited with {process.ExitCode}:{Environment.NewLine}{text}");
        }

        var tps = TpsPattern().Match(text);
        var latency = LatencyPattern().Match(text);
        var transactions = TransactionsPattern().Match(text);
        if (!tps.Success)
        {
            throw new InvalidOperationException("pgbench printed no tps line:" + Environment.NewLine + text);
        }

        return new PgBenchResult(
            prepared ? "prepared" : "simple",
            double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN,
            transactions.Success ? long.Parse(transactions.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            "pgbench " + string.Join(' ', arguments));
    }

    /// <summary>
    /// pgbench from the folder of the server's own binaries (PostgresServer's <see cref="PostgresBinaries"/>: PATH, else
    /// Debian's /usr/lib/postgresql/&lt;major&gt;/bin, outside PATH), so client and server are one version; else PATH's.
    /// </summary>
    private static string Executable()
    {
        var besideServer = Path.Combine(PostgresBinaries.Locate().Directory, "pgbench");
        return File.Exists(besideServer) ? besideServer : "pgbench";
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyPattern();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex TransactionsPattern();
}

/// <summary>One pgbench run.</summary>
internal sealed record PgBenchResult(string Protocol, double Tps, double LatencyMs, long Transactions, string Command)
{
    public CpuSample Cpu { get; init; }

    public DatabaseSnapshot? Database { get; init; }
}
