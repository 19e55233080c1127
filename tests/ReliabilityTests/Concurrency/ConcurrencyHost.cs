using Orchestrator.ReliabilityTests.Infrastructure;

namespace Orchestrator.ReliabilityTests.Concurrency;

/// <summary>
/// The host for idempotency under concurrency: status checks every 2 s, so scheduled inquiries race the callers too; a
/// 1 s Alfa-group ready-to-commit window, so a cancel can meet a payment the store is completing; a 1 s registration
/// timeout, so the registration faults some checkouts meet resolve within the run.
/// </summary>
public sealed class ConcurrencyHost : ReliabilityHost
{
    protected override string Name => "concurrency";

    protected override IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>
    {
        ["Checkouts:Timing:StatusCheckInterval"] = "00:00:02",
        ["Sandbox:ReadyToCommitWindow"] = "00:00:01",
        ["Nicepay:RegistrationTimeout"] = "00:00:01",
    };
}

/// <summary>The concurrency tests share one <see cref="ConcurrencyHost"/>.</summary>
[CollectionDefinition(Suites.Concurrency)]
public sealed class ConcurrencySuite : ICollectionFixture<ConcurrencyHost>;
