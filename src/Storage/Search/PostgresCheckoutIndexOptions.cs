namespace Orchestrator.Storage.Search;

/// <summary>How <see cref="PostgresCheckoutIndex"/> buffers, batches and connects.</summary>
public sealed class PostgresCheckoutIndexOptions
{
    /// <summary>
    /// The Orleans service id (<c>ClusterOptions.ServiceId</c>): the first column of every <c>checkout_index</c> key, so
    /// deployments sharing a database never see each other's rows. Required.
    /// </summary>
    public string ServiceId { get; set; } = "";

    /// <summary>
    /// Npgsql <c>Maximum Pool Size</c> of the index's own pool (default 2): one connection for the writer, one for operator
    /// searches. Kept apart from the state pool so that a burst of searches never delays a grain's state write.
    /// </summary>
    public int MaxPoolSize { get; set; } = 2;

    /// <summary>The most rows one upsert writes (default 256).</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// How long the writer lets rows gather after the first one arrives before writing them, unless a full batch is
    /// there sooner (default 25 ms). This is the read model's lag under light load.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// The most checkouts waiting to be written (default 100,000). Further checkouts are dropped, counted and logged
    /// while the buffer is full (PostgreSQL down for long); the rows are repaired when their grain next activates or by
    /// the <c>reindex</c> command. Updates of a checkout already waiting are always taken (they replace it).
    /// </summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>The first wait after a failed write; it doubles per failure up to <see cref="MaxRetryDelay"/> (default 50 ms).</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest wait between attempts while PostgreSQL is unreachable (default 2 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long stopping the host may spend writing what is still buffered (default 5 s).</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Seconds before one statement (a batch, a search, a count) is abandoned (default 15).</summary>
    public int CommandTimeoutSeconds { get; set; } = 15;

    /// <summary>Throws with the option's name when a value cannot work.</summary>
    public void Validate(string sectionName = "PostgresCheckoutIndexOptions")
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            failures.Add($"{sectionName}:ServiceId is required.");
        }

        if (MaxPoolSize < 1)
        {
            failures.Add($"{sectionName}:MaxPoolSize must be at least 1.");
        }

        if (BatchSize is < 1 or > 10_000)
        {
            failures.Add($"{sectionName}:BatchSize must be 1–10000.");
        }

        if (FlushInterval < TimeSpan.Zero)
        {
            failures.Add($"{sectionName}:FlushInterval must not be negative.");
        }

        if (Capacity < BatchSize)
        {
            failures.Add($"{sectionName}:Capacity must be at least {sectionName}:BatchSize.");
        }

        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
        {
            failures.Add($"{sectionName}:InitialRetryDelay must be positive and at most {sectionName}:MaxRetryDelay.");
        }

        if (ShutdownFlushTimeout < TimeSpan.Zero)
        {
            failures.Add($"{sectionName}:ShutdownFlushTimeout must not be negative.");
        }

        if (CommandTimeoutSeconds < 1)
        {
            failures.Add($"{sectionName}:CommandTimeoutSeconds must be at least 1.");
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }
    }
}
