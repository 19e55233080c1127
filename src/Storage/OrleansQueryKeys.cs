namespace Orchestrator.Storage;

/// <summary>
/// The <c>OrleansQuery</c> keys Orchestrator's schema provides, per Orleans ADO.NET provider (10.4.2). Verified
/// against the provider assemblies by the storage contract tests: every key an assembly looks up is here and in the
/// database after migration, and nothing else is.
/// </summary>
public static class OrleansQueryKeys
{
    /// <summary>Microsoft.Orleans.Clustering.AdoNet: required at start-up (the provider refuses to start without any of them).</summary>
    public static IReadOnlyList<string> Clustering { get; } =
    [
        "InsertMembershipVersionKey",
        "InsertMembershipKey",
        "UpdateMembershipKey",
        "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey",
        "MembershipReadAllKey",
        "DeleteMembershipTableEntriesKey",
        "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    /// <summary>Microsoft.Orleans.Clustering.AdoNet: optional; when present, defunct silos are removed row by row.</summary>
    public static IReadOnlyList<string> ClusteringOptional { get; } = ["CleanupDefunctSiloEntryKey"];

    /// <summary>Microsoft.Orleans.Persistence.AdoNet: required.</summary>
    public static IReadOnlyList<string> Persistence { get; } =
    [
        "ReadFromStorageKey",
        "WriteToStorageKey",
        "ClearStorageKey",
    ];

    /// <summary>Microsoft.Orleans.Persistence.AdoNet: needed only with <c>DeleteStateOnClear = true</c>.</summary>
    public static IReadOnlyList<string> PersistenceOptional { get; } = ["DeleteStorageKey"];

    /// <summary>Microsoft.Orleans.Reminders.AdoNet: required.</summary>
    public static IReadOnlyList<string> Reminders { get; } =
    [
        "ReadReminderRowsKey",
        "ReadReminderRowKey",
        "ReadRangeRows1Key",
        "ReadRangeRows2Key",
        "UpsertReminderRowKey",
        "DeleteReminderRowKey",
        "DeleteReminderRowsKey",
    ];

    /// <summary>Every key the schema provides.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. Clustering, .. ClusteringOptional, .. Persistence, .. PersistenceOptional, .. Reminders];
}
