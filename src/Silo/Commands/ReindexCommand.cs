using Orchestrator.Silo.Configuration;
using Orchestrator.Storage.Migrations;
using Orchestrator.Storage.Search;

namespace Orchestrator.Silo.Commands;

/// <summary>
/// <c>reindex</c>: rebuilds the operator read model (<c>checkout_index</c>) of service <c>Orleans:ServiceId</c> from
/// the stored checkout states (<see cref="CheckoutIndexRebuilder"/>), version-guarded, so it never moves a row
/// backwards and may run while silos are up. For after a restore, a long PostgreSQL outage that overflowed the silos'
/// buffers, or a change to how rows are derived. Needs the schema current (run migrate first).
/// </summary>
internal static class ReindexCommand
{
    public const string Name = "reindex";

    public static Task<int> RunAsync(IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        SiloCommands.RunOnDatabaseAsync(Name, configuration, error, async (connectionString, database) =>
        {
            var hosting = configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new SiloHostingOptions();
            output.WriteLine($"{Name}: {database}, service '{hosting.ServiceId}'");
            await new SchemaMigrator().EnsureUpToDateAsync(connectionString, cancellationToken);
            var report = await CheckoutIndexRebuilder.RebuildAsync(connectionString, hosting.ServiceId, cancellationToken);
            output.WriteLine(report.ToString());
        });
}
