namespace Orchestrator.NicepaySandbox.Ledger;

// What the sandbox endpoints show: immutable snapshots taken under the ledger's lock, serialized camelCase.

/// <summary>The sandbox's own truth about one transaction.</summary>
/// <remarks>
/// <c>Status</c>: The inquiry status code a NICEPAY inquiry would answer now.
/// <c>StatusName</c>: The ledger's name for it: unpaid, expired, ready-to-commit, paid, cancelled, reversed.
/// <c>RegistrationRequests</c>: Registration requests received for this transaction's (iMid, referenceNo), rejected ones included.
/// </remarks>
internal sealed record TransactionView(
    string TXid,
    string IMid,
    string MerchantName,
    string ReferenceNo,
    long Amount,
    string Currency,
    string MitraCd,
    string PayNo,
    string GoodsNm,
    string BillingNm,
    string? Description,
    string DbProcessUrl,
    string Status,
    string StatusName,
    DateTimeOffset ValidUntil,
    string PayValidDt,
    string PayValidTm,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadyToCommitUntil,
    DateTimeOffset? PaidAt,
    DateTimeOffset? CancelledAt,
    long? CancelAmount,
    DateTimeOffset? ReversedAt,
    int RegistrationRequests,
    IReadOnlyList<StoreReceipt> Payments,
    IReadOnlyList<NotificationView> Notifications)
{
    /// <summary>The status as an enum, for the NICEPAY endpoints (not serialized: internal).</summary>
    internal TransactionStatus State { get; init; }

    /// <summary>The id NICEPAY would return for the cancellation, once cancelled (not serialized: internal).</summary>
    internal string? CancelTXid { get; init; }
}

/// <summary>One notification: what was (or will be) sent, and every attempt.</summary>
/// <remarks>
/// <c>Kind</c>: deposit (status=0) or reversal (status=1).
/// <c>State</c>: pending, delayed, held, sending, retry-scheduled, delivered, failed, suppressed.
/// <c>Fault</c>: The fault kind that shaped it, if one fired.
/// </remarks>
internal sealed record NotificationView(
    string Id,
    string TXid,
    string Kind,
    string Url,
    string State,
    bool Delivered,
    string? Fault,
    string? FaultId,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<AttemptView> Attempts);

/// <remarks>
/// <c>HttpStatus</c>: The receiver's answer, or null when it gave none (see <c>Error</c>).
/// </remarks>
internal sealed record AttemptView(DateTimeOffset At, int? HttpStatus, string? Error, long ElapsedMs);

/// <summary>Every registration request received for one (iMid, referenceNo), by outcome.</summary>
/// <remarks>
/// <c>Results</c>: Count per outcome: a resultCd ("0000", "9009"…), "http-503" or "fault:timeout" and the like.
/// <c>TXids</c>: The transactions these requests created.
/// </remarks>
internal sealed record RegistrationView(
    string IMid,
    string ReferenceNo,
    int Received,
    int Created,
    IReadOnlyDictionary<string, int> Results,
    IReadOnlyList<string> TXids,
    DateTimeOffset FirstAt,
    DateTimeOffset LastAt);

/// <summary>What the cashier's screen shows for a payment number.</summary>
/// <remarks>
/// <c>Payable</c>: Whether this store can take the payment now; <c>Reason</c> says why not.
/// </remarks>
internal sealed record StoreInquiryView(
    string Store,
    string PayNo,
    long Amount,
    string Currency,
    string MerchantName,
    string IMid,
    string MitraCd,
    string GoodsNm,
    DateTimeOffset ValidUntil,
    string PayValidDt,
    string PayValidTm,
    string Status,
    string StatusName,
    bool Payable,
    string? Reason);

/// <summary>A refusal the sandbox endpoints turn into an RFC 9457 problem with a machine-readable <c>reason</c>.</summary>
internal sealed record LedgerProblem(int StatusCode, string Reason, string Title, string Detail);
