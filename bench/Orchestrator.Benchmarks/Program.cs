using System.Runtime;
using Npgsql;
using Orchestrator.Benchmarks;
using Orchestrator.Storage.Migrations;
using Orchestrator.TestSupport.Postgres;

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync(exception.Message + Environment.NewLine + BenchmarkOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

var report = new Report(options)
{
    GcMode = GCSettings.IsServerGC ? $"server ({(GCSettings.LatencyMode == GCLatencyMode.Batch ? "non-concurrent" : "concurrent")})" : "workstation",
};

Console.WriteLine($"Starting a private PostgreSQL (statement stats {(options.StatementStats ? "on" : "off")})…");
await using var server = await PostgresServer.StartNewAsync();
var connectionString = await server.CreateDatabaseAsync("orchestrator_bench");
if (options.StatementStats)
{
    // pg_stat_statements must be preloaded: ALTER SYSTEM writes postgresql.auto.conf, read at the next start.
    await new PostgresStats(server.GetConnectionString(), statementStats: true).ExecuteAsync(PostgresStats.PreloadSql);
    await server.RestartAsync();
}

var stats = new PostgresStats(connectionString, options.StatementStats);
await stats.CreateExtensionAsync();
var migration = await new SchemaMigrator().MigrateAsync(connectionString);
Console.WriteLine(migration);
report.Server = await ServerFacts.ReadAsync(connectionString);
var cpu = new CpuMeter(server.DataDirectory);

var script = Path.Combine(Path.GetTempPath(), $"orchestrator-bench-upsert-{Environment.ProcessId}.sql");
if (!options.SkipPgbench)
{
    Console.WriteLine($"pgbench: preparing {PgBench.Rows:N0} rows…");
    await PgBench.PrepareAsync(connectionString);
    await File.WriteAllTextAsync(script, PgBench.Script);
}

try
{
    // One silo for every round (started once, so JIT and pools are warm), idle while pgbench runs.
    await using var load = await CheckoutLoad.StartAsync(connectionString, options);
    for (var round = 1; round <= options.Rounds; round++)
    {
        var figures = new RoundFigures(round);
        if (!options.SkipPgbench)
        {
            foreach (var prepared in new[] { false, true })
            {
                await stats.ExecuteAsync("CHECKPOINT");
                await stats.ResetStatementsAsync();
                var before = await stats.SnapshotAsync();
                var cpuBefore = cpu.Sample();
                Console.WriteLine($"round {round}: pgbench -c {options.Concurrency} -j 2 -T {options.Seconds} -M {(prepared ? "prepared" : "simple")}…");
                var result = await PgBench.RunAsync(connectionString, options.Concurrency, options.Seconds, prepared, script);
                var cpuAfter = cpu.Sample();
                var after = await stats.SnapshotAsync();
                result = result with { Cpu = cpuAfter - cpuBefore, Database = after - before };
                Console.WriteLine($"  {result.Tps:N0} tps, {result.LatencyMs:N2} ms average latency");
                if (prepared)
                {
                    figures.Prepared = result;
                }
                else
                {
                    figures.Simple = result;
                }
            }
        }

        await stats.ExecuteAsync("CHECKPOINT");
        Console.WriteLine($"round {round}: checkout lifecycles, {options.Concurrency} callers, {options.WarmupSeconds} s warm-up, {options.Seconds} s measured…");
        DatabaseSnapshot? windowStart = null, windowEnd = null;
        CpuSample cpuStart = default, cpuEnd = default;
        GcSample gcStart = default, gcEnd = default;
        IReadOnlyList<StatementCount> statements = [];
        PayloadSizes payload = default;
        var loadResult = await load.RunAsync(
            round,
            options.Concurrency,
            TimeSpan.FromSeconds(options.WarmupSeconds),
            TimeSpan.FromSeconds(options.Seconds),
            atStart: async () =>
            {
                cpuStart = cpu.Sample();
                gcStart = GcSample.Now();
                await stats.ResetStatementsAsync();
                windowStart = await stats.SnapshotAsync();
            },
            atEnd: async () =>
            {
                cpuEnd = cpu.Sample();
                gcEnd = GcSample.Now();
                windowEnd = await stats.SnapshotAsync();
                statements = await stats.StatementsAsync();
                payload = await stats.PayloadSizesAsync();
            });
        figures.Checkout = new CheckoutFigures(loadResult, windowEnd! - windowStart!, cpuEnd - cpuStart, gcEnd - gcStart, statements, payload);
        Console.WriteLine($"  {loadResult.TransitionsPerSecond:N0} transitions/s{(figures.Ratio is { } ratio ? $", {ratio:P1} of pgbench (prepared)" : "")}");

        // The storage layer alone, like for like with stack notes §7's stock figure: grains that only write.
        await stats.ExecuteAsync("CHECKPOINT");
        Console.WriteLine($"round {round}: raw grain state writes, {options.Concurrency} grains, {options.WarmupSeconds} s warm-up, {options.Seconds} s measured…");
        figures.RawWritesPerSecond = await load.RunRawWritesAsync(
            round, options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds));
        Console.WriteLine($"  {figures.RawWritesPerSecond:N0} writes/s{(figures.RawRatio is { } raw ? $", {raw:P1} of pgbench (prepared)" : "")}");
        if (figures.CeilingRatio is { } ceiling)
        {
            Console.WriteLine($"  ceiling of the checkout ratio on this storage layer: {ceiling:P1} ({figures.WritingCommitsPerLifecycle:N2} writing commits per lifecycle)");
        }

        if (figures.SiloCeilingRatio is { } siloCeiling)
        {
            Console.WriteLine($"  ceiling of the checkout ratio if PostgreSQL cost nothing (the silo's CPU per transition): {siloCeiling:P1}");
        }

        report.Rounds.Add(figures);
    }
}
finally
{
    File.Delete(script);
}

NpgsqlConnection.ClearAllPools();
var markdown = report.ToMarkdown();
Console.WriteLine();
Console.WriteLine(markdown);
var output = options.Output ?? Path.Combine(Report.RepositoryRoot(), "artifacts", "benchmarks",
    $"checkout-throughput-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, markdown);
Console.WriteLine($"Written to {output}");
return 0;
