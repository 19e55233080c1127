using Npgsql;

namespace Orchestrator.Benchmarks;

/// <summary>What PostgreSQL itself counts: commits, WAL, row changes per table, and statements when enabled.</summary>
internal sealed class PostgresStats(string connectionString, bool statementStats)
{
    private static readonly string[] Tables = ["orleans_grain_state", "orleans_reminder", "checkout_index", "orleans_membership", "orleans_membership_version"];

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        ApplicationName = "orchestrator-bench-stats",
    }.ConnectionString;

    /// <summary>Loads pg_stat_statements (a server restart is needed to preload it) — see <see cref="Program"/>.</summary>
    public const string PreloadSql = "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'";

    public async Task CreateExtensionAsync()
    {
        if (statementStats)
        {
            await ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    public async Task ResetStatementsAsync()
    {
        if (statementStats)
        {
            await ExecuteAsync("SELECT pg_stat_statements_reset()");
        }
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    public async Task<DatabaseSnapshot> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        long commits, rollbacks, walRecords, walBytes, walWrites, walSyncs;
        await using (var command = new NpgsqlCommand(
            """
            SELECT d.xact_commit, d.xact_rollback, w.wal_records, w.wal_bytes::bigint, w.wal_write, w.wal_sync
            FROM pg_stat_database d, pg_stat_wal w
            WHERE d.datname = current_database()
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (commits, rollbacks, walRecords, walBytes, walWrites, walSyncs) =
                (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        }

        var tables = new Dictionary<string, TableCounts>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = ANY(@tables)", connection))
        {
            command.Parameters.AddWithValue("tables", Tables);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables[reader.GetString(0)] = new TableCounts(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            }
        }

        return new DatabaseSnapshot(commits, rollbacks, walRecords, walBytes, walWrites, walSyncs, tables);
    }

    /// <summary>The checkout states as stored: average and largest payload, and what they occupy after TOAST compression.</summary>
    public async Task<PayloadSizes> PayloadSizesAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT coalesce(avg(octet_length(payload)), 0)::float8, coalesce(max(octet_length(payload)), 0),
                   coalesce(avg(pg_column_size(payload)), 0)::float8, count(*)
            FROM orleans_grain_state WHERE grain_type = 'checkout'
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new PayloadSizes(reader.GetDouble(0), reader.GetInt32(1), reader.GetDouble(2), reader.GetInt64(3));
    }

    /// <summary>Every statement since the last reset, most called first (empty without pg_stat_statements).</summary>
    public async Task<IReadOnlyList<StatementCount>> StatementsAsync()
    {
        if (!statementStats)
        {
            return [];
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT s.query, s.calls, s.total_exec_time, s.rows
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat\_%' -- the benchmark's own snapshots
            ORDER BY s.calls DESC
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StatementCount>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StatementCount(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3)));
        }

        return rows;
    }
}

/// <summary>Stored checkout state sizes, in bytes.</summary>
internal readonly record struct PayloadSizes(double Average, int Largest, double AverageStored, long Rows);

internal readonly record struct TableCounts(long Inserted, long Updated, long Deleted, long HotUpdated)
{
    public long Changes => Inserted + Updated + Deleted;

    public static TableCounts operator -(TableCounts end, TableCounts start) =>
        new(end.Inserted - start.Inserted, end.Updated - start.Updated, end.Deleted - start.Deleted, end.HotUpdated - start.HotUpdated);
}

internal sealed record DatabaseSnapshot(
    long Commits,
    long Rollbacks,
    long WalRecords,
    long WalBytes,
    long WalWrites,
    long WalSyncs,
    IReadOnlyDictionary<string, TableCounts> Tables)
{
    public static DatabaseSnapshot operator -(DatabaseSnapshot end, DatabaseSnapshot start) => new(
        end.Commits - start.Commits,
        end.Rollbacks - start.Rollbacks,
        end.WalRecords - start.WalRecords,
        end.WalBytes - start.WalBytes,
        end.WalWrites - start.WalWrites,
        end.WalSyncs - start.WalSyncs,
        end.Tables.ToDictionary(
            pair => pair.Key,
            pair => pair.Value - start.Tables.GetValueOrDefault(pair.Key),
            StringComparer.Ordinal));

    public TableCounts Table(string name) => Tables.GetValueOrDefault(name);
}

/// <summary>One normalized statement in pg_stat_statements.</summary>
internal sealed record StatementCount(string Query, long Calls, double TotalMilliseconds, long Rows)
{
    private const string StateWrite = "grain state write";
    private const string ReminderUpsert = "reminder upsert";
    private const string ReminderDelete = "reminder delete";
    private const string ReadModelBatch = "read-model batch";

    /// <summary>What the statement is for, by the tables and verbs in its text.</summary>
    public string Category
    {
        get
        {
            var q = Query;
            bool Has(string text) => q.Contains(text, StringComparison.OrdinalIgnoreCase);
            return true switch
            {
                _ when Has("orleans_grain_state") && Has("UPDATE") => StateWrite,
                _ when Has("orleans_grain_state") => "grain state read",
                _ when Has("orleans_reminder") && Has("INSERT") => ReminderUpsert,
                _ when Has("orleans_reminder") && Has("DELETE") => ReminderDelete,
                _ when Has("orleans_reminder") => "reminder read",
                _ when Has("checkout_index") => ReadModelBatch,
                _ when Has("orleans_membership") => "membership",
                _ when Has("pgbench_upsert") => "pgbench upsert",
                _ => "other: " + OneLine(q, 60),
            };
        }
    }

    /// <summary>
    /// True for the lifecycle's statements that write (each its own durable commit: the provider runs every statement
    /// in an implicit transaction); the grain state read and the membership heartbeats are not counted.
    /// </summary>
    public bool IsLifecycleWrite => Category is StateWrite or ReminderUpsert or ReminderDelete or ReadModelBatch;

    /// <summary>The statement on one line, whitespace collapsed, cut to <paramref name="width"/> characters.</summary>
    public static string OneLine(string text, int width)
    {
        var line = string.Join(' ', text.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= width ? line : line[..(width - 3)] + "...";
    }
}
