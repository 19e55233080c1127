using System.Data;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Orchestrator.Storage.Migrations;

/// <summary>
/// Applies Orchestrator's PostgreSQL schema: the embedded <c>Schema/V*.sql</c> scripts, in version order, each once,
/// each in its own transaction, recorded in <see cref="HistoryTable"/> with its SHA-256 checksum.
/// </summary>
/// <remarks>
/// <para>Safe to run any number of times and from several processes at once: a run holds a PostgreSQL advisory lock
/// (<see cref="AdvisoryLockKey"/>) for its whole duration, so when two silos start together one migrates and the other
/// waits, then finds nothing to do.</para>
/// <para>Before applying anything, every already-applied migration is checked against the shipped script; if one
/// changed, the run refuses (<see cref="SchemaMigrationException"/>) and applies nothing. Applied migrations are
/// history: change the schema with a new migration.</para>
/// <para>A migration that fails is rolled back and stops the run; the ones before it stay applied.</para>
/// </remarks>
public sealed class SchemaMigrator
{
    /// <summary>The migration history table.</summary>
    public const string HistoryTable = "orchestrator_schema_history";

    /// <summary>The advisory lock key every migrator takes: the ASCII bytes of "orchestr".</summary>
    public const long AdvisoryLockKey = 0x6F72636865737472;

    private const string CreateHistoryTableSql = $"""
        CREATE TABLE IF NOT EXISTS {HistoryTable}
        (
            version      integer     NOT NULL,
            name         text        NOT NULL,
            checksum     text        NOT NULL,
            applied_at   timestamptz NOT NULL DEFAULT now(),
            applied_by   text        NOT NULL,
            execution_ms integer     NOT NULL,
            CONSTRAINT {HistoryTable}_pkey PRIMARY KEY (version)
        )
        """;

    private readonly List<SchemaMigration> _migrations;

    /// <summary>A migrator for the scripts shipped in this assembly.</summary>
    public SchemaMigrator()
        : this(SchemaMigration.Embedded)
    {
    }

    /// <summary>A migrator for the given scripts (tests use it to simulate an edited or a newer script set).</summary>
    public SchemaMigrator(IEnumerable<SchemaMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        var duplicate = ordered.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException(
                $"Two migrations share version {SchemaMigration.FormatVersion(duplicate.Key)}.", nameof(migrations));
        }

