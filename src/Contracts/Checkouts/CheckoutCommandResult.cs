namespace Orchestrator.Contracts.Checkouts;

/// <summary>How a command on an existing checkout was answered.</summary>
public enum CommandOutcome
{
    /// <summary>The command moved the checkout.</summary>
    Applied = 0,

    /// <summary>The checkout was already where the command leads; nothing changed.</summary>
    AlreadyApplied = 1,

    /// <summary>The state machine does not permit the command in the current status; nothing changed.</summary>
    NotPermitted = 2,

    /// <summary>No checkout exists under that reference.</summary>
    NotFound = 3,

    /// <summary>NICEPAY could not be reached or did not answer; nothing changed, the command may be retried.</summary>
    GatewayUnavailable = 4,
}

/// <summary>The answer to a command (cancel, fulfil, status check).</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.checkout-command-result")]
public sealed record CheckoutCommandResult
{
    /// <summary>How the command was answered.</summary>
    [Id(0)] public required CommandOutcome Outcome { get; init; }

    /// <summary>The checkout after the command; null when not found.</summary>
    [Id(1)] public CheckoutSnapshot? Checkout { get; init; }

    /// <summary>A human-readable explanation for outcomes other than <see cref="CommandOutcome.Applied"/>.</summary>
    [Id(2)] public string? Detail { get; init; }

    /// <summary>The actions the state machine permits now (for a refusal's answer).</summary>
    [Id(3)] public IReadOnlyList<string> PermittedActions { get; init; } = [];
}
