using System.Globalization;
using Microsoft.Extensions.Options;
using Orchestrator.NicepaySandbox.Faults;
using Orchestrator.NicepaySandbox.Ledger;
using Orchestrator.NicepaySandbox.Nicepay;

namespace Orchestrator.NicepaySandbox.Notifications;

/// <summary>
/// Builds the form NICEPAY posts to dbProcessUrl (contract §5.2) and, when a notification fault fires, shapes it:
/// how many copies, which fields, and the delivery plan the dispatcher follows.
/// </summary>
internal sealed class NotificationPlanner(FaultRegistry faults, IOptionsMonitor<SandboxOptions> options)
{
    /// <summary>How far an <c>amount-mismatch</c> notification's amt is from the registered one.</summary>
    public const long MismatchDifference = 1_000;

    private long _nextId;

    /// <summary>Plans the notifications for one deposit or reversal. Called under the ledger's lock.</summary>
    public IReadOnlyList<NotificationRecord> Plan(SandboxTransaction tx, NotificationKind kind, bool applyFaults, DateTimeOffset now)
    {
        var fault = applyFaults
            ? faults.TryFire(
                FaultOperation.Notification,
                new FaultSubject(tx.IMid, tx.ReferenceNo, tx.TXid),
                k => kind == NotificationKind.Deposit || k != FaultKinds.Reversal)
            : null;

        var amount = tx.Amount;
        var matchCl = "1";
        var merchantKey = options.CurrentValue.Merchants.TryGetValue(tx.IMid, out var merchant) ? merchant.MerchantKey : "";
        if (fault?.Kind == FaultKinds.AmountMismatch)
        {
            // Over (2) or under (3): the customer paid a different amount. The token is honest about the amount sent.
            matchCl = fault.MatchCl == 3 ? "3" : "2";
            amount = matchCl == "2" ? amount + MismatchDifference : Math.Max(1, amount - MismatchDifference);
        }

        var amt = amount.ToString(CultureInfo.InvariantCulture);
        var token = fault?.Kind == FaultKinds.BadToken
            ? MerchantToken.ForNotification(tx.IMid, tx.TXid, amt, "not-the-merchant-key")
            : MerchantToken.ForNotification(tx.IMid, tx.TXid, amt, merchantKey);
        var paidAt = tx.PaidAt ?? now;
        KeyValuePair<string, string>[] fields =
        [
            new("tXid", tx.TXid),
            new("merchantToken", token),
            new("referenceNo", tx.ReferenceNo),
            new("payMethod", "03"),
            new("mitraCd", tx.MitraCd),
            new("payNo", tx.PayNo),
            new("payValidDt", JakartaTime.Date(tx.ValidUntil)),
            new("payValidTm", JakartaTime.Time(tx.ValidUntil)),
            new("amt", amt),
            new("transDt", JakartaTime.Date(tx.CreatedAt)),
            new("transTm", JakartaTime.Time(tx.CreatedAt)),
            new("currency", tx.Currency),
            new("goodsNm", tx.GoodsNm),
            new("billingNm", tx.BillingNm),
            new("matchCl", matchCl),
            new("status", kind == NotificationKind.Deposit ? "0" : "1"),
            new("receiptCode", tx.Payments.Count > 0 ? tx.Payments[^1].ReceiptCode : ""),
            new("depositDt", JakartaTime.Date(paidAt)),
            new("depositTm", JakartaTime.Time(paidAt)),
        ];

        var copies = fault?.Kind == FaultKinds.Duplicate ? Math.Max(1, fault.Copies ?? 2) : 1;
        var records = new List<NotificationRecord>(copies);
        for (var i = 0; i < copies; i++)
        {
            records.Add(new NotificationRecord
            {
                Id = $"ntf-{Interlocked.Increment(ref _nextId):D6}",
                TXid = tx.TXid,
                Kind = kind,
                Url = tx.DbProcessUrl,
                Fields = fields,
                CreatedAt = now,
                Fault = fault?.Kind,
                FaultId = fault?.Id,
                State = fault?.Kind == FaultKinds.Lost ? DeliveryState.Suppressed : DeliveryState.Pending,
                DelayBeforeSend = fault?.Kind == FaultKinds.Delay ? fault.DelayOrDefault : null,
                HoldForNext = fault?.Kind == FaultKinds.Reorder,
                HoldAtMost = fault?.Kind == FaultKinds.Reorder && fault.DelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                ReverseAfterDelivery = fault?.Kind == FaultKinds.Reversal,
            });
        }

        return records;
    }
}
