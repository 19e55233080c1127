namespace Orchestrator.NicepaySandbox.Notifications;

/// <summary>Notification <c>status</c>: 0 Deposit, 1 Reversal (contract §5.2).</summary>
internal enum NotificationKind
{
    Deposit = 0,
    Reversal = 1,
}

internal enum DeliveryState
{
    Pending = 0,
    Delayed = 1,
    Held = 2,
    Sending = 3,
    RetryScheduled = 4,
    Delivered = 5,
    Failed = 6,
    Suppressed = 7,
}

/// <summary>One attempt to POST a notification.</summary>
/// <remarks>
/// <c>HttpStatus</c>: The receiver's status code, when it answered.
/// <c>Error</c>: Why no answer came (connection refused, timeout), when none did.
/// </remarks>
internal sealed record NotificationAttempt(DateTimeOffset At, int? HttpStatus, string? Error, long ElapsedMs);

/// <summary>
/// One notification the sandbox means to send, with its delivery plan (from a fault, if one fired) and its history.
/// Mutable, and only touched under the ledger's lock.
/// </summary>
internal sealed class NotificationRecord
{
    public required string Id { get; init; }
    public required string TXid { get; init; }
    public required NotificationKind Kind { get; init; }
    public required Uri Url { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Fields { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The fault kind that shaped this notification, and the rule's id.</summary>
    public string? Fault { get; init; }
    public string? FaultId { get; init; }

    /// <summary>Wait this long before the first attempt (fault <c>delay</c>).</summary>
    public TimeSpan? DelayBeforeSend { get; init; }

    /// <summary>Hold until another notification has been sent (fault <c>reorder</c>), at most <see cref="HoldAtMost"/>.</summary>
    public bool HoldForNext { get; init; }
    public TimeSpan? HoldAtMost { get; init; }

    /// <summary>After this deposit is delivered (or given up), reverse the transaction and send the reversal (fault <c>reversal</c>).</summary>
    public bool ReverseAfterDelivery { get; init; }

    public DeliveryState State { get; set; } = DeliveryState.Pending;
    public List<NotificationAttempt> Attempts { get; } = [];
}
