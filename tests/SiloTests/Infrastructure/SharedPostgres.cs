using Orchestrator.TestSupport.Postgres;

namespace Orchestrator.SiloTests.Infrastructure;

/// <summary>One private PostgreSQL server for the Silo tests; each test makes its own database.</summary>
[CollectionDefinition(Name)]
public sealed class SharedPostgres : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "PostgreSQL";
}
