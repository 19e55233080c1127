using Npgsql;

namespace Orchestrator.Silo.Configuration;

/// <summary>Where the silo keeps membership, grain state, reminders and the operator read model.</summary>
internal enum StorageProfile
{
    /// <summary>In this process's memory: development only, lost when the process stops.</summary>
    Memory = 0,

    /// <summary>PostgreSQL (<c>ConnectionStrings:Orleans</c>): durable, and the way to run several silos.</summary>
    Postgres = 1,
}

/// <summary>
/// The storage profile, chosen by configuration: a <c>ConnectionStrings:Orleans</c> selects PostgreSQL in any
/// environment; without one, Development runs in memory and every other environment refuses to start.
/// </summary>
internal sealed record SiloProfile(StorageProfile Storage, string? ConnectionString)
{
    /// <summary>The connection string's name: <c>ConnectionStrings:Orleans</c>.</summary>
    public const string ConnectionStringName = "Orleans";

    /// <summary>Why a non-development host without a connection string does not start, and what to set.</summary>
    public const string DurableStorageRequiredMessage =
        "The orchestrator keeps payments durably outside the Development environment, and ConnectionStrings:Orleans is not set. "
        + "Set ConnectionStrings:Orleans (environment variable ConnectionStrings__Orleans) to the PostgreSQL connection string "
        + "and apply the schema once with 'dotnet Orchestrator.Silo.dll migrate' (or set Orleans:Postgres:MigrateOnStart=true), "
        + "or run the in-memory development profile with ASPNETCORE_ENVIRONMENT=Development (dotnet run --project src/Silo).";

    public bool IsPostgres => Storage == StorageProfile.Postgres;

    /// <summary>Chooses the profile.</summary>
    /// <exception cref="InvalidOperationException">Not Development and no connection string: says what to set.</exception>
    public static SiloProfile Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new SiloProfile(StorageProfile.Postgres, connectionString);
        }

        return environment.IsDevelopment()
            ? new SiloProfile(StorageProfile.Memory, null)
            : throw new InvalidOperationException(DurableStorageRequiredMessage);
    }

    /// <summary>Whether configuration selects PostgreSQL (without judging the environment).</summary>
    public static bool SelectsPostgres(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName));

    /// <summary>
    /// Where a connection string points, for logs and messages: <c>user@host:port/database</c>, never the password.
    /// </summary>
    public static string DescribeDatabase(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Username ?? "(default user)"}@{builder.Host ?? "(default host)"}:{builder.Port}/{builder.Database ?? builder.Username ?? "(default database)"}";
        }
        catch (ArgumentException)
        {
            return "(a connection string that cannot be parsed)";
        }
    }
}
