namespace Orchestrator.NicepaySandbox.Ledger;

/// <summary>Where a sandbox transaction stands. <see cref="Expired"/> is never stored: it is read off the clock.</summary>
internal enum TransactionStatus
{
    Unpaid = 0,
    Expired = 1,
    ReadyToCommit = 2,
    Paid = 3,
    Cancelled = 4,
    Reversed = 5,
}

internal static class TransactionStatusExtensions
{
    /// <summary>The inquiry <c>status</c> (contract §6.2); cancelled and reversed come from configuration.</summary>
    public static string InquiryCode(this TransactionStatus status, SandboxOptions options) => status switch
    {
        TransactionStatus.Paid => "0",
        TransactionStatus.Unpaid => "3",
        TransactionStatus.Expired => "4",
        TransactionStatus.ReadyToCommit => "5",
        TransactionStatus.Cancelled => options.CancelledInquiryStatus,
        TransactionStatus.Reversed => options.ReversedInquiryStatus,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The inquiry <c>resultMsg</c>: a status word, as in NICEPAY's "unpaid" example.</summary>
    public static string InquiryWord(this TransactionStatus status) => status switch
    {
        TransactionStatus.Paid => "paid",
        TransactionStatus.Unpaid => "unpaid",
        TransactionStatus.Expired => "expired",
        TransactionStatus.ReadyToCommit => "ready to commit",
        TransactionStatus.Cancelled => "canceled",
        TransactionStatus.Reversed => "reversal",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The ledger's own name for the status, used by the sandbox endpoints and their <c>status</c> filter.</summary>
    public static string LedgerName(this TransactionStatus status) => status switch
    {
        TransactionStatus.Paid => "paid",
        TransactionStatus.Unpaid => "unpaid",
        TransactionStatus.Expired => "expired",
        TransactionStatus.ReadyToCommit => "ready-to-commit",
        TransactionStatus.Cancelled => "cancelled",
        TransactionStatus.Reversed => "reversed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
