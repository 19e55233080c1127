using Orchestrator.ReliabilityTests.Infrastructure;

namespace Orchestrator.ReliabilityTests.NotificationStorm;

/// <summary>
/// The host for the notification storm: status checks every 5 s (they recover lost notifications), a 1 s Alfa-group
/// ready-to-commit window, inquiry back-off and webhook retries of 1 s, and NICEPAY's defaults for everything else.
/// </summary>
public sealed class StormHost : ReliabilityHost
{
    protected override string Name => "storm";

    protected override IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>
    {
        ["Checkouts:Timing:StatusCheckInterval"] = "00:00:05",
        ["Sandbox:ReadyToCommitWindow"] = "00:00:01",
    };
}

/// <summary>The storm has a host of its own.</summary>
[CollectionDefinition(Suites.NotificationStorm)]
public sealed class NotificationStormSuite : ICollectionFixture<StormHost>;
