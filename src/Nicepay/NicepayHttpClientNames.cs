namespace Orchestrator.Nicepay;

/// <summary>
/// The named HttpClients <see cref="NicepayServiceCollectionExtensions.AddNicepayClient"/> registers, one per
/// operation so each has its own resilience pipeline. Hosts and tests may add to them, e.g. a primary handler
/// that routes to an in-process simulator.
/// </summary>
public static class NicepayHttpClientNames
{
    /// <summary>The registration client: one attempt, re-sent only when no connection was made.</summary>
    public const string Registration = "Orchestrator.Nicepay.Registration";

    /// <summary>The inquiry client: retried on transient failures.</summary>
    public const string Inquiry = "Orchestrator.Nicepay.Inquiry";

    /// <summary>The cancel client: retried on transient failures.</summary>
    public const string Cancel = "Orchestrator.Nicepay.Cancel";

    /// <summary>All three names.</summary>
    public static IReadOnlyList<string> All { get; } = [Registration, Inquiry, Cancel];
}
