using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using Npgsql;
using Orchestrator.TestSupport.Postgres;
using Orchestrator.TestSupport.Secrets;
using Orchestrator.TestSupport.Webhooks;

namespace Orchestrator.ClusterHarness;

/// <summary>How a silo process is ended.</summary>
public enum SiloStop
{
    /// <summary>SIGTERM: a graceful shutdown (a deploy, a scale-in).</summary>
    Graceful,

    /// <summary>SIGKILL (<c>kill -9</c>): a crash; nothing runs after it.</summary>
    Kill,
}

/// <summary>A row of the membership table.</summary>
/// <param name="Address">The advertised address.</param>
/// <param name="Port">The silo port.</param>
/// <param name="Generation">The silo's generation (its start time, in Orleans' epoch).</param>
/// <param name="Status">Orleans' <c>SiloStatus</c> (3 Active, 6 Dead, …).</param>
public sealed record MembershipRow(string Address, int Port, int Generation, int Status)
{
    /// <summary>The status as Orleans names it.</summary>
    public string StatusName => Status switch
    {
        0 => "None",
        1 => "Created",
        2 => "Joining",
        3 => "Active",
        4 => "ShuttingDown",
        5 => "Stopping",
        6 => "Dead",
        _ => Status.ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public override string ToString() => $"{Address}:{Port}@{Generation} {StatusName}";
}

/// <summary>
/// A real cluster for one drill, every part its own process of the current build, all on loopback:
/// <list type="number">
/// <item>a private PostgreSQL (<see cref="PostgresServer"/>) with an empty database;</item>
/// <item>the schema applied by running <c>Orchestrator.Silo.dll migrate</c>, as an operator would (which proves the command);</item>
/// <item>the NICEPAY sandbox, standalone, knowing the merchants' iMids and keys;</item>
/// <item>a merchant webhook receiver in this process (<see cref="Webhooks"/>), verifying every signature itself;</item>
/// <item>silo processes (<c>dotnet Orchestrator.Silo.dll</c>, Production environment, PostgreSQL profile) on free ports,
/// one cluster id, the sandbox as NICEPAY, each its own public URL, checkout timing in seconds.</item>
/// </list>
/// Every process writes its stdout and stderr to a log under <see cref="ArtifactsDirectory"/>, next to the harness's own
/// narration (<c>harness.log</c>); every key and secret the harness configures is in the <see cref="SecretLedger"/> before
/// any of them runs, for a scan of those logs. Disposing kills everything the harness started, in bounded time, and
/// removes the database; so does the end of this process, and a later harness sweeps up after one that was itself killed.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private static readonly TimeSpan SandboxReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MigrateTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);
    private const int StartAttempts = 3;

    private readonly ProcessClusterOptions _options;
    private readonly ProcessJanitor _janitor;
    private readonly BuiltBinaries _binaries;
    private readonly Lock _gate = new();
    private readonly List<SiloProcess> _silos = [];
    private readonly HashSet<int> _portsHandedOut = [];
    private readonly StreamWriter _log;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private PostgresServer? _postgres;
    private SandboxProcess? _sandbox;
    private WebhookReceiver? _webhooks;
    private int _siloCounter;
    private bool _disposed;

