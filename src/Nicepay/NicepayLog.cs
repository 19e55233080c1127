using Microsoft.Extensions.Logging;

namespace Orchestrator.Nicepay;

/// <summary>
/// Every log line of the client. They carry identifiers and timings only: never the merchant key, the token,
/// a request body or an exception message that could quote one.
/// </summary>
internal static partial class NicepayLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "NICEPAY {Operation} succeeded for iMid {IMid}, referenceNo {ReferenceNo}, tXid {TransactionId}: resultCd {ResultCode} after {Attempts} attempt(s) in {ElapsedMs} ms")]
    public static partial void Succeeded(ILogger logger, NicepayOperation operation, string iMid, string? referenceNo, string? transactionId, string resultCode, int attempts, long elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "NICEPAY {Operation} rejected for iMid {IMid}, referenceNo {ReferenceNo}, tXid {TransactionId}: resultCd {ResultCode} ({Reason}) after {Attempts} attempt(s) in {ElapsedMs} ms")]
    public static partial void Rejected(ILogger logger, NicepayOperation operation, string iMid, string? referenceNo, string? transactionId, string resultCode, NicepayRejectionReason reason, int attempts, long elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "NICEPAY {Operation} not sent for iMid {IMid}, referenceNo {ReferenceNo}, tXid {TransactionId}: {FailureKind} after {Attempts} attempt(s) in {ElapsedMs} ms")]
    public static partial void NotSent(ILogger logger, NicepayOperation operation, string iMid, string? referenceNo, string? transactionId, NicepayFailureKind failureKind, int attempts, long elapsedMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error,
        Message = "NICEPAY {Operation} outcome unknown for iMid {IMid}, referenceNo {ReferenceNo}, tXid {TransactionId}: {FailureKind} (HTTP {HttpStatus}) after {Attempts} attempt(s) in {ElapsedMs} ms: {Detail}")]
    public static partial void Unknown(ILogger logger, NicepayOperation operation, string iMid, string? referenceNo, string? transactionId, NicepayFailureKind failureKind, int? httpStatus, int attempts, long elapsedMs, string detail);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information,
        Message = "NICEPAY {Operation} cancelled by the caller for iMid {IMid}, referenceNo {ReferenceNo}, tXid {TransactionId} after {Attempts} attempt(s) in {ElapsedMs} ms; its outcome is unknown")]
    public static partial void CancelledByCaller(ILogger logger, NicepayOperation operation, string iMid, string? referenceNo, string? transactionId, int attempts, long elapsedMs);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug,
        Message = "NICEPAY {Operation} attempt {Attempt} starting for iMid {IMid}, referenceNo {ReferenceNo}, tXid {TransactionId}")]
    public static partial void AttemptStarting(ILogger logger, NicepayOperation operation, string iMid, string? referenceNo, string? transactionId, int attempt);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug,
        Message = "NICEPAY {Operation} attempt {Attempt} answered HTTP {HttpStatus} in {ElapsedMs} ms")]
    public static partial void AttemptAnswered(ILogger logger, NicepayOperation operation, int attempt, int httpStatus, long elapsedMs);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug,
        Message = "NICEPAY {Operation} attempt {Attempt} failed with {ExceptionType} after {ElapsedMs} ms (provably not sent: {NotSent})")]
    public static partial void AttemptFailed(ILogger logger, NicepayOperation operation, int attempt, string exceptionType, long elapsedMs, bool notSent);
}
