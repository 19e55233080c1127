using Orchestrator.NicepaySandbox.Notifications;

namespace Orchestrator.NicepaySandbox.Ledger;

/// <summary>One registered transaction. Mutable, and only ever touched under the ledger's lock.</summary>
internal sealed class SandboxTransaction
{
    public required long Sequence { get; init; }
    public required string TXid { get; init; }
    public required string IMid { get; init; }
    public required string MerchantName { get; init; }
    public required string ReferenceNo { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required string GoodsNm { get; init; }
    public required string BillingNm { get; init; }
    public required string? Description { get; init; }
    public required string MitraCd { get; init; }
    public required string PayNo { get; init; }
    public required DateTimeOffset ValidUntil { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required Uri DbProcessUrl { get; init; }

    /// <summary>The stored state; never <see cref="TransactionStatus.Expired"/>.</summary>
    public TransactionStatus State { get; set; } = TransactionStatus.Unpaid;
    public DateTimeOffset? ReadyToCommitUntil { get; set; }
    public ITimer? CommitTimer { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public long? CancelAmount { get; set; }
    public string? CancelTXid { get; set; }
    public DateTimeOffset? ReversedAt { get; set; }
    public List<StoreReceipt> Payments { get; } = [];
    public List<NotificationRecord> Notifications { get; } = [];

    public TransactionStatus StatusAt(DateTimeOffset now) =>
        State == TransactionStatus.Unpaid && now >= ValidUntil ? TransactionStatus.Expired : State;
}

/// <summary>What the till prints when a payment is accepted.</summary>
/// <remarks>
/// <c>Status</c>: The inquiry status right after the payment: 5 for the Alfa group's commit window, else 0.
/// </remarks>
internal sealed record StoreReceipt(
    string ReceiptCode,
    string TXid,
    string PayNo,
    long Amount,
    string Store,
    string MitraCd,
    DateTimeOffset PaidAt,
    string Status,
    DateTimeOffset? CommitsAt);
