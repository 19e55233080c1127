using Orchestrator.TestSupport.Postgres;

namespace Orchestrator.StorageTests.Infrastructure;

/// <summary>Schema and provider-level tests: one private PostgreSQL server, one database per test class.</summary>
[CollectionDefinition(Name)]
public sealed class SharedPostgres : ICollectionFixture<PostgresServerFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "PostgreSQL";
}
