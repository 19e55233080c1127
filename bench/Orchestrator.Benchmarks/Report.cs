using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Npgsql;

namespace Orchestrator.Benchmarks;

/// <summary>The checkout phase's figures.</summary>
internal sealed record CheckoutFigures(LoadResult Load, DatabaseSnapshot Database, CpuSample Cpu, GcSample Gc, IReadOnlyList<StatementCount> Statements, PayloadSizes Payload);

/// <summary>One round: pgbench simple, pgbench prepared, then the checkout window, back to back.</summary>
internal sealed class RoundFigures(int number)
{
    public int Number => number;

    public PgBenchResult? Simple { get; set; }

    public PgBenchResult? Prepared { get; set; }

    public CheckoutFigures? Checkout { get; set; }

    /// <summary>Transitions/s ÷ pgbench prepared TPS.</summary>
    public double? Ratio => Checkout is not null && Prepared is not null ? Checkout.Load.TransitionsPerSecond / Prepared.Tps : null;

    /// <summary>Grain state writes per second of grains that do nothing else (the storage layer alone).</summary>
    public double? RawWritesPerSecond { get; set; }

    /// <summary>Raw writes/s ÷ pgbench prepared TPS.</summary>
    public double? RawRatio => RawWritesPerSecond is { } raw && Prepared is not null ? raw / Prepared.Tps : null;

    /// <summary>Writing statements (durable commits) per lifecycle, from pg_stat_statements; null without statement stats.</summary>
    public double? WritingCommitsPerLifecycle => Checkout is { Statements.Count: > 0 } checkout && checkout.Load.Lifecycles > 0
        ? (double)checkout.Statements.Where(s => s.IsLifecycleWrite).Sum(s => s.Calls) / checkout.Load.Lifecycles
        : null;

    /// <summary>
    /// The most the lifecycle could reach on this storage layer: the raw-write ratio × transitions per lifecycle ÷
    /// writing commits per lifecycle — what the checkouts would score if each of their commits cost no more than a
    /// raw grain write and the 3.4 KB state, the state machine, the activation read and the webhook were free.
    /// </summary>
    /// <summary>
    /// The most the lifecycle could reach if PostgreSQL cost nothing: CPU per pgbench prepared transaction (server and
    /// client) ÷ this process's CPU per checkout transition. Both sides are CPU-bound on the same CPUs, so throughput
    /// is inversely proportional to CPU per operation; the silo's own share alone sets this limit.
    /// </summary>
    public double? SiloCeilingRatio => Prepared is { Transactions: > 0 } pgbench && Checkout is { Load.Transitions: > 0 } checkout && checkout.Cpu.Process > 0
        ? (pgbench.Cpu.Postgres + pgbench.Cpu.Children) / pgbench.Transactions / (checkout.Cpu.Process / checkout.Load.Transitions)
        : null;

    public double? CeilingRatio => RawRatio is { } raw && WritingCommitsPerLifecycle is { } writes && Checkout is { Load.Lifecycles: > 0 } checkout
        ? raw * ((double)checkout.Load.Transitions / checkout.Load.Lifecycles) / writes
        : null;
}

/// <summary>The server's settings that decide durable write throughput.</summary>
internal sealed record ServerFacts(IReadOnlyList<(string Name, string Value)> Settings)
{
    private static readonly string[] Names =
        ["server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "shared_buffers", "max_connections", "commit_delay"];

    public static async Task<ServerFacts> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var settings = new List<(string, string)>();
        foreach (var name in Names)
        {
            await using var command = new NpgsqlCommand("SELECT current_setting(@name)", connection);
            command.Parameters.AddWithValue("name", name);
            settings.Add((name, (string)(await command.ExecuteScalarAsync())!));
        }

        return new ServerFacts(settings);
    }
}

