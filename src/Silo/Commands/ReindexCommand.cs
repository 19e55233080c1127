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

    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var connectionString = SiloCommands.RequireConnectionString(Name, configuration, error);
        if (connectionString is null)
        {
            return SiloCommands.ConfigurationError;
        }

        var hosting = configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new SiloHostingOptions();
        var database = SiloProfile.DescribeDatabase(connectionString);
        output.WriteLine($"{Name}: {database}, service '{hosting.ServiceId}'");
        try
        {
            await new SchemaMigrator().EnsureUpToDateAsync(connectionString, cancellationToken);
            var report = await CheckoutIndexRebuilder.RebuildAsync(connectionString, hosting.ServiceId, cancellationToken);
            output.WriteLine(report.ToString());
            return SiloCommands.Success;
        }
        catch (SchemaMigrationException exception)
        {
            error.WriteLine($"{Name}: refused: {exception.Message}");
            return SiloCommands.Failed;
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
        {
            return SiloCommands.ReportFailure(Name, database, exception, error);
        }
    }
}
