using System.Text;
using Npgsql;
using NpgsqlTypes;
using Orchestrator.Contracts.Search;
using Orchestrator.Grains.Search;

namespace Orchestrator.Storage.Search;

/// <summary>The statements of the read model (table: <c>Schema/V005__checkout_index.sql</c>).</summary>
internal static class CheckoutIndexSql
{
    /// <summary>
    /// The version guard of every writer of <c>checkout_index</c> (the live batches and the rebuild): an existing row is
    /// replaced only by a higher version. store, amount and created_at never change for a checkout.
    /// </summary>
    public const string KeepNewestVersion = """
        ON CONFLICT (service_id, merchant_id, reference_no) DO UPDATE
        SET status = excluded.status,
            payment_code = excluded.payment_code,
            transaction_id = excluded.transaction_id,
            updated_at = excluded.updated_at,
            version = excluded.version,
            requires_attention = excluded.requires_attention
        WHERE checkout_index.version < excluded.version
        """;

    /// <summary>
    /// One statement per batch: the rows arrive as one array per column and are unnested into a multi-row insert. With
    /// <see cref="KeepNewestVersion"/>, writes may arrive in any order, be retried, or race with another silo's, and the
    /// row never goes backwards. The batch holds each checkout once (the buffer coalesces), as ON CONFLICT DO UPDATE requires.
    /// </summary>
    public const string UpsertBatch = $"""
        INSERT INTO checkout_index
            (service_id, merchant_id, reference_no, status, store, amount, payment_code, transaction_id,
             created_at, updated_at, version, requires_attention)
        SELECT @service_id, r.merchant_id, r.reference_no, r.status, r.store, r.amount, r.payment_code, r.transaction_id,
               r.created_at, r.updated_at, r.version, r.requires_attention
        FROM unnest(@merchant_ids, @reference_nos, @statuses, @stores, @amounts, @payment_codes, @transaction_ids,
                    @created_ats, @updated_ats, @versions, @requires_attention)
             AS r(merchant_id, reference_no, status, store, amount, payment_code, transaction_id,
                  created_at, updated_at, version, requires_attention)
        {KeepNewestVersion}
        """;

    private const string Columns =
        "merchant_id, reference_no, status, store, amount, payment_code, transaction_id, created_at, updated_at, version, requires_attention";

