namespace Orchestrator.Storage.Migrations;

/// <summary>
/// The schema cannot be migrated safely: an applied migration was changed, or a migration failed (and was rolled
/// back). The message says which migration and what to do.
/// </summary>
public sealed class SchemaMigrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SchemaMigrationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SchemaMigrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SchemaMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
