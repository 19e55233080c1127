using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Orchestrator.Storage;
using Orchestrator.Storage.Migrations;
using Orchestrator.StorageTests.Infrastructure;
using Orchestrator.TestSupport.Postgres;
using Orleans.Runtime.MembershipService;
using Orleans.Configuration;
using Orleans.Storage;

namespace Orchestrator.StorageTests;

/// <summary>
/// The query keys come from the provider assemblies themselves, not from upstream scripts: a provider upgrade that
/// looks up a new key fails here before it fails a silo's start-up.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed partial class QueryKeyContractTests(PostgresServerFixture postgres)
{
    // String literals of the provider assemblies that end in "Key" but are not query keys.
    private static readonly string[] NotQueryKeys =
    [
        "QueryKey",      // the OrleansQuery column
        "SerializerKey", // a configuration key of the persistence provider builder
    ];

    private static readonly Assembly Clustering = typeof(AdoNetClusteringTable).Assembly;
    private static readonly Assembly Persistence = typeof(AdoNetGrainStorage).Assembly;
    private static readonly Assembly Reminders = typeof(AdoNetReminderTableOptions).Assembly;

    [Fact]
    public void ProviderAssemblies_MentionExactlyTheKeysTheSchemaProvides()
    {
        var mentioned = new[] { Clustering, Persistence, Reminders }
            .SelectMany(KeyLiteralsIn)
            .Except(NotQueryKeys)
            .Order(StringComparer.Ordinal);

        Assert.Equal(OrleansQueryKeys.All.Order(StringComparer.Ordinal), mentioned);
    }

    [Fact]
    public void ClusteringAndReminders_RequireTheKeysListedAsRequired()
    {
        // Each provider checks at start-up that every internal property of its DbStoredQueries has a row.
        Assert.Equal(OrleansQueryKeys.Clustering.Order(StringComparer.Ordinal), RequiredByStoredQueries(Clustering));
        Assert.Equal(OrleansQueryKeys.Reminders.Order(StringComparer.Ordinal), RequiredByStoredQueries(Reminders));
    }

    [Fact]
    public void Persistence_LoadsTheKeysListed()
    {
        var loaded = QuotedKey().Matches(AdoNetGrainStorage.DefaultInitializationQuery).Select(m => m.Groups[1].Value);

        Assert.Equal(
            OrleansQueryKeys.Persistence.Concat(OrleansQueryKeys.PersistenceOptional).Order(StringComparer.Ordinal),
            loaded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MigratedSchema_HasARowForEveryKeyAndNoOther()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new SchemaMigrator().MigrateAsync(database);

        var keys = await Db.ListAsync(database, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\"", r => r.GetString(0));

        Assert.Equal(OrleansQueryKeys.All.Order(StringComparer.Ordinal), keys);
    }

    private static List<string> RequiredByStoredQueries(Assembly assembly)
    {
        var storedQueries = assembly.GetTypes().Single(t => t.Name == "DbStoredQueries");
        return storedQueries.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
            .Select(p => p.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static HashSet<string> KeyLiteralsIn(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
        {
            var literal = metadata.GetUserString(handle);
            if (KeyLiteral().IsMatch(literal))
            {
                keys.Add(literal);
            }
        }

        return keys;
    }

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*Key$")]
    private static partial Regex KeyLiteral();

    [GeneratedRegex(@"'([A-Za-z0-9]+Key)'")]
    private static partial Regex QuotedKey();
}