        _migrations = ordered;
    }

    /// <summary>The migrations this migrator knows, in version order.</summary>
    public IReadOnlyList<SchemaMigration> Migrations => _migrations;

    /// <summary>The highest version this migrator ships; null when it ships none.</summary>
    public int? LatestVersion => _migrations.Count == 0 ? null : _migrations[^1].Version;

    /// <summary>
    /// Brings the database to <see cref="LatestVersion"/>: takes the advisory lock, verifies the checksums of the
    /// applied migrations, applies the pending ones and reports exactly what it did.
    /// </summary>
    /// <exception cref="SchemaMigrationException">An applied migration changed, or a migration failed.</exception>
    public async Task<SchemaMigrationReport> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(connectionString, cancellationToken);

        // Session-level lock on a dedicated, unpooled connection: held across the per-migration transactions and
        // released in finally (and by PostgreSQL if this process dies).
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
        {
            await ExecuteAsync(connection, CreateHistoryTableSql, cancellationToken);
            var history = await ReadHistoryAsync(connection, cancellationToken);
            VerifyChecksums(history);

            var before = history.Count == 0 ? (int?)null : history.Keys.Max();
            var applied = new List<AppliedSchemaMigration>();
            foreach (var migration in _migrations.Where(m => !history.ContainsKey(m.Version)))
            {
                applied.Add(await ApplyAsync(connection, migration, cancellationToken));
            }

            var after = applied.Count == 0 ? before : Math.Max(before ?? 0, applied.Max(a => a.Version));
            var unknown = history.Keys.Where(v => _migrations.All(m => m.Version != v)).Order().ToList();
            return new SchemaMigrationReport(before, after, applied, unknown);
        }
        finally
        {
            await UnlockAsync(connection);
        }
    }

    /// <summary>
    /// Checks, without changing anything, that the database holds exactly the schema this build ships; a silo calls it
    /// before its storage providers start, so that a missing migration is reported as such rather than as a missing
    /// Orleans query.
    /// </summary>
    /// <exception cref="SchemaMigrationException">Migrations are pending, or an applied one changed.</exception>
    public async Task<SchemaStatus> EnsureUpToDateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(connectionString, cancellationToken);
        if (status.HasChecksumMismatch)
        {
            var changed = status.Migrations.Where(m => m.State == SchemaMigrationState.ChecksumMismatch)
                .Select(m => SchemaMigration.FormatVersion(m.Version) + " " + m.Name);
            throw new SchemaMigrationException(
                $"The database's schema history does not match this build ({string.Join(", ", changed)} changed after it was applied). " +
                "Restore the shipped scripts; an applied migration must never change.");
        }

        if (status.Pending.Count > 0)
        {
            var current = status.CurrentVersion is { } version ? SchemaMigration.FormatVersion(version) : "empty";
            throw new SchemaMigrationException(
                $"The PostgreSQL schema is at {current} but this build needs {SchemaMigration.FormatVersion(LatestVersion ?? 0)} " +
                $"(pending: {string.Join(", ", status.Pending.Select(p => SchemaMigration.FormatVersion(p.Version) + " " + p.Name))}). " +
                "Apply it first with the silo's migrate command (SchemaMigrator.MigrateAsync); it is safe to run more than once.");
        }

        return status;
    }

    private static async Task UnlockAsync(NpgsqlConnection connection)
    {
        if (connection.State != ConnectionState.Open)
        {
            return;
        }

        try
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
        catch (NpgsqlException)
        {
            // The connection is going away; PostgreSQL releases a session's advisory locks when it ends.
        }
    }

    /// <summary>
    /// A dry run: reports which migrations are applied, pending or changed since applied, without taking the lock or
    /// changing anything (not even creating the history table).
    /// </summary>
    public async Task<SchemaStatus> GetStatusAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(connectionString, cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("table", HistoryTable);
        var history = (bool)(await exists.ExecuteScalarAsync(cancellationToken))!
            ? await ReadHistoryAsync(connection, cancellationToken)
            : [];

        var statuses = _migrations.Select(m => history.TryGetValue(m.Version, out var row)
                ? new SchemaMigrationStatus(
                    m.Version,
                    m.Name,
                    string.Equals(row.Checksum, m.Checksum, StringComparison.Ordinal)
                        ? SchemaMigrationState.Applied
                        : SchemaMigrationState.ChecksumMismatch,
                    row.AppliedAt,
                    row.AppliedBy)
                : new SchemaMigrationStatus(m.Version, m.Name, SchemaMigrationState.Pending, null, null))
            .ToList();
        var unknown = history.Keys.Where(v => _migrations.All(m => m.Version != v)).Order().ToList();
        return new SchemaStatus(statuses, unknown);
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // A one-off connection: nothing to pool, and no pooled connection can keep the advisory lock.
            Pooling = false,
        };
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "orchestrator-migrator";
        }

        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void VerifyChecksums(Dictionary<int, HistoryRow> history)
    {
        foreach (var migration in _migrations)
        {
            if (history.TryGetValue(migration.Version, out var row)
                && !string.Equals(row.Checksum, migration.Checksum, StringComparison.Ordinal))
            {
                throw new SchemaMigrationException(
                    $"{migration.DisplayName} was applied on {row.AppliedAt:yyyy-MM-dd HH:mm:ss}Z with checksum {row.Checksum}, " +
                    $"but the script in this build has checksum {migration.Checksum}. An applied migration must never change: " +
                    "restore the original script and put the change in a new migration. Nothing was applied.");
            }
        }
    }

    private static async Task<AppliedSchemaMigration> ApplyAsync(
        NpgsqlConnection connection, SchemaMigration migration, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                // Schema changes may legitimately take a while on a large table.
                script.CommandTimeout = 0;
                await script.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand(
                $"""
                INSERT INTO {HistoryTable} (version, name, checksum, applied_by, execution_ms)
                VALUES (@version, @name, @checksum, current_user || '@' || @host, @ms)
                """,
                connection,
                transaction))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                record.Parameters.AddWithValue("checksum", migration.Checksum);
                record.Parameters.AddWithValue("host", Environment.MachineName);
                record.Parameters.AddWithValue("ms", (int)Math.Min(int.MaxValue, stopwatch.ElapsedMilliseconds));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException exception)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            var position = exception.Position > 0
                ? string.Create(CultureInfo.InvariantCulture, $" (at character {exception.Position} of the script)")
                : "";
            throw new SchemaMigrationException(
                $"{migration.DisplayName} failed and was rolled back: {exception.SqlState} {exception.MessageText}{position}",
                exception);
        }

        return new AppliedSchemaMigration(migration.Version, migration.Name, stopwatch.Elapsed);
    }

    private static async Task<Dictionary<int, HistoryRow>> ReadHistoryAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT version, checksum, applied_at, applied_by FROM {HistoryTable}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<int, HistoryRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetInt32(0)] = new HistoryRow(
                reader.GetString(1),
                new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
                reader.GetString(3));
        }

        return rows;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record HistoryRow(string Checksum, DateTimeOffset AppliedAt, string AppliedBy);
}
