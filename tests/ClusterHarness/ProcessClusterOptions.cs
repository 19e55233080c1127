using System.Globalization;
using System.Security.Cryptography;

namespace Orchestrator.ClusterHarness;

/// <summary>
/// A merchant as the harness configures it on every silo (and its iMid on the sandbox). Keys are random per run and
/// <see cref="ProcessCluster"/> registers them in <c>tests/TestSupport</c>'s <c>SecretLedger</c> when it starts, so a
/// log scan looks for these exact values. The id must be a shell identifier (letters, digits, <c>_</c>): it
/// travels in environment variable names (<c>Merchants__shop_a__ApiKey</c>), and a POSIX shell drops names with <c>-</c>.
/// </summary>
public sealed record HarnessMerchant(string Id, string Name, string ApiKey, string IMid, string MerchantKey, string WebhookSecret)
{
    /// <summary>A merchant with fresh random keys.</summary>
    public static HarnessMerchant Create(string id, string name, string iMid) =>
        new(id, name, $"{id}-key-{RandomHex(12)}", iMid, $"{id}-nicepay-{RandomHex(16)}", StandardWebhooks.NewSecret());

    /// <inheritdoc />
    public override string ToString() => Id;

    internal static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}

/// <summary>What a <see cref="ProcessCluster"/> starts and how its silos are configured.</summary>
public sealed class ProcessClusterOptions
{
    /// <summary>The membership timings the harness gives silos unless told otherwise (see <see cref="DefaultSiloSettings"/>).</summary>
    public const string ProbeTimeout = "00:00:01";

    /// <summary>Missed probes before a silo votes another dead.</summary>
    public const int NumMissedProbesLimit = 2;

    /// <summary>A name for the artifacts folder and the cluster id (letters, digits, '-').</summary>
    public required string Name { get; init; }

    /// <summary>How many silos <see cref="ProcessCluster.StartAsync"/> starts (more can be started later).</summary>
    public int Silos { get; init; } = 1;

    /// <summary>Where logs and figures go: a folder per harness (<see cref="Name"/>) is made under it.</summary>
    public string ArtifactsDirectory { get; init; } = ArtifactsLocation.RunRoot("cluster-harness");

    /// <summary>The merchants (default: two, <c>shop_a</c> and <c>shop_b</c>).</summary>
    public IReadOnlyList<HarnessMerchant> Merchants { get; init; } =
    [
        HarnessMerchant.Create("shop_a", "Shop A", "DRLSHOPA01"),
        HarnessMerchant.Create("shop_b", "Shop B", "DRLSHOPB01"),
    ];

    /// <summary>
    /// Configuration of every silo, on top of the harness's own wiring (connection string, ports, merchants, sandbox):
    /// <see cref="DefaultSiloSettings"/> unless replaced. Keys use ':' (they become <c>__</c> environment variables).
    /// </summary>
    public IDictionary<string, string> SiloSettings { get; init; } = DefaultSiloSettings();

    /// <summary>Configuration of the sandbox, on top of its merchants.</summary>
    public IDictionary<string, string> SandboxSettings { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Where the harness narrates what it does (e.g. a test's output); the harness log file gets it too.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>How long a silo may take to become ready (a 2-core host running other suites can be slow).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a graceful stop (SIGTERM) may take before it counts as hung.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Checkout timing in seconds (status checks, expiry, retries), reminders allowed down to 1 s, and membership tuned
    /// for a fast takeover. Each drill reports these with its figures.
    /// </summary>
    public static Dictionary<string, string> DefaultSiloSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Orleans:MinimumReminderPeriod"] = "00:00:01",
            ["Orleans:Membership:ProbeTimeout"] = ProbeTimeout,
            ["Orleans:Membership:NumMissedProbesLimit"] = NumMissedProbesLimit.ToString(CultureInfo.InvariantCulture),
            // The dashboard's per-call filter costs CPU the 2-core drills would rather spend on the silos.
            ["Orleans:Dashboard"] = "false",
            // Drills drive one merchant and the operator API (audits poll it) far above production allowances on
            // purpose; rate limits have their own tests.
            ["RateLimiting:Enabled"] = "false",
            ["Checkouts:MinimumValidity"] = "00:00:02",
            ["Checkouts:Timing:PulsePeriod"] = "00:00:01",
            ["Checkouts:Timing:StatusCheckInterval"] = "00:00:02",
            ["Checkouts:Timing:ExpiryGrace"] = "00:00:01",
            ["Checkouts:Timing:RegistrationSettleDelay"] = "00:00:01",
            ["Checkouts:Timing:RegistrationBackoff:0"] = "00:00:01",
            ["Checkouts:Timing:InquiryBackoff:0"] = "00:00:01",
            ["Checkouts:Timing:WebhookTimeout"] = "00:00:05",
        };

        // A webhook is retried every second for two minutes before it is abandoned: drills hold deliveries failing
        // across kills and restarts, and must not run out of retries meanwhile.
        for (var attempt = 0; attempt < 120; attempt++)
        {
            settings[$"Checkouts:Timing:WebhookRetrySchedule:{attempt}"] = "00:00:01";
        }

        return settings;
    }
}

/// <summary>Where drills write their artifacts.</summary>
public static class ArtifactsLocation
{
    /// <summary>Environment variable: the folder for this run's artifacts (default <c>artifacts/&lt;suite&gt;/&lt;UTC time&gt;</c> in the repository).</summary>
    public const string Variable = "DURABILITY_ARTIFACTS";

    private static readonly string StartedAt = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

    /// <summary>This process's artifacts folder for <paramref name="suite"/>.</summary>
    public static string RunRoot(string suite)
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        string root;
        try
        {
            root = BuiltBinaries.RepositoryRoot();
        }
        catch (DirectoryNotFoundException)
        {
            root = Path.GetTempPath();
        }

        return Path.Combine(root, "artifacts", suite, StartedAt);
    }
}
