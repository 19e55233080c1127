namespace Orchestrator.Contracts.Checkouts;

/// <summary>
/// A notification exactly as NICEPAY posted it to our callback (form fields), handed to the checkout's grain,
/// which parses it and verifies its token with the merchant's key. The HTTP layer does not interpret NICEPAY's format.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.nicepay-notification-form")]
public sealed record NicepayNotificationForm
{
    /// <summary>The posted form fields (last value wins for a repeated field).</summary>
    [Id(0)] public required IReadOnlyDictionary<string, string> Fields { get; init; }

    /// <summary>When our callback received it.</summary>
    [Id(1)] public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The sender's address, for the journal.</summary>
    [Id(2)] public string? RemoteAddress { get; init; }
}

/// <summary>How a NICEPAY notification was answered.</summary>
public enum NotificationOutcome
{
    /// <summary>Verified and recorded; a status inquiry will confirm it.</summary>
    Accepted = 0,

    /// <summary>Verified, and already reflected in the checkout (a duplicate); nothing changed.</summary>
    AlreadyApplied = 1,

    /// <summary>The merchant token does not verify; nothing changed.</summary>
    InvalidToken = 2,

    /// <summary>No checkout of this merchant has that reference.</summary>
    UnknownTransaction = 3,

    /// <summary>Required fields are missing or malformed; nothing changed.</summary>
    Malformed = 4,
}

/// <summary>The answer to <see cref="ICheckoutGrain.HandleNotificationAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.notification-result")]
public sealed record NotificationResult
{
    /// <summary>How the notification was answered.</summary>
    [Id(0)] public required NotificationOutcome Outcome { get; init; }

    /// <summary>A human-readable explanation (never secrets).</summary>
    [Id(1)] public string? Detail { get; init; }

    /// <summary>The checkout version after handling, when the checkout exists.</summary>
    [Id(2)] public int? Version { get; init; }
}
