namespace Orchestrator.Nicepay;

/// <summary>
/// A full cancel (<c>POST /nicepay/direct/v2/cancel</c>, <c>cancelType 1</c>) of an unpaid payment code, so it
/// can no longer be paid. Only allowed before payment: a paid CVS transaction cannot be cancelled or refunded
/// through the API (9326). The token is computed over <see cref="TransactionId"/> and <see cref="Amount"/>.
/// </summary>
/// <param name="TransactionId">NICEPAY's <c>tXid</c> of the registration.</param>
/// <param name="Amount">The registered amount in whole rupiah.</param>
/// <param name="ReferenceNo">The merchant's order number; not a wire field of cancel, used for logs and the echo check.</param>
/// <param name="Reason">Sent as <c>cancelMsg</c> when not null.</param>
public sealed record CvsCancelRequest(string TransactionId, long Amount, string? ReferenceNo = null, string? Reason = null)
{
    /// <summary>Optional metadata <c>cancelServerIp</c>.</summary>
    public string? CancelServerIp { get; init; }

    /// <summary>Optional metadata <c>cancelUserId</c>.</summary>
    public string? CancelUserId { get; init; }

    /// <summary>Optional metadata <c>cancelUserIp</c>.</summary>
    public string? CancelUserIp { get; init; }

    /// <summary>Optional metadata <c>cancelUserInfo</c>.</summary>
    public string? CancelUserInfo { get; init; }

    /// <summary>Optional metadata <c>worker</c>.</summary>
    public string? Worker { get; init; }
}

/// <summary>NICEPAY's confirmation of a cancel.</summary>
public sealed record CvsCancellation
{
    /// <summary><c>tXid</c> of the cancelled transaction.</summary>
    public required string TransactionId { get; init; }

    /// <summary><c>referenceNo</c>, when echoed (else the one given in the request, if any).</summary>
    public string? ReferenceNo { get; init; }

    /// <summary><c>amt</c> (or the requested amount when not echoed).</summary>
    public required long Amount { get; init; }

    /// <summary><c>transDt</c>/<c>transTm</c>.</summary>
    public DateTimeOffset? TransactionTime { get; init; }

    /// <summary><c>description</c>.</summary>
    public string? Description { get; init; }

    /// <summary><c>canceltXid</c> (2020 docs), when returned.</summary>
    public string? CancelTransactionId { get; init; }

    /// <summary>NICEPAY's <c>resultMsg</c>.</summary>
    public string? ResultMessage { get; init; }
}
