using Orchestrator.Contracts.Checkouts;
using Orchestrator.Nicepay;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>
/// Builds notifications the way NICEPAY posts them to <c>dbProcessUrl</c> (contract §5.2): form fields, Jakarta dates,
/// and <c>merchantToken = SHA256(iMid + tXid + amt + merchantKey)</c> over the exact <c>amt</c> text sent.
/// </summary>
public static class NicepayNotifications
{
    /// <summary>NICEPAY's production notification source address (contract §5.1), for the journal.</summary>
    public const string NicepayAddress = "103.20.51.33";

    /// <summary>A deposit (status 0) or reversal (status 1) notification for a transaction NICEPAY holds.</summary>
    /// <param name="transaction">The transaction, as the fake NICEPAY holds it.</param>
    /// <param name="merchantKey">The key the token is signed with (a wrong one forges it).</param>
    /// <param name="amount">The <c>amt</c> sent; the transaction's amount when null.</param>
    /// <param name="matchCl">1 match, 2 over, 3 under.</param>
    /// <param name="status">0 deposit, 1 reversal.</param>
    /// <param name="token">A token to send instead of the computed one.</param>
    public static NicepayNotificationForm For(
        FakeTransaction transaction,
        string merchantKey,
        long? amount = null,
        string matchCl = "1",
        string status = "0",
        string? token = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var amt = (amount ?? transaction.Amount).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var paidAt = transaction.DepositedAt ?? DateTimeOffset.UtcNow;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tXid"] = transaction.TransactionId,
            ["merchantToken"] = token ?? MerchantToken.ForNotification(transaction.IMid, transaction.TransactionId, amt, merchantKey),
            ["referenceNo"] = transaction.ReferenceNo,
            ["payMethod"] = "03",
            ["mitraCd"] = MitraCodes.ToCode(transaction.Partner),
            ["payNo"] = transaction.PaymentCode,
            ["payValidDt"] = JakartaTime.ToDate(transaction.ValidUntil),
            ["payValidTm"] = JakartaTime.ToTime(transaction.ValidUntil),
            ["amt"] = amt,
            ["transDt"] = JakartaTime.ToDate(paidAt),
            ["transTm"] = JakartaTime.ToTime(paidAt),
            ["currency"] = "IDR",
            ["goodsNm"] = transaction.GoodsName,
            ["billingNm"] = transaction.BillingName,
            ["matchCl"] = matchCl,
            ["status"] = status,
            ["depositDt"] = JakartaTime.ToDate(paidAt),
            ["depositTm"] = JakartaTime.ToTime(paidAt),
            ["receiptCode"] = transaction.ReceiptCode ?? "",
        };

        return new NicepayNotificationForm { Fields = fields, ReceivedAt = DateTimeOffset.UtcNow, RemoteAddress = NicepayAddress };
    }
}
