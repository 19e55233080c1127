namespace Orchestrator.TestSupport.Postgres;

/// <summary>
/// An xunit fixture owning one <see cref="PostgresServer"/> for the tests that share it (use it as a collection
/// fixture: starting a server costs about a second). Each test class makes its own database with
/// <see cref="CreateDatabaseAsync"/>, so classes never see each other's rows.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    /// <summary>The server; started by <see cref="InitializeAsync"/>.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialized.");

    /// <summary>Creates an empty database on the shared server and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default) =>
        Server.CreateDatabaseAsync(cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await PostgresServer.StartNewAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
