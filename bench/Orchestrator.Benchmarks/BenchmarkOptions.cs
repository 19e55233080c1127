using System.Globalization;

namespace Orchestrator.Benchmarks;

/// <summary>The command line: <c>--concurrency 32 --seconds 20</c> and the rest (<c>--help</c>).</summary>
internal sealed class BenchmarkOptions
{
    public const string Usage = """
        Orchestrator.Benchmarks: checkout state transitions/s on PostgreSQL vs pgbench's single-row upsert, one run.

          --concurrency N       concurrent checkout callers and pgbench clients (default 32)
          --seconds N           measured seconds of each phase (default 20)
          --warmup N            seconds of load before each measured window, checkouts and raw writes (default 5)
          --rounds N            repeat pgbench simple, pgbench prepared, the checkout window and the raw-write window
                                N times, alternating, and report the median round (default 1; use 3 on a machine
                                shared with other work)
          --output PATH         markdown report (default artifacts/benchmarks/checkout-throughput-<utc>.md)
          --log-level LEVEL     silo log level for Orchestrator.* categories (default Warning; Information logs every
                                transition as production does, see docs/benchmarks.md)
          --no-statement-stats  do not load pg_stat_statements (no per-statement breakdown)
          --skip-pgbench        checkout phase only (no ratio)
          --pool N              Maximum Pool Size of the state pool (default: PostgresStorageOptions' default)
          --index-flush-ms N    the read model's FlushInterval (default: PostgresCheckoutIndexOptions' default)
        """;

    public int Concurrency { get; private set; } = 32;

    public int Seconds { get; private set; } = 20;

    public int WarmupSeconds { get; private set; } = 5;

    public int Rounds { get; private set; } = 1;

    public string? Output { get; private set; }

    public string LogLevel { get; private set; } = "Warning";

    public bool StatementStats { get; private set; } = true;

    public bool SkipPgbench { get; private set; }

    public int? PoolSize { get; private set; }

    public int? IndexFlushMilliseconds { get; private set; }

    public bool Help { get; private set; }

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number(int min)
            {
                var name = args[i];
                var value = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                return value >= min ? value : throw new ArgumentException($"{name} must be at least {min}.");
            }

            switch (args[i])
            {
                case "--concurrency" or "-c":
                    options.Concurrency = Number(1);
                    break;
                case "--seconds" or "-T":
                    options.Seconds = Number(1);
                    break;
                case "--warmup":
                    options.WarmupSeconds = Number(0);
                    break;
                case "--rounds":
                    options.Rounds = Number(1);
                    break;
                case "--output" or "-o":
                    options.Output = Value();
                    break;
                case "--log-level":
                    options.LogLevel = Value();
                    break;
                case "--no-statement-stats":
                    options.StatementStats = false;
                    break;
                case "--skip-pgbench":
                    options.SkipPgbench = true;
                    break;
                case "--pool":
                    options.PoolSize = Number(1);
                    break;
                case "--index-flush-ms":
                    options.IndexFlushMilliseconds = Number(0);
                    break;
                case "--help" or "-h":
                    options.Help = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        return options;
    }
}