    /// <summary>The batch statement with its parameters bound.</summary>
    public static NpgsqlCommand Upsert(NpgsqlDataSource dataSource, string serviceId, IReadOnlyList<CheckoutIndexEntry> rows)
    {
        var command = dataSource.CreateCommand(UpsertBatch);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string>("service_id", NpgsqlDbType.Text) { TypedValue = serviceId });
        parameters.Add(Array("merchant_ids", NpgsqlDbType.Text, rows.Select(r => r.MerchantId)));
        parameters.Add(Array("reference_nos", NpgsqlDbType.Text, rows.Select(r => r.ReferenceNo)));
        parameters.Add(Array("statuses", NpgsqlDbType.Text, rows.Select(r => r.Status.ToString())));
        parameters.Add(Array("stores", NpgsqlDbType.Text, rows.Select(r => r.Store.ToString())));
        parameters.Add(Array("amounts", NpgsqlDbType.Bigint, rows.Select(r => r.Amount)));
        parameters.Add(Array("payment_codes", NpgsqlDbType.Text, rows.Select(r => r.PaymentCode)));
        parameters.Add(Array("transaction_ids", NpgsqlDbType.Text, rows.Select(r => r.TransactionId)));
        parameters.Add(Array("created_ats", NpgsqlDbType.TimestampTz, rows.Select(r => r.CreatedAt.UtcDateTime)));
        parameters.Add(Array("updated_ats", NpgsqlDbType.TimestampTz, rows.Select(r => r.UpdatedAt.UtcDateTime)));
        parameters.Add(Array("versions", NpgsqlDbType.Integer, rows.Select(r => r.Version)));
        parameters.Add(Array("requires_attention", NpgsqlDbType.Boolean, rows.Select(r => r.RequiresAttention)));
        return command;
    }

    /// <summary>
    /// The page query: every filter that is set, the keyset condition after the cursor, newest first, one row more than
    /// the page so the caller knows whether a next page exists. With a merchant filter the merchant is fixed, so the
    /// order and the keyset drop it and the merchant indexes serve the query.
    /// </summary>
    public static NpgsqlCommand Search(NpgsqlDataSource dataSource, string serviceId, CheckoutSearchQuery query, CheckoutSearchPosition? after)
    {
        var command = dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM checkout_index WHERE service_id = @service_id");
        command.Parameters.Add(new NpgsqlParameter<string>("service_id", NpgsqlDbType.Text) { TypedValue = serviceId });
        Filter(command, sql, "merchant_id", query.MerchantId);
        Filter(command, sql, "status", query.Status?.ToString());
        Filter(command, sql, "store", query.Store?.ToString());
        Filter(command, sql, "created_at >= @created_from", "created_from", query.CreatedFrom?.UtcDateTime, NpgsqlDbType.TimestampTz);
        Filter(command, sql, "created_at < @created_to", "created_to", query.CreatedTo?.UtcDateTime, NpgsqlDbType.TimestampTz);
        Filter(command, sql, "payment_code", query.PaymentCode);
        Filter(command, sql, "transaction_id", query.TransactionId);
        Filter(command, sql, "requires_attention = @requires_attention", "requires_attention", query.RequiresAttention, NpgsqlDbType.Boolean);

        var merchantFixed = query.MerchantId is not null;
        if (after is not null)
        {
            sql.Append(merchantFixed
                ? " AND (created_at, reference_no) < (@after_created_at, @after_reference_no)"
                : " AND (created_at, merchant_id, reference_no) < (@after_created_at, @after_merchant_id, @after_reference_no)");
            command.Parameters.Add(new NpgsqlParameter<DateTime>("after_created_at", NpgsqlDbType.TimestampTz) { TypedValue = after.CreatedAt.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter<string>("after_reference_no", NpgsqlDbType.Text) { TypedValue = after.ReferenceNo });
            if (!merchantFixed)
            {
                command.Parameters.Add(new NpgsqlParameter<string>("after_merchant_id", NpgsqlDbType.Text) { TypedValue = after.MerchantId });
            }
        }

        sql.Append(merchantFixed
            ? " ORDER BY created_at DESC, reference_no DESC"
            : " ORDER BY created_at DESC, merchant_id DESC, reference_no DESC");
        sql.Append(" LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = query.Limit + 1 });
        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>Checkouts per status (answered from the status index).</summary>
    public static NpgsqlCommand CountByStatus(NpgsqlDataSource dataSource, string serviceId, string? merchantId)
    {
        var command = dataSource.CreateCommand(merchantId is null
            ? "SELECT status, count(*) FROM checkout_index WHERE service_id = @service_id GROUP BY status"
            : "SELECT status, count(*) FROM checkout_index WHERE service_id = @service_id AND merchant_id = @merchant_id GROUP BY status");
        command.Parameters.Add(new NpgsqlParameter<string>("service_id", NpgsqlDbType.Text) { TypedValue = serviceId });
        if (merchantId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("merchant_id", NpgsqlDbType.Text) { TypedValue = merchantId });
        }

        return command;
    }

    /// <summary>Reads a row selected with the page query's columns.</summary>
    public static CheckoutIndexEntry Read(NpgsqlDataReader reader) => new()
    {
        MerchantId = reader.GetString(0),
        ReferenceNo = reader.GetString(1),
        Status = CheckoutIndexNames.ParseStatus(reader.GetString(2)),
        Store = CheckoutIndexNames.ParseStore(reader.GetString(3)),
        Amount = reader.GetInt64(4),
        PaymentCode = reader.IsDBNull(5) ? null : reader.GetString(5),
        TransactionId = reader.IsDBNull(6) ? null : reader.GetString(6),
        CreatedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(7), TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(8), TimeSpan.Zero),
        Version = reader.GetInt32(9),
        RequiresAttention = reader.GetBoolean(10),
    };

    private static NpgsqlParameter<T[]> Array<T>(string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | elementType) { TypedValue = [.. values] };

    /// <summary>An equality filter on a text column, parameter named after the column.</summary>
    private static void Filter(NpgsqlCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = @").Append(column);
        command.Parameters.Add(new NpgsqlParameter<string>(column, NpgsqlDbType.Text) { TypedValue = value });
    }

    private static void Filter<T>(NpgsqlCommand command, StringBuilder sql, string condition, string name, T? value, NpgsqlDbType type)
        where T : struct
    {
        if (value is not { } set)
        {
            return;
        }

        sql.Append(" AND ").Append(condition);
        command.Parameters.Add(new NpgsqlParameter<T>(name, type) { TypedValue = set });
    }
}
