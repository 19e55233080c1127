using Orchestrator.Storage.Migrations;

namespace Orchestrator.Silo.Commands;

/// <summary>
/// <c>migrate</c>: applies Orchestrator's PostgreSQL schema (<see cref="SchemaMigrator"/>) to
/// <c>ConnectionStrings:Orleans</c> and prints one line per migration applied, or <c>nothing to do: schema at V005</c>.
/// Safe to run any number of times, also while silos run or another migrate runs (an advisory lock serializes them).
/// Refuses, changing nothing, when an applied migration was altered.
/// </summary>
internal static class MigrateCommand
{
    public const string Name = "migrate";

    public static Task<int> RunAsync(IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        SiloCommands.RunOnDatabaseAsync(Name, configuration, error, async (connectionString, database) =>
        {
            output.WriteLine($"{Name}: {database}");
            var report = await new SchemaMigrator().MigrateAsync(connectionString, cancellationToken);
            foreach (var line in report.Lines)
            {
                output.WriteLine(line);
            }
        });
}
