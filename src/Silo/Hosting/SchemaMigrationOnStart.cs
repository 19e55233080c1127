using Orchestrator.Storage.Migrations;

namespace Orchestrator.Silo.Hosting;

/// <summary>
/// <c>Orleans:Postgres:MigrateOnStart</c>: applies the schema (what the migrate command does) while the host is
/// starting, before any hosted service starts — the silo, whose providers load their queries from the schema, included.
/// A failure stops start-up with the migrator's message.
/// </summary>
internal sealed partial class SchemaMigrationOnStart(string connectionString, ILogger<SchemaMigrationOnStart> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var report = await new SchemaMigrator().MigrateAsync(connectionString, cancellationToken);
        foreach (var line in report.Lines)
        {
            LogMigration(line);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Orleans:Postgres:MigrateOnStart: {Line}")]
    private partial void LogMigration(string line);
}
