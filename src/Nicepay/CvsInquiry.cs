namespace Orchestrator.Nicepay;

/// <summary>
/// A status inquiry (<c>POST /nicepay/direct/v2/inquiry</c>). Read-only, so the client retries it on transient
/// failures. The token is computed over <see cref="ReferenceNo"/> and <see cref="Amount"/>.
/// </summary>
/// <param name="TransactionId">
/// NICEPAY's <c>tXid</c>. May be null or empty (sent as <c>""</c>) to look a payment up by reference number,
/// e.g. to learn whether a registration whose outcome was unknown reached NICEPAY.
/// </param>
/// <param name="ReferenceNo">The merchant's order number.</param>
/// <param name="Amount">The registered amount in whole rupiah.</param>
public sealed record CvsInquiryRequest(string? TransactionId, string ReferenceNo, long Amount);

/// <summary>The CVS transaction status (<c>status</c> of an inquiry, contract §6.2).</summary>
public enum CvsTransactionStatus
{
    /// <summary><c>0</c>: the customer paid.</summary>
    Paid = 0,

    /// <summary>
    /// <c>1</c>: the payment was reversed. Not in NICEPAY's CVS table, but its VA table uses 1 for a reversal and a CVS
    /// notification's <c>status=1</c> means reversal, so a reversed CVS payment is read this way (UNCONFIRMED).
    /// </summary>
    Reversed = 1,

    /// <summary><c>3</c>: waiting for payment.</summary>
    Unpaid = 3,

    /// <summary><c>4</c>: the payment code expired (also, by inference, after a cancel).</summary>
    Expired = 4,

    /// <summary><c>5</c>: Alfa group only; the store asked to pay and NICEPAY awaits the commit.</summary>
    ReadyToCommit = 5,

    /// <summary>A value the contract does not document; see <see cref="CvsStatus.RawStatus"/>.</summary>
    Unrecognized = -1,
}

/// <summary>The state of a CVS transaction as NICEPAY reports it.</summary>
public sealed record CvsStatus
{
    /// <summary><c>tXid</c> (as echoed, or as asked for when NICEPAY omitted it).</summary>
    public required string TransactionId { get; init; }

    /// <summary><c>referenceNo</c> (as echoed, or as asked for).</summary>
    public required string ReferenceNo { get; init; }

    /// <summary><c>amt</c> as NICEPAY holds it (or as asked for when omitted).</summary>
    public required long Amount { get; init; }

    /// <summary><c>cancelAmt</c>, when NICEPAY reports one.</summary>
    public long? CancelAmount { get; init; }

    /// <summary>The status, mapped from <see cref="RawStatus"/>.</summary>
    public required CvsTransactionStatus Status { get; init; }

    /// <summary>The <c>status</c> value exactly as received.</summary>
    public required string RawStatus { get; init; }

    /// <summary><c>resultMsg</c>; NICEPAY puts a status word there (e.g. <c>unpaid</c>).</summary>
    public string? ResultMessage { get; init; }

    /// <summary><c>payNo</c>.</summary>
    public string? PaymentCode { get; init; }

    /// <summary><c>mitraCd</c>, when present and recognised.</summary>
    public CvsPartner? Partner { get; init; }

    /// <summary><c>payValidDt</c>/<c>payValidTm</c>.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary><c>reqDt</c>/<c>reqTm</c>: when the registration was requested.</summary>
    public DateTimeOffset? RequestedAt { get; init; }

    /// <summary><c>transDt</c>/<c>transTm</c>.</summary>
    public DateTimeOffset? TransactionTime { get; init; }

    /// <summary><c>depositDt</c>/<c>depositTm</c>: when the customer paid.</summary>
    public DateTimeOffset? DepositedAt { get; init; }

    /// <summary><c>receiptCode</c>: the store's authorisation or receipt number.</summary>
    public string? ReceiptCode { get; init; }

    /// <summary><c>currency</c>.</summary>
    public string? Currency { get; init; }

    /// <summary><c>goodsNm</c>.</summary>
    public string? GoodsName { get; init; }

    /// <summary><c>billingNm</c>.</summary>
    public string? BillingName { get; init; }
}
