using Microsoft.Extensions.Logging;
using Orchestrator.Storage.Migrations;

namespace Orchestrator.Storage.Hosting;

/// <summary>
/// Stops a silo from starting against a database whose schema is not the one this build ships (migrations pending,
/// or an applied one changed), with a message that says to run the migration. Runs first in the silo lifecycle,
/// before membership, storage and reminders load their queries.
/// </summary>
internal sealed partial class SchemaVersionCheck(string connectionString, ILogger<SchemaVersionCheck> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaVersionCheck), ServiceLifecycleStage.First, CheckAsync);

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var status = await new SchemaMigrator().EnsureUpToDateAsync(connectionString, cancellationToken);
        LogSchemaCurrent(status.CurrentVersion ?? 0);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema is current (V{Version:000}).")]
    private partial void LogSchemaCurrent(int version);
}
