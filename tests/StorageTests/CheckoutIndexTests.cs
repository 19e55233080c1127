using System.Text.RegularExpressions;
using Npgsql;
using Orchestrator.Storage.Migrations;
using Orchestrator.StorageTests.Infrastructure;
using Orchestrator.TestSupport.Postgres;

namespace Orchestrator.StorageTests;

/// <summary>
/// The read-model statements docs/storage.md recommends, executed as written in the doc: the version-guarded upsert
/// and the keyset page.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed partial class CheckoutIndexTests(PostgresServerFixture postgres)
{
    private static readonly DateTime T0 = new(2026, 11, 24, 2, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task DocumentedUpsert_WritesInAnyOrder_NeverGoBackwards()
    {
        var database = await MigratedAsync();

        await UpsertAsync(database, "ref-1", "Created", version: 1, at: T0);
        await UpsertAsync(database, "ref-1", "Confirmed", version: 3, at: T0.AddMinutes(3), code: "PC1", txid: "TX1");
        await UpsertAsync(database, "ref-1", "Registered", version: 2, at: T0.AddMinutes(2), code: "PC1");

        var row = Assert.Single(await Db.ListAsync(
            database,
            "SELECT status, version, transaction_id, created_at FROM checkout_index",
            r => (Status: r.GetString(0), Version: r.GetInt32(1), TxId: r.GetString(2), Created: r.GetDateTime(3))));
        Assert.Equal(("Confirmed", 3, "TX1", T0), row);
    }

    [Fact]
    public async Task DocumentedKeysetPage_WalksEveryRowOnceNewestFirst()
    {
        var database = await MigratedAsync();
        for (var i = 0; i < 7; i++)
        {
            // Two checkouts share each timestamp: the keyset must break ties on merchant and reference.
            await UpsertAsync(database, $"ref-{i}", "Registered", version: 1, at: T0.AddMinutes(i / 2));
        }

        var seen = new List<string>();
        var after = (Created: new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc), Merchant: "", Reference: "");
        while (true)
        {
            var page = await PageAsync(database, after, pageSize: 3);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(p => p.Reference));
            after = page[^1];
        }

        Assert.Equal(["ref-6", "ref-5", "ref-4", "ref-3", "ref-2", "ref-1", "ref-0"], seen);
    }

    private async Task<string> MigratedAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(database);
        return database;
    }

    private static async Task UpsertAsync(
        string database, string reference, string status, int version, DateTime at, string? code = null, string? txid = null)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(DocSnippet("INSERT INTO checkout_index"), connection);
        command.Parameters.AddWithValue("service", "svc");
        command.Parameters.AddWithValue("merchant", "m-1");
        command.Parameters.AddWithValue("reference", reference);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("store", "Alfamart");
        command.Parameters.AddWithValue("amount", 150_000L);
        command.Parameters.AddWithValue("code", (object?)code ?? DBNull.Value);
        command.Parameters.AddWithValue("txid", (object?)txid ?? DBNull.Value);
        command.Parameters.AddWithValue("created", T0.AddMinutes(int.Parse(reference[4..], System.Globalization.CultureInfo.InvariantCulture) / 2));
        command.Parameters.AddWithValue("updated", at);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("attention", false);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<(DateTime Created, string Merchant, string Reference)>> PageAsync(
        string database, (DateTime Created, string Merchant, string Reference) after, int pageSize)
    {
        var sql = DocSnippet("SELECT … FROM checkout_index")
            .Replace("SELECT …", "SELECT created_at, merchant_id, reference_no", StringComparison.Ordinal)
            .Replace("AND status = @status", "", StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("service", "svc");
        command.Parameters.AddWithValue("afterCreated", after.Created);
        command.Parameters.AddWithValue("afterMerchant", after.Merchant);
        command.Parameters.AddWithValue("afterReference", after.Reference);
        command.Parameters.AddWithValue("pageSize", pageSize);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(DateTime, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetDateTime(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>The first ```sql block of docs/storage.md that starts with <paramref name="start"/>.</summary>
    private static string DocSnippet(string start)
    {
        var doc = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "storage.md"));
        var snippet = SqlBlock().Matches(doc).Select(m => m.Groups[1].Value)
            .FirstOrDefault(block => block.StartsWith(start, StringComparison.Ordinal));
        Assert.True(snippet is not null, $"docs/storage.md has no ```sql block starting with '{start}'.");
        return RemoveComments().Replace(snippet, "");
    }

    [GeneratedRegex(@"```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex RemoveComments();
}
