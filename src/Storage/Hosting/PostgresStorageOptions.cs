namespace Orchestrator.Storage.Hosting;

/// <summary>
/// How <see cref="PostgresSiloBuilderExtensions.AddOrchestratorPostgres"/> wires the Orleans ADO.NET providers.
/// </summary>
/// <remarks>
/// <para><b>Connections.</b> Each silo opens at most <see cref="MaxPoolSize"/> + <see cref="MembershipMaxPoolSize"/>
/// connections: grain state and reminders share one Npgsql pool, membership has its own small one so that heartbeats
/// and membership votes never queue behind a burst of state writes. With the defaults that is 20 per silo (22 with the
/// read model's own pool, <see cref="Search.PostgresCheckoutIndexOptions.MaxPoolSize"/>), so PostgreSQL's default
/// <c>max_connections = 100</c> (minus a few reserved for superusers and the migrator) fits four silos; raise
/// <c>max_connections</c> before adding more. A bigger pool does not buy throughput on a small server: 16 connections
/// sustained the same durable write rate as 100 with half the p99 latency (docs/storage.md).</para>
/// <para>Any <c>Maximum Pool Size</c>, <c>Application Name</c> or <c>Max Auto Prepare</c> in the connection string is
/// replaced by these options, so that one setting governs each.</para>
/// </remarks>
public sealed class PostgresStorageOptions
{
    /// <summary>The default for <see cref="MaxPoolSize"/>.</summary>
    public const int DefaultMaxPoolSize = 16;

    /// <summary>The default for <see cref="MembershipMaxPoolSize"/>.</summary>
    public const int DefaultMembershipMaxPoolSize = 4;

    /// <summary>
    /// The name of the grain storage provider grains use in <c>[PersistentState(stateName, storageName)]</c>
    /// (Orchestrator's grains use <c>GrainsServiceCollectionExtensions.StorageName</c>, "checkouts"). Required.
    /// </summary>
    public string GrainStorageName { get; set; } = "";

    /// <summary>Npgsql <c>Maximum Pool Size</c> of the pool shared by grain state and reminders (default 16).</summary>
    public int MaxPoolSize { get; set; } = DefaultMaxPoolSize;

    /// <summary>Npgsql <c>Maximum Pool Size</c> of the membership pool (default 4).</summary>
    public int MembershipMaxPoolSize { get; set; } = DefaultMembershipMaxPoolSize;

    /// <summary>
    /// Npgsql <c>Max Auto Prepare</c> (default 32): how many distinct statements each connection keeps prepared. The
    /// providers run the same few query texts over and over, so preparing them saves PostgreSQL a parse and plan per
    /// call. 0 turns it off.
    /// </summary>
    public int MaxAutoPrepare { get; set; } = 32;

    /// <summary>
    /// When true, <c>ClearStateAsync</c> deletes the grain's row instead of keeping it with an empty payload and a new
    /// version. Default false (Orleans' default): a cleared grain keeps its ETag sequence.
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>
    /// When true (the default), the silo checks before anything else starts that the database holds exactly the
    /// schema this build ships, and refuses to start otherwise with a message to run the migration.
    /// </summary>
    public bool VerifySchemaOnStart { get; set; } = true;
}
