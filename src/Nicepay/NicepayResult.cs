using System.Diagnostics.CodeAnalysis;

namespace Orchestrator.Nicepay;

/// <summary>What is known about a call to NICEPAY after it ended.</summary>
public enum NicepayOutcome
{
    /// <summary>NICEPAY answered <c>resultCd 0000</c>: it did it.</summary>
    Succeeded,

    /// <summary>NICEPAY answered with an error result code: it did not do it.</summary>
    Rejected,

    /// <summary>The request provably never reached NICEPAY (no connection could be made): it did not happen.</summary>
    NotSent,

    /// <summary>
    /// Nobody can tell whether NICEPAY did it (timeout, connection lost after sending, HTTP 5xx, an answer that
    /// cannot be read). Reconcile with a status inquiry before acting on either assumption.
    /// </summary>
    Unknown,
}

/// <summary>Why a call's outcome is <see cref="NicepayOutcome.NotSent"/> or <see cref="NicepayOutcome.Unknown"/>.</summary>
public enum NicepayFailureKind
{
    /// <summary>No complete answer arrived within the configured time (outcome Unknown).</summary>
    Timeout,

    /// <summary>The connection broke after the request may have been sent (outcome Unknown).</summary>
    ConnectionLost,

    /// <summary>
    /// No connection could be made (refused, unreachable, TLS handshake failed): nothing was sent (outcome NotSent).
    /// </summary>
    ConnectionRefused,

    /// <summary>An HTTP error status without a NICEPAY result in the body (outcome Unknown); see <see cref="NicepayFailure.HttpStatus"/>.</summary>
    ServerError,

    /// <summary>A success status whose body is not a usable NICEPAY answer (outcome Unknown).</summary>
    InvalidResponse,

    /// <summary>The gateway's host name could not be resolved: nothing was sent (outcome NotSent).</summary>
    NameResolution,
}

/// <summary>A transport-level failure.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Detail">A human-readable explanation for logs and operators. Never contains a key or token.</param>
/// <param name="HttpStatus">The HTTP status code, when an answer arrived.</param>
public sealed record NicepayFailure(NicepayFailureKind Kind, string Detail, int? HttpStatus = null);

/// <summary>
/// The typed outcome of a NICEPAY call. Exactly one of <see cref="Value"/> (Succeeded), <see cref="Rejection"/>
/// (Rejected) and <see cref="Failure"/> (NotSent, Unknown) is set.
/// </summary>
/// <typeparam name="T">The success payload.</typeparam>
public sealed class NicepayResult<T>
    where T : class
{
    private NicepayResult(NicepayOutcome outcome, T? value, NicepayRejection? rejection, NicepayFailure? failure)
    {
        Outcome = outcome;
        Value = value;
        Rejection = rejection;
        Failure = failure;
    }

    /// <summary>What is known about the call.</summary>
    public NicepayOutcome Outcome { get; }

    /// <summary>NICEPAY's answer when the call succeeded.</summary>
    public T? Value { get; }

    /// <summary>NICEPAY's error when it rejected the call.</summary>
    public NicepayRejection? Rejection { get; }

    /// <summary>The transport failure when the call was not sent or its outcome is unknown.</summary>
    public NicepayFailure? Failure { get; }

    /// <summary>True when NICEPAY did it.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsSuccess => Outcome == NicepayOutcome.Succeeded;

    /// <summary>True when NICEPAY definitely did not do it (Rejected or NotSent): safe to treat as "nothing happened".</summary>
    public bool DidNotHappen => Outcome is NicepayOutcome.Rejected or NicepayOutcome.NotSent;

    /// <summary>True when nobody can tell whether NICEPAY did it.</summary>
    [MemberNotNullWhen(true, nameof(Failure))]
    public bool IsUnknown => Outcome == NicepayOutcome.Unknown;

#pragma warning disable CA1000 // Factories on the generic type read best at the call site: NicepayResult<CvsStatus>.Success(...).
    /// <summary>NICEPAY did it.</summary>
    public static NicepayResult<T> Success(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(NicepayOutcome.Succeeded, value, null, null);
    }

    /// <summary>NICEPAY answered with an error result code.</summary>
    public static NicepayResult<T> Rejected(NicepayRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new(NicepayOutcome.Rejected, null, rejection, null);
    }

    /// <summary>The request provably never reached NICEPAY.</summary>
    public static NicepayResult<T> NotSent(NicepayFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(NicepayOutcome.NotSent, null, null, failure);
    }

    /// <summary>Nobody can tell whether NICEPAY did it.</summary>
    public static NicepayResult<T> Unknown(NicepayFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(NicepayOutcome.Unknown, null, null, failure);
    }
#pragma warning restore CA1000

    /// <inheritdoc />
    public override string ToString() => Outcome switch
    {
        NicepayOutcome.Succeeded => $"Succeeded: {Value}",
        NicepayOutcome.Rejected => $"Rejected: {Rejection}",
        _ => $"{Outcome}: {Failure}",
    };
}