    private ProcessCluster(ProcessClusterOptions options, BuiltBinaries binaries, string artifactsDirectory)
    {
        _options = options;
        _binaries = binaries;
        ArtifactsDirectory = artifactsDirectory;
        RunId = HarnessMerchant.RandomHex(6);
        ClusterId = $"{options.Name}-{RunId}";
        _janitor = new ProcessJanitor(RunId);
        Directory.CreateDirectory(artifactsDirectory);
        _log = new StreamWriter(new FileStream(Path.Combine(artifactsDirectory, "harness.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            AutoFlush = true,
        };
        Merchants = options.Merchants;
        OperatorKey = $"operator-key-{HarnessMerchant.RandomHex(12)}";
        RegisterSecrets();
    }

    /// <summary>This harness's own folder for logs and figures.</summary>
    public string ArtifactsDirectory { get; }

    /// <summary>A random marker of this harness (on every child's command line; part of the cluster id).</summary>
    public string RunId { get; }

    /// <summary>The Orleans cluster id every silo shares (service id: <c>orchestrator</c>).</summary>
    public string ClusterId { get; }

    /// <summary>The merchants configured on every silo.</summary>
    public IReadOnlyList<HarnessMerchant> Merchants { get; }

    /// <summary>The operator API key configured on every silo.</summary>
    public string OperatorKey { get; }

    /// <summary>The private PostgreSQL server.</summary>
    public PostgresServer Postgres => _postgres ?? throw NotStarted();

    /// <summary>The silos' connection string (database <c>orchestrator</c>).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>What <c>migrate</c> printed.</summary>
    public string MigrateOutput { get; private set; } = "";

    /// <summary>The NICEPAY sandbox process.</summary>
    public SandboxProcess Sandbox => _sandbox ?? throw NotStarted();

    /// <summary>The merchants' webhook endpoint.</summary>
    public WebhookReceiver Webhooks => _webhooks ?? throw NotStarted();

    /// <summary>Every silo process started so far, in start order (ended ones included).</summary>
    public IReadOnlyList<SiloProcess> Silos
    {
        get
        {
            lock (_gate)
            {
                return [.. _silos];
            }
        }
    }

    /// <summary>The silo processes running now.</summary>
    public IReadOnlyList<SiloProcess> RunningSilos => [.. Silos.Where(silo => silo.IsRunning)];

    /// <summary>The silo settings in effect (for reports).</summary>
    public IReadOnlyDictionary<string, string> SiloSettings => _options.SiloSettings.AsReadOnly();

    /// <summary>Silos that exited without the harness ending them (e.g. a silo evicted by the others stops itself).</summary>
    public IReadOnlyList<SiloProcess> UnexpectedExits => [.. Silos.Where(silo => !silo.IsRunning && silo.EndedBy is null)];

    /// <summary>Starts PostgreSQL, applies the schema with <c>migrate</c>, starts the sandbox, the receiver and the silos.</summary>
    public static async Task<ProcessCluster> StartAsync(ProcessClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binaries = BuiltBinaries.Locate();
        var harness = new ProcessCluster(options, binaries, Path.Combine(options.ArtifactsDirectory, options.Name));
        try
        {
            foreach (var line in ProcessJanitor.SweepLeftovers())
            {
                harness.Log($"sweep: {line}");
            }

            harness.Log($"harness {harness.RunId}: silo {binaries.SiloDll}, sandbox {binaries.SandboxDll}");
            await harness.StartPostgresAndSchemaAsync();
            await harness.StartSandboxAsync();
            harness._webhooks = new WebhookReceiver(options.Merchants.ToDictionary(m => m.Id, m => m.WebhookSecret, StringComparer.Ordinal));
            await harness._webhooks.StartAsync();
            harness.Log($"webhook receiver on {harness._webhooks.BaseAddress}");

            await Task.WhenAll(Enumerable.Range(0, options.Silos).Select(_ => harness.StartSiloAsync()));
            await harness.WaitForMembershipAsync();
            harness.Log($"started in {harness._clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", harness.RunningSilos)}");
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a new silo process and waits until it is ready (<c>/health/ready</c>: an active cluster member). With
    /// <paramref name="samePortsAs"/>, it takes that (ended) silo's name and ports: the same public URL and silo
    /// endpoint, a new Orleans generation.
    /// </summary>
    public async Task<SiloProcess> StartSiloAsync(SiloProcess? samePortsAs = null)
    {
        if (samePortsAs is { IsRunning: true })
        {
            throw new InvalidOperationException($"{samePortsAs} still runs: stop or kill it before reusing its ports.");
        }

        for (var attempt = 1; ; attempt++)
        {
            SiloProcess silo;
            lock (_gate)
            {
                silo = samePortsAs is null
                    ? LaunchSilo($"silo-{++_siloCounter}", 1, FreePort(), FreePort(), FreePort())
                    : LaunchSilo(samePortsAs.Name, samePortsAs.Incarnation + 1, samePortsAs.HttpPort, samePortsAs.SiloPort, samePortsAs.GatewayPort);
                _silos.Add(silo);
            }

            Log($"started {silo}");
            try
            {
                await WaitUntilReadyAsync(silo);
                return silo;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts && silo.Process.LogContains("address already in use"))
            {
                // Another process took a port between our probe and the bind: try again (new ports, or the same later).
                Log($"{silo} could not bind its ports; retrying");
                lock (_gate)
                {
                    _siloCounter -= samePortsAs is null ? 1 : 0;
                    _silos.Remove(silo);
                }

                silo.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    /// <summary>Polls <c>/health/ready</c> until 200; throws with the log's tail when the process exits or time runs out.</summary>
    public async Task WaitUntilReadyAsync(SiloProcess silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (silo.Process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{silo} exited with {silo.Process.ExitCode} while starting. Log tail ({silo.Process.LogFile}):{Environment.NewLine}{silo.Process.ReadLogTail()}");
            }

            if (await silo.IsReadyAsync())
            {
                Log($"{silo} ready after {clock.Elapsed.TotalSeconds:F1} s");
                return;
            }

            if (clock.Elapsed > _options.ReadyTimeout)
            {
                throw new TimeoutException(
                    $"{silo} was not ready within {_options.ReadyTimeout}. Log tail ({silo.Process.LogFile}):{Environment.NewLine}{silo.Process.ReadLogTail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary><c>kill -9</c> of a silo; returns the <see cref="Stopwatch"/> timestamp of the kill (takeover windows start there).</summary>
    public async Task<long> KillSiloAsync(SiloProcess silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var at = Stopwatch.GetTimestamp();
        silo.Process.Kill();
        silo.EndedBy = "killed";
        if (!await silo.Process.WaitForExitAsync(KillTimeout))
        {
            throw new InvalidOperationException($"{silo} survived SIGKILL for {KillTimeout}.");
        }

        Log($"killed (SIGKILL) {silo}");
        return at;
    }

    /// <summary>SIGTERM to a silo; waits for the graceful shutdown and returns how long it took.</summary>
    /// <exception cref="TimeoutException">It did not exit within the stop timeout (it is then killed).</exception>
    public async Task<TimeSpan> StopSiloAsync(SiloProcess silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var clock = Stopwatch.StartNew();
        silo.EndedBy = "stopped";
        if (!await silo.Process.TerminateAsync(_options.StopTimeout))
        {
            silo.Process.Kill();
            throw new TimeoutException($"{silo} did not stop within {_options.StopTimeout} of SIGTERM; killed. Log tail:{Environment.NewLine}{silo.Process.ReadLogTail()}");
        }

        Log($"stopped (SIGTERM) {silo} in {clock.Elapsed.TotalSeconds:F1} s, exit code {silo.Process.ExitCode}");
        return clock.Elapsed;
    }

    /// <summary>Stops PostgreSQL (fast shutdown: sessions are cut, data is kept).</summary>
    public async Task StopPostgresAsync(bool immediate = false)
    {
        await Postgres.StopAsync(immediate);
        Log($"PostgreSQL stopped ({(immediate ? "immediate" : "fast")})");
    }

    /// <summary>Starts PostgreSQL again on the same port and data.</summary>
    public async Task StartPostgresAsync()
    {
        await Postgres.StartAsync();
        Log("PostgreSQL started");
    }

    /// <summary>The membership table of this cluster.</summary>
    public async Task<IReadOnlyList<MembershipRow>> MembershipAsync()
    {
        await using var connection = await OpenUnpooledAsync();
        await using var command = new NpgsqlCommand(
            "SELECT address, port, generation, status FROM orleans_membership WHERE deployment_id = @cluster ORDER BY port, generation", connection);
        command.Parameters.AddWithValue("cluster", ClusterId);
        var rows = new List<MembershipRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new MembershipRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3)));
        }

        return rows;
    }

    /// <summary>Runs a scalar query against the silos' database (e.g. counting reminders); unpooled.</summary>
    public async Task<T> QueryScalarAsync<T>(string sql)
    {
        await using var connection = await OpenUnpooledAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The version of a checkout as stored in PostgreSQL (the grain state row, read through the
    /// <c>orleans_grain_state_json</c> view), or null when no state is stored. What the API serves must never be ahead of it.
    /// </summary>
    public async Task<int?> StoredVersionAsync(HarnessMerchant merchant, string referenceNo)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        await using var connection = await OpenUnpooledAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (state->>'Version')::int FROM orleans_grain_state_json WHERE grain_type = 'checkout' AND grain_key = @key", connection);
        command.Parameters.AddWithValue("key", $"{merchant.Id}/{referenceNo}");
        return await command.ExecuteScalarAsync() is int version ? version : null;
    }

    /// <summary>
    /// Waits until the membership table lists every running silo as Active and nothing else as Active (dead silos
    /// declared dead); throws with the table when it does not within <paramref name="timeout"/> (default 60 s).
    /// </summary>
    public async Task<IReadOnlyList<MembershipRow>> WaitForMembershipAsync(TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        while (true)
        {
            var running = RunningSilos.Select(silo => silo.SiloPort).Order().ToList();
            var rows = await MembershipAsync();
            var active = rows.Where(row => row.Status == 3).Select(row => row.Port).Order().ToList();
            if (active.SequenceEqual(running))
            {
                return rows;
            }

            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException(
                    $"The membership table does not match the running silos after {limit}: running silo ports [{string.Join(", ", running)}], "
                    + $"table: [{string.Join("; ", rows)}].");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>
    /// Which running silo hosts a checkout now, from the operator view's <c>activeOn</c> (asking
    /// <paramref name="via"/>, else any running silo); null when the view cannot be read or names no running silo.
    /// </summary>
    public async Task<(SiloProcess? Silo, OperatorViewJson? View)> FindHostAsync(HarnessMerchant merchant, string referenceNo, SiloProcess? via = null)
    {
        var running = RunningSilos;
        var asked = via ?? (running.Count > 0 ? running[0] : null) ?? throw new InvalidOperationException("No silo is running.");
        var response = await asked.OperatorViewAsync(OperatorKey, merchant, referenceNo, TimeSpan.FromSeconds(10));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (null, null);
        }

        var view = response.As<OperatorViewJson>();
        return (RunningSilos.FirstOrDefault(silo => silo.Hosts(view.ActiveOn)), view);
    }

    /// <summary>Everything known about a checkout, for failure messages: the operator view, the ledger, the webhooks.</summary>
    public async Task<string> DescribeAsync(HarnessMerchant merchant, string referenceNo)
    {
        var lines = new List<string> { $"--- {merchant.Id}/{referenceNo}" };
        var running = RunningSilos;
        if (running.Count > 0)
        {
            var silo = running[0];
            var view = await silo.OperatorViewAsync(OperatorKey, merchant, referenceNo, TimeSpan.FromSeconds(10));
            lines.Add(view.StatusCode == HttpStatusCode.OK ? view.As<OperatorViewJson>().Describe() : $"operator view via {silo}: {view}");
        }

        try
        {
            lines.AddRange((await Sandbox.TransactionsAsync(merchant, referenceNo)).Select(t => $"sandbox: {t}"));
            lines.Add($"sandbox registrations: {(await Sandbox.RegistrationsAsync(merchant, referenceNo))?.ToString() ?? "none"}");
        }
        catch (InvalidOperationException exception)
        {
            lines.Add($"(sandbox: {exception.Message})");
        }

        lines.AddRange(Webhooks.For(referenceNo).Select(w => $"received webhook {w}"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Writes a line to <c>harness.log</c> and to the configured sink, with the time since the harness started.</summary>
    public void Log(string message)
    {
        var line = $"[{DateTime.UtcNow:HH:mm:ss.fff} +{_clock.Elapsed.TotalSeconds,7:F2}s] {message}";
        lock (_log)
        {
            if (!_disposed)
            {
                _log.WriteLine(line);
            }
        }

        try
        {
            _options.Log?.Invoke(line);
        }
        catch (InvalidOperationException)
        {
            // A test's output sink refuses writes after the test ended; the file has the line.
        }
    }

    /// <summary>Kills every process the harness started, stops PostgreSQL and deletes its data; bounded in time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        _janitor.KillAll();
        var processes = Silos.Select(silo => silo.Process).Concat(_sandbox is null ? [] : [_sandbox.Process]).ToList();
        await Task.WhenAll(processes.Select(process => process.WaitForExitAsync(KillTimeout)));
        if (_webhooks is not null)
        {
            await _webhooks.DisposeAsync();
        }

        if (_postgres is not null)
        {
            try
            {
                await _postgres.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                Log($"PostgreSQL did not stop within 30 s; left at {_postgres.RootDirectory} for the next sweep");
            }
        }

        Log($"torn down in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var silo in Silos)
        {
            silo.Dispose();
        }

        _sandbox?.Dispose();
        _janitor.Dispose();
        lock (_log)
        {
            _disposed = true;
            _log.Dispose();
        }
    }

    /// <summary>
    /// Puts every key and secret this cluster configures in the <see cref="SecretLedger"/> (a <c>whsec_</c> value with its
    /// base64 key), before any process that could log one starts, so a scan of the logs looks for these exact values.
    /// </summary>
    private void RegisterSecrets()
    {
        foreach (var merchant in Merchants)
        {
            var label = $"cluster {ClusterId}, {merchant}";
            SecretLedger.Add(SecretKind.MerchantApiKey, label, merchant.ApiKey);
            SecretLedger.Add(SecretKind.MerchantNicepayKey, label, merchant.MerchantKey);
            SecretLedger.Add(SecretKind.WebhookSecret, label, merchant.WebhookSecret);
        }

        SecretLedger.Add(SecretKind.OperatorKey, $"cluster {ClusterId}", OperatorKey);
    }

    /// <summary>A connection to the silos' database outside any pool, so a PostgreSQL restart leaves no stale one behind.</summary>
    private async Task<NpgsqlConnection> OpenUnpooledAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task StartPostgresAndSchemaAsync()
    {
        _postgres = await PostgresServer.StartNewAsync();
        _janitor.TrackPostgres(_postgres.RootDirectory);
        ConnectionString = await _postgres.CreateDatabaseAsync("orchestrator");
        Log($"PostgreSQL on 127.0.0.1:{_postgres.Port} ({_postgres.RootDirectory})");

        // The schema, applied as an operator would: the Silo executable's migrate command, as its own process.
        var logFile = Path.Combine(ArtifactsDirectory, "migrate.log");
        using var migrate = ManagedProcess.Start(
            "migrate", BuiltBinaries.DotnetHost(), [_binaries.SiloDll, "migrate"], _binaries.SiloDirectory,
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__Orleans"] = ConnectionString,
            },
            logFile);
        _janitor.Track(migrate);
        if (!await migrate.WaitForExitAsync(MigrateTimeout))
        {
            migrate.Kill();
            throw new TimeoutException($"migrate did not finish within {MigrateTimeout}:{Environment.NewLine}{migrate.ReadLogTail()}");
        }

        MigrateOutput = (await File.ReadAllTextAsync(logFile)).Trim();
        if (migrate.ExitCode != 0 || !MigrateOutput.Contains("schema at V", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"migrate exited with {migrate.ExitCode}:{Environment.NewLine}{MigrateOutput}");
        }

        Log($"migrate: {MigrateOutput.Replace(Environment.NewLine, " | ", StringComparison.Ordinal)}");
    }

    private async Task StartSandboxAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            };
            AddConsoleLogging(environment);
            foreach (var merchant in _options.Merchants)
            {
                environment[$"Sandbox__Merchants__{merchant.IMid}__Name"] = merchant.Name;
                environment[$"Sandbox__Merchants__{merchant.IMid}__MerchantKey"] = merchant.MerchantKey;
            }

            foreach (var (key, value) in _options.SandboxSettings)
            {
                environment[ToEnvironmentName(key)] = value;
            }

            var process = ManagedProcess.Start(
                "sandbox", BuiltBinaries.DotnetHost(),
                [_binaries.SandboxDll, "--urls", $"http://127.0.0.1:{port}", $"--ClusterHarness:Run={RunId}"],
                _binaries.SandboxDirectory, environment, Path.Combine(ArtifactsDirectory, "sandbox.log"));
            _janitor.Track(process);
            var sandbox = new SandboxProcess(process, port);
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && clock.Elapsed < SandboxReadyTimeout)
            {
                if ((await sandbox.Http.GetAsync("sandbox/faults", timeout: TimeSpan.FromSeconds(5))).StatusCode == HttpStatusCode.OK)
                {
                    _sandbox = sandbox;
                    Log($"sandbox {process} on {sandbox.BaseAddress}, ready after {clock.Elapsed.TotalSeconds:F1} s");
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            process.Kill();
            var tail = process.ReadLogTail();
            sandbox.Dispose();
            if (attempt >= StartAttempts || !tail.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The sandbox did not start within {SandboxReadyTimeout}:{Environment.NewLine}{tail}");
            }
        }
    }

    private SiloProcess LaunchSilo(string name, int incarnation, int httpPort, int siloPort, int gatewayPort)
    {
        var address = $"http://127.0.0.1:{httpPort}";
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Orleans"] = ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = "orchestrator",
            ["Orleans__AdvertisedIPAddress"] = "127.0.0.1",
            ["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Nicepay__BaseUrl"] = Sandbox.BaseAddress.ToString(),
            ["Orchestrator__PublicBaseUrl"] = address,
            ["Operators__ApiKeys__0"] = OperatorKey,
        };
        AddConsoleLogging(environment);
        foreach (var merchant in _options.Merchants)
        {
            var prefix = $"Merchants__{merchant.Id}__";
            environment[prefix + "Name"] = merchant.Name;
            environment[prefix + "ApiKey"] = merchant.ApiKey;
            environment[prefix + "WebhookUrl"] = Webhooks.UrlFor(merchant.Id).ToString();
            environment[prefix + "WebhookSecret"] = merchant.WebhookSecret;
            environment[prefix + "Nicepay__IMid"] = merchant.IMid;
            environment[prefix + "Nicepay__MerchantKey"] = merchant.MerchantKey;
        }

        foreach (var (key, value) in _options.SiloSettings)
        {
            environment[ToEnvironmentName(key)] = value;
        }

        var process = ManagedProcess.Start(
            name, BuiltBinaries.DotnetHost(),
            [_binaries.SiloDll, "--urls", address, $"--ClusterHarness:Run={RunId}"],
            _binaries.SiloDirectory, environment, Path.Combine(ArtifactsDirectory, $"{name}.{incarnation}.log"));
        _janitor.Track(process);
        return new SiloProcess(name, incarnation, httpPort, siloPort, gatewayPort, process);
    }

    // One line per entry with UTC timestamps, so the logs of all processes can be merged by time.
    private static void AddConsoleLogging(Dictionary<string, string> environment)
    {
        environment["Logging__Console__FormatterName"] = "simple";
        environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        environment["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";
        environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
    }

    private static string ToEnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (_portsHandedOut.Add(port))
            {
                return port;
            }
        }
    }

    private static InvalidOperationException NotStarted() => new("The cluster harness is not started.");
}
