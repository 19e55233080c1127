using System.Reflection;
using Xunit.Abstractions;

namespace Orchestrator.TestSupport.Ordering;

/// <summary>
/// The order of a test assembly's collections, for <see cref="CollectionOrderer"/>: <see cref="First"/> in that order,
/// then any collection not named (by display name), and <see cref="Last"/> at the end — for a collection that must see
/// what all the others did, such as a scan of the logs they wrote. Collections run in this order only when they run
/// one after another (<c>parallelizeTestCollections: false</c> in <c>xunit.runner.json</c>, or
/// <c>CollectionBehavior(DisableTestParallelization = true)</c>).
/// </summary>
/// <param name="last">The display name of the collection that runs last.</param>
/// <param name="first">The display names of the collections that run first, in order.</param>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class CollectionOrderAttribute(string last, params string[] first) : Attribute
{
    /// <summary>The display name of the collection that runs last.</summary>
    public string Last { get; } = last;

    /// <summary>The display names of the collections that run first, in order.</summary>
    public IReadOnlyList<string> First { get; } = first;
}

/// <summary>
/// Orders a test assembly's collections by its <see cref="CollectionOrderAttribute"/>:
/// <code>
/// [assembly: TestCollectionOrderer(CollectionOrderer.TypeName, CollectionOrderer.AssemblyName)]
/// [assembly: CollectionOrder("Secrets scan", "Gateway faults", "Notification storm")]
/// </code>
/// Without the attribute, collections run by display name.
/// </summary>
public sealed class CollectionOrderer : ITestCollectionOrderer
{
    /// <summary>This type's name, for <see cref="TestCollectionOrdererAttribute"/>.</summary>
    public const string TypeName = "Orchestrator.TestSupport.Ordering.CollectionOrderer";

    /// <summary>This type's assembly, for <see cref="TestCollectionOrdererAttribute"/>.</summary>
    public const string AssemblyName = "Orchestrator.TestSupport";

    /// <inheritdoc />
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var collections = testCollections.ToList();
        // Every collection of a run belongs to the one assembly being ordered.
        var order = collections.Count == 0 ? null : OrderOf(collections[0]);
        return collections
            .OrderBy(collection => Rank(order, collection.DisplayName))
            .ThenBy(collection => collection.DisplayName, StringComparer.Ordinal);
    }

    private static CollectionOrderAttribute? OrderOf(ITestCollection collection) =>
        (collection.TestAssembly.Assembly as IReflectionAssemblyInfo)?.Assembly.GetCustomAttribute<CollectionOrderAttribute>();

    private static int Rank(CollectionOrderAttribute? order, string name)
    {
        if (order is null)
        {
            return 0;
        }

        if (string.Equals(name, order.Last, StringComparison.Ordinal))
        {
            return int.MaxValue;
        }

        var index = order.First.ToList().IndexOf(name);
        return index < 0 ? order.First.Count : index;
    }
}
