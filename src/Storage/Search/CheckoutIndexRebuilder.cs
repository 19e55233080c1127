using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Storage.Search;

/// <summary>What a <see cref="CheckoutIndexRebuilder.RebuildAsync"/> run did.</summary>
/// <param name="StatesRead">Checkout states found in grain storage for the service.</param>
/// <param name="Unreadable">States that lack what a row needs (no merchant, reference, status, store, amount, creation time or version, or an enum number this build does not know); left out.</param>
/// <param name="Inserted">Rows created (the checkout had none).</param>
/// <param name="Updated">Rows moved forward to the state's version.</param>
/// <param name="Duration">How long the statement took.</param>
public sealed record CheckoutIndexRebuildReport(long StatesRead, long Unreadable, long Inserted, long Updated, TimeSpan Duration)
{
    /// <summary>Rows already at the state's version or newer, left alone.</summary>
    public long AlreadyCurrent => StatesRead - Unreadable - Inserted - Updated;

    /// <summary>One line for a console or a log.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{StatesRead} checkout states read: {Inserted} rows inserted, {Updated} updated, {AlreadyCurrent} already current, "
        + $"{Unreadable} unreadable, in {Math.Max(1, (long)Math.Round(Duration.TotalMilliseconds))} ms");
}

/// <summary>
/// Rebuilds <c>checkout_index</c> from grain storage, in SQL: every stored checkout state of one service (the JSON
/// written by <see cref="Hosting.GrainStateJson"/>, read through the <c>orleans_grain_state_json</c> view) becomes its
/// row, with the same version guard as the live writer, so it never moves a row backwards and can run while silos are
/// up and writing. Rows whose checkout has no stored state are left as they are.
/// </summary>
/// <remarks>
/// The JSON member names are those of <c>Orchestrator.Grains.Checkouts.CheckoutState</c> as stored (C# property names;
/// enums as numbers): <c>MerchantId</c>, <c>ReferenceNo</c>, <c>Status</c>, <c>Request.Store</c>,
/// <c>Request.Amount</c>, <c>Nicepay.PaymentCode</c>, <c>Nicepay.TransactionId</c>, <c>CreatedAt</c>,
/// <c>UpdatedAt</c>, <c>Version</c>, <c>RequiresAttention</c>. The storage tests serialize the real state type and
/// rebuild from it, so a rename that changes the stored names fails there.
/// </remarks>
public static class CheckoutIndexRebuilder
{
    /// <summary>
    /// The checkout grain's <c>[PersistentState]</c> name: the <c>grain_type</c> of its rows in <c>orleans_grain_state</c>.
    /// </summary>
    public const string CheckoutStateName = "checkout";

    /// <summary>The statement; @service_id and @state_name are its parameters.</summary>
    public static string Sql { get; } = $"""
        WITH source AS (
            SELECT nullif(s.state->>'MerchantId', '') AS merchant_id,
                   nullif(s.state->>'ReferenceNo', '') AS reference_no,
                   {CheckoutIndexNames.NumberToNameSql<CheckoutStatus>("s.state->>'Status'")} AS status,
                   {CheckoutIndexNames.NumberToNameSql<StoreNetwork>("s.state->'Request'->>'Store'")} AS store,
                   (s.state->'Request'->>'Amount')::bigint AS amount,
                   s.state->'Nicepay'->>'PaymentCode' AS payment_code,
                   s.state->'Nicepay'->>'TransactionId' AS transaction_id,
                   (s.state->>'CreatedAt')::timestamptz AS created_at,
                   coalesce((s.state->>'UpdatedAt')::timestamptz, (s.state->>'CreatedAt')::timestamptz) AS updated_at,
                   (s.state->>'Version')::integer AS version,
                   coalesce((s.state->>'RequiresAttention')::boolean, false) AS requires_attention
            FROM orleans_grain_state_json s
            WHERE s.service_id = @service_id
              AND s.grain_type = @state_name
              AND s.state IS NOT NULL
        ), readable AS (
            SELECT * FROM source
            WHERE merchant_id IS NOT NULL AND reference_no IS NOT NULL AND status IS NOT NULL AND store IS NOT NULL
              AND amount IS NOT NULL AND created_at IS NOT NULL AND version IS NOT NULL
        ), upserted AS (
            INSERT INTO checkout_index
                (service_id, merchant_id, reference_no, status, store, amount, payment_code, transaction_id,
                 created_at, updated_at, version, requires_attention)
            SELECT @service_id, merchant_id, reference_no, status, store, amount, payment_code, transaction_id,
                   created_at, updated_at, version, requires_attention
            FROM readable
            {CheckoutIndexSql.KeepNewestVersion}
            RETURNING (xmax = 0) AS inserted
        )
        SELECT (SELECT count(*) FROM source) AS states_read,
               (SELECT count(*) FROM source) - (SELECT count(*) FROM readable) AS unreadable,
               count(*) FILTER (WHERE inserted) AS inserted,
               count(*) FILTER (WHERE NOT inserted) AS updated
        FROM upserted
        """;

    /// <summary>Rebuilds the rows of <paramref name="serviceId"/> in one statement (one transaction).</summary>
    /// <param name="connectionString">The database (migrated).</param>
    /// <param name="serviceId">The Orleans service id whose checkouts to index.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    public static async Task<CheckoutIndexRebuildReport> RebuildAsync(
        string connectionString, string serviceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        var started = TimeProvider.System.GetTimestamp();
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "orchestrator-reindex",
            Pooling = false,
            // A large table takes a while; the default 30 s would cut it off.
            CommandTimeout = 0,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("service_id", NpgsqlDbType.Text) { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string>("state_name", NpgsqlDbType.Text) { TypedValue = CheckoutStateName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new CheckoutIndexRebuildReport(
            reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
            TimeProvider.System.GetElapsedTime(started));
    }
}