/// <summary>Everything measured in one run, as markdown.</summary>
internal sealed class Report(BenchmarkOptions options)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string GcMode { get; init; } = "";

    public ServerFacts? Server { get; set; }

    public List<RoundFigures> Rounds { get; } = [];

    /// <summary>The round with the median ratio (the median of transitions/s without pgbench); its figures are the report's.</summary>
    public RoundFigures? Median => Rounds
        .OrderBy(round => round.Ratio ?? round.Checkout?.Load.TransitionsPerSecond ?? 0)
        .ElementAtOrDefault(Rounds.Count / 2);

    private IReadOnlyList<PgBenchResult> PgBench => Median is { } median ? [.. new[] { median.Simple, median.Prepared }.OfType<PgBenchResult>()] : [];

    private CheckoutFigures? Checkout => Median?.Checkout;

    /// <summary>The folder holding Orchestrator.sln (the working directory when there is none above it).</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(Invariant));

        var prepared = PgBench.FirstOrDefault(r => r.Protocol == "prepared");
        var simple = PgBench.FirstOrDefault(r => r.Protocol == "simple");
        var load = Checkout?.Load;
        var database = Checkout?.Database;
        var lifecycles = Math.Max(1, load?.Lifecycles ?? 1);

        Line($"# Durable write throughput: checkout transitions vs pgbench");
        Line($"");
        Line($"- run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, `dotnet run -c Release --project bench/Orchestrator.Benchmarks -- --concurrency {options.Concurrency} --seconds {options.Seconds}{(options.Rounds > 1 ? $" --rounds {options.Rounds}" : "")}` (warm-up {options.WarmupSeconds} s, silo log level {options.LogLevel}, pg_stat_statements {(options.StatementStats ? "on" : "off")}{(options.PoolSize is { } pool ? $", state pool {pool}" : "")}{(options.IndexFlushMilliseconds is { } flush ? $", read-model flush {flush} ms" : "")})");
        Line($"- machine: {Environment.ProcessorCount} logical CPUs ({CpuModel()}), shared by PostgreSQL, pgbench and the silo; {RuntimeInformation.OSDescription}");
        Line($"- .NET {Environment.Version}, {GcMode} GC, TieredPGO {Environment.GetEnvironmentVariable("DOTNET_TieredPGO") ?? "default (on)"}{string.Concat(Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(key => key.StartsWith("DOTNET_", StringComparison.Ordinal) && key != "DOTNET_TieredPGO" && !key.StartsWith("DOTNET_CLI", StringComparison.Ordinal) && key != "DOTNET_NOLOGO").Order(StringComparer.Ordinal).Select(key => $", {key}={Environment.GetEnvironmentVariable(key)}"))}");
        if (Server is not null)
        {
            Line($"- PostgreSQL: {string.Join(", ", Server.Settings.Select(s => $"{s.Name} = {s.Value}"))}");
        }

        Line($"");
        Line($"## Result");
        Line($"");
        Line($"| figure | value |");
        Line($"|---|---|");
        if (load is not null)
        {
            Line($"| checkout transitions/s (version increments) | **{load.TransitionsPerSecond:N0}** |");
            Line($"| checkout lifecycles/s (create → fulfilled, 5 transitions) | {load.LifecyclesPerSecond:N0} |");
        }

        if (prepared is not null)
        {
            Line($"| pgbench upsert TPS, `-M prepared` (the ratio's basis) | {prepared.Tps:N0} |");
        }

        if (simple is not null)
        {
            Line($"| pgbench upsert TPS, simple protocol | {simple.Tps:N0} |");
        }

        if (load is not null && prepared is not null)
        {
            Line($"| **ratio transitions/s ÷ pgbench TPS (prepared)** | **{load.TransitionsPerSecond / prepared.Tps:P1}** |");
        }

        if (load is not null && simple is not null)
        {
            Line($"| ratio transitions/s ÷ pgbench TPS (simple) | {load.TransitionsPerSecond / simple.Tps:P1} |");
        }

        if (Median?.RawWritesPerSecond is { } rawWrites)
        {
            Line($"| raw grain state writes/s (grains that only write, on the same provider: the storage layer alone) | {rawWrites:N0} |");
            if (prepared is not null)
            {
                Line($"| ratio raw writes/s ÷ pgbench TPS (prepared) | {rawWrites / prepared.Tps:P1} |");
            }

            if (simple is not null)
            {
                Line($"| ratio raw writes/s ÷ pgbench TPS (simple; stack notes §7's stock set-up: about 40 %) | {rawWrites / simple.Tps:P1} |");
            }
        }

        if (database is not null && load is not null)
        {
            Line($"| **commits per checkout lifecycle** (pg_stat_database xact_commit) | **{(double)database.Commits / lifecycles:N2}** |");
            Line($"| PostgreSQL commits/s during the checkout run | {database.Commits / load.Measured.TotalSeconds:N0} |");
            if (Median?.WritingCommitsPerLifecycle is { } writing && Median.CeilingRatio is { } ceiling)
            {
                Line($"| writing commits per lifecycle (state writes, reminder upsert and delete, read-model batches) | {writing:N2} |");
                Line($"| **ceiling of the ratio** on this storage layer: raw-write ratio × {(double)load.Transitions / lifecycles:N2} transitions ÷ {writing:N2} writing commits (each commit at a raw write's cost; state, logic, reads and webhook free) | **{ceiling:P1}** |");
            }

            if (Median?.SiloCeilingRatio is { } siloCeiling)
            {
                Line($"| **ceiling of the ratio if PostgreSQL cost nothing**: CPU per pgbench prepared transaction ÷ this process's CPU per checkout transition | **{siloCeiling:P1}** |");
            }

            var (min, max) = load.LifecyclesPerCaller;
            Line($"| lifecycles per caller, least / most (no caller starved) | {min:N0} / {max:N0} |");
        }

        if (Rounds.Count > 1)
        {
            Line($"");
            Line($"## Rounds (the figures above and below are round {Median?.Number}'s, the median ratio)");
            Line($"");
            Line($"| round | pgbench simple TPS | pgbench prepared TPS | transitions/s | ratio (prepared) | commits/lifecycle | raw writes/s (ratio, prepared) | ceiling of the ratio (storage / silo) | other processes' CPU-s (pgbench / checkout) |");
            Line($"|---|---|---|---|---|---|---|---|---|");
            foreach (var round in Rounds)
            {
                var commits = round.Checkout is { } c ? (double)c.Database.Commits / Math.Max(1, c.Load.Lifecycles) : double.NaN;
                Line($"| {round.Number} | {round.Simple?.Tps:N0} | {round.Prepared?.Tps:N0} | {round.Checkout?.Load.TransitionsPerSecond:N0} | {round.Ratio:P1} | {commits:N2} | {round.RawWritesPerSecond:N0} ({round.RawRatio:P1}) | {round.CeilingRatio:P1} / {round.SiloCeilingRatio:P1} | {round.Prepared?.Cpu.Others:N1} / {round.Checkout?.Cpu.Others:N1} |");
            }
        }

        if (load is not null)
        {
            Line($"");
            Line($"## Latency of the calls (ms)");
            Line($"");
            Line($"| call | transitions | durable writes | p50 | p99 |");
            Line($"|---|---|---|---|---|");
            Row("`CreateAsync`: Created, then NICEPAY, then Registered", Phase.Create, "2", "2 state + 1 reminder");
            Row("`HandleNotificationAsync`: Notified (**one transition call**)", Phase.Notify, "1", "1 state");
            Row("after it, in the grain: inquiry → Confirmed, webhook 200 → Fulfilled", Phase.ConfirmAndFulfil, "2", "2 state + 1 reminder delete");
            Row("whole lifecycle", Phase.Lifecycle, "5", "");
        }

        if (database is not null && Checkout is not null)
        {
            Line($"");
            Line($"## Where the commits go (per lifecycle, measured in PostgreSQL)");
            Line($"");
            Line($"| what | per lifecycle | total in the window |");
            Line($"|---|---|---|");
            Line($"| transactions committed (pg_stat_database.xact_commit) | {(double)database.Commits / lifecycles:N2} | {database.Commits:N0} |");
            foreach (var group in Checkout.Statements.GroupBy(s => s.Category).OrderByDescending(g => g.Sum(s => s.Calls)))
            {
                var calls = group.Sum(s => s.Calls);
                Line($"| statements: {group.Key} | {(double)calls / lifecycles:N3} | {calls:N0} |");
            }

            foreach (var (table, counts) in database.Tables.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                Line($"| rows of `{table}` inserted / updated (HOT) / deleted | {(double)counts.Inserted / lifecycles:N2} / {(double)counts.Updated / lifecycles:N2} ({(double)counts.HotUpdated / lifecycles:N2}) / {(double)counts.Deleted / lifecycles:N2} | {counts.Inserted:N0} / {counts.Updated:N0} / {counts.Deleted:N0} |");
            }

            var payload = Checkout.Payload;
            Line($"| stored checkout state: average / largest JSON bytes, average stored (after TOAST compression) | {payload.Average:N0} / {payload.Largest:N0}, {payload.AverageStored:N0} | {payload.Rows:N0} states |");
            Line($"| WAL bytes | {(double)database.WalBytes / lifecycles:N0} | {database.WalBytes:N0} |");
            Line($"| WAL flushes (pg_stat_wal.wal_sync; group commit shares one) | {(double)database.WalSyncs / lifecycles:N3} | {database.WalSyncs:N0} |");
        }

        Line($"");
        Line($"## CPU seconds (from /proc)");
        Line($"");
        Line($"| phase | wall s | PostgreSQL | this process (silo + callers) | pgbench | other processes | machine busy ÷ available |");
        Line($"|---|---|---|---|---|---|---|");
        foreach (var run in PgBench)
        {
            CpuRow($"pgbench {run.Protocol}", options.Seconds, run.Cpu);
        }

        if (Checkout is not null)
        {
            CpuRow("checkout lifecycles", options.Seconds, Checkout.Cpu);
            var transitions = Math.Max(1, Checkout.Load.Transitions);
            Line($"");
            Line($"CPU per transition in the checkout window: PostgreSQL {Checkout.Cpu.Postgres * 1000 / transitions:N3} ms, this process {Checkout.Cpu.Process * 1000 / transitions:N3} ms.");
            foreach (var run in PgBench)
            {
                Line($"CPU per pgbench {run.Protocol} transaction: PostgreSQL {run.Cpu.Postgres * 1000 / Math.Max(1, run.Transactions):N3} ms, pgbench {run.Cpu.Children * 1000 / Math.Max(1, run.Transactions):N3} ms.");
            }

            var gc = Checkout.Gc;
            Line($"");
            Line($"Garbage collection in the checkout window ({GcMode}): {gc.Allocated / 1024.0 / lifecycles:N0} KiB allocated per lifecycle, {gc.Gen0:N0} gen0 / {gc.Gen1:N0} gen1 / {gc.Gen2:N0} gen2 collections, {gc.Paused.TotalMilliseconds:N0} ms paused.");
        }

        if (PgBench.Count > 0)
        {
            Line($"");
            Line($"## pgbench");
            Line($"");
            Line($"Script (the table holds all {Benchmarks.PgBench.Rows:N0} rows first, so every transaction updates an existing row by primary key):");
            Line($"");
            Line($"```");
            Line($"\\set id random(1, {Benchmarks.PgBench.Rows})");
            Line($"INSERT INTO pgbench_upsert (id, payload) VALUES (:id, '\\xabab…'::bytea /* {Benchmarks.PgBench.PayloadBytes} bytes */)");
            Line($"ON CONFLICT (id) DO UPDATE SET payload = excluded.payload;");
            Line($"```");
            Line($"");
            Line($"| protocol | TPS | average latency ms | transactions | commits (xact_commit) | WAL bytes / tx | command |");
            Line($"|---|---|---|---|---|---|---|");
            foreach (var run in PgBench)
            {
                var commits = run.Database?.Commits ?? 0;
                var walPerTx = run.Transactions > 0 ? (double)(run.Database?.WalBytes ?? 0) / run.Transactions : double.NaN;
                Line($"| {run.Protocol} | {run.Tps:N0} | {run.LatencyMs:N3} | {run.Transactions:N0} | {commits:N0} | {walPerTx:N0} | `{run.Command}` |");
            }
        }

        if (Checkout is { Statements.Count: > 0 })
        {
            Line($"");
            Line($"## Statements during the checkout window (pg_stat_statements, most called first)");
            Line($"");
            Line($"| calls | per lifecycle | mean ms | category | statement |");
            Line($"|---|---|---|---|---|");
            foreach (var statement in Checkout.Statements.Take(20))
            {
                var shown = StatementCount.OneLine(statement.Query, 90);
                Line($"| {statement.Calls:N0} | {(double)statement.Calls / lifecycles:N3} | {statement.TotalMilliseconds / Math.Max(1, statement.Calls):N3} | {statement.Category} | `{shown.Replace("|", "\\|", StringComparison.Ordinal)}` |");
            }
        }

        return text.ToString();

        void Row(string name, Phase phase, string transitions, string writes)
        {
            var (p50, p99) = load!.Percentiles(phase);
            Line($"| {name} | {transitions} | {writes} | {p50:N2} | {p99:N2} |");
        }

        void CpuRow(string name, int seconds, CpuSample sample)
        {
            Line($"| {name} | {seconds} | {sample.Postgres:N1} | {sample.Process:N1} | {sample.Children:N1} | {sample.Others:N1} | {sample.Machine / (seconds * Environment.ProcessorCount):P0} |");
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
