using Xunit.Abstractions;

[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: TestCollectionOrderer(
    "Orchestrator.ReliabilityTests.Infrastructure.SuiteOrder", "Orchestrator.ReliabilityTests")]

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>
/// The suites of this assembly, one collection (one host) each, run one after another in this order: nothing else
/// competes for the two cores while a suite measures, and the secrets scan runs last, after every host of the suites
/// above has written and closed its logs.
/// </summary>
public static class Suites
{
    public const string GatewayFaults = "Gateway faults";
    public const string Concurrency = "Idempotency under concurrency";
    public const string NotificationStorm = "Notification storm";
    public const string SecretsScan = "Secrets scan";

    /// <summary>The order; a collection not listed runs after these and before <see cref="SecretsScan"/>.</summary>
    public static readonly IReadOnlyList<string> Order = [GatewayFaults, Concurrency, NotificationStorm];
}

/// <summary>Orders collections by <see cref="Suites.Order"/>, with <see cref="Suites.SecretsScan"/> always last.</summary>
public sealed class SuiteOrder : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .OrderBy(collection => Rank(collection.DisplayName))
            .ThenBy(collection => collection.DisplayName, StringComparer.Ordinal);

    private static int Rank(string name)
    {
        if (string.Equals(name, Suites.SecretsScan, StringComparison.Ordinal))
        {
            return int.MaxValue;
        }

        var index = Suites.Order.ToList().IndexOf(name);
        return index < 0 ? Suites.Order.Count : index;
    }
}
