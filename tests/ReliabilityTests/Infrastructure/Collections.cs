using Orchestrator.ReliabilityTests.Infrastructure;
using Orchestrator.TestSupport.Ordering;

[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: TestCollectionOrderer(CollectionOrderer.TypeName, CollectionOrderer.AssemblyName)]
[assembly: CollectionOrder(Suites.SecretsScan, Suites.GatewayFaults, Suites.Concurrency, Suites.NotificationStorm)]

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>
/// The suites of this assembly, one collection (one host) each, run one after another in this order
/// (<see cref="CollectionOrderer"/>): nothing else competes for the two cores while a suite measures, and the secrets
/// scan runs last, after every host of the suites above has written and closed its logs. A collection not listed runs
/// after the listed ones and before <see cref="SecretsScan"/>.
/// </summary>
public static class Suites
{
    public const string GatewayFaults = "Gateway faults";
    public const string Concurrency = "Idempotency under concurrency";
    public const string NotificationStorm = "Notification storm";
    public const string SecretsScan = "Secrets scan";
}
