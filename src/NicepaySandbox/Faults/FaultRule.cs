namespace Orchestrator.NicepaySandbox.Faults;

/// <summary>The NICEPAY interaction a fault disturbs.</summary>
internal enum FaultOperation
{
    Registration = 0,
    Inquiry = 1,
    Cancel = 2,
    Notification = 3,
}

/// <summary>The fault kinds and the operations that accept them.</summary>
internal static class FaultKinds
{
    public const string Slow = "slow";
    public const string Timeout = "timeout";
    public const string TimeoutAfterCommit = "timeout-after-commit";
    public const string ResetAfterCommit = "reset-after-commit";
    public const string ServerError = "server-error";
    public const string Fail = "fail";
    public const string Busy = "busy";
    public const string Stale = "stale";
    public const string Lost = "lost";
    public const string Duplicate = "duplicate";
    public const string Delay = "delay";
    public const string Reorder = "reorder";
    public const string Reversal = "reversal";
    public const string AmountMismatch = "amount-mismatch";
    public const string BadToken = "bad-token";

    public static readonly IReadOnlyDictionary<FaultOperation, string[]> ByOperation = new Dictionary<FaultOperation, string[]>
    {
        [FaultOperation.Registration] = [Slow, Timeout, TimeoutAfterCommit, ResetAfterCommit, ServerError, Busy],
        [FaultOperation.Inquiry] = [Fail, Busy, Slow, Timeout, Stale],
        [FaultOperation.Cancel] = [Fail, Busy, Slow, Timeout, TimeoutAfterCommit],
        [FaultOperation.Notification] = [Lost, Duplicate, Delay, Reorder, Reversal, AmountMismatch, BadToken],
    };

    /// <summary>How long <c>slow</c>, <c>timeout</c>, and <c>delay</c> wait when the rule gives no <c>delayMs</c>.</summary>
    public static TimeSpan DefaultDelay(string kind) => kind switch
    {
        Slow => TimeSpan.FromSeconds(3),
        Delay => TimeSpan.FromSeconds(5),
        _ => TimeSpan.FromSeconds(60),
    };
}

/// <summary>Which requests or notifications a rule applies to; each field given must equal, an absent one matches anything.</summary>
internal sealed record FaultMatch(string? TXid, string? ReferenceNo, string? IMid)
{
    public bool Matches(FaultSubject subject) =>
        (TXid is null || TXid == subject.TXid)
        && (ReferenceNo is null || ReferenceNo == subject.ReferenceNo)
        && (IMid is null || IMid == subject.IMid);
}

/// <summary>What a request or notification is about, as far as it is known when the fault is looked up.</summary>
internal readonly record struct FaultSubject(string? IMid, string? ReferenceNo, string? TXid);

/// <summary>A fault rule as stored and shown.</summary>
/// <remarks>
/// <c>Count</c>: How many times it fires before it is spent; null fires until removed.
/// <c>Remaining</c>: How many firings are left; null when unlimited.
/// </remarks>
internal sealed record FaultView(
    string Id,
    string Operation,
    string Kind,
    FaultMatch? Match,
    int? DelayMs,
    int? Count,
    int? Remaining,
    int Fired,
    int? HttpStatus,
    int? Copies,
    int? MatchCl,
    bool Spent,
    DateTimeOffset CreatedAt)
{
    internal FaultOperation OperationValue { get; init; }

    /// <summary>The wait this firing asks for: the rule's <c>delayMs</c> or the kind's default.</summary>
    internal TimeSpan DelayOrDefault => DelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : FaultKinds.DefaultDelay(Kind);
}
