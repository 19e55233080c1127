using System.Diagnostics.CodeAnalysis;

namespace Orchestrator.Nicepay;

/// <summary>How the paid amount compares with the registered one (<c>matchCl</c>).</summary>
public enum NotificationMatch
{
    /// <summary><c>1</c>: the exact amount was paid.</summary>
    Match = 1,

    /// <summary><c>2</c>: more was paid.</summary>
    Over = 2,

    /// <summary><c>3</c>: less was paid.</summary>
    Under = 3,
}

/// <summary>The deposit status of a notification (<c>status</c>); not the transaction status of an inquiry.</summary>
public enum NotificationDepositStatus
{
    /// <summary><c>0</c>: the customer paid.</summary>
    Deposit = 0,

    /// <summary><c>1</c>: a payment was reversed.</summary>
    Reversal = 1,
}

/// <summary>
/// A payment notification NICEPAY posts (form-encoded) to the registration's <c>dbProcessUrl</c> (contract §5.2).
/// Check <see cref="HasValidToken"/> with the merchant's credentials, then trust only a status inquiry.
/// </summary>
public sealed record NicepayNotification
{
    /// <summary><c>tXid</c>.</summary>
    public required string TransactionId { get; init; }

    /// <summary><c>referenceNo</c>.</summary>
    public required string ReferenceNo { get; init; }

    /// <summary><c>amt</c> in whole rupiah.</summary>
    public required long Amount { get; init; }

    /// <summary><c>amt</c> as received (trimmed): verify the token over this text, not over a reformatted <see cref="Amount"/>.</summary>
    public required string RawAmount { get; init; }

    /// <summary><c>merchantToken</c> as received (<c>SHA256(iMid + tXid + amt + merchantKey)</c>). Not shown by <see cref="ToString"/>.</summary>
    public required string MerchantToken { get; init; }

    /// <summary><c>payMethod</c> (<c>03</c> for CVS; the docs' example shows <c>04</c>).</summary>
    public string? PaymentMethod { get; init; }

    /// <summary><c>mitraCd</c>, when present and recognised.</summary>
    public CvsPartner? Partner { get; init; }

    /// <summary><c>payNo</c>.</summary>
    public string? PaymentCode { get; init; }

    /// <summary><c>payValidDt</c>/<c>payValidTm</c>.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary><c>transDt</c>/<c>transTm</c>.</summary>
    public DateTimeOffset? TransactionTime { get; init; }

    /// <summary><c>depositDt</c>/<c>depositTm</c>.</summary>
    public DateTimeOffset? DepositedAt { get; init; }

    /// <summary><c>currency</c>.</summary>
    public string? Currency { get; init; }

    /// <summary><c>goodsNm</c>.</summary>
    public string? GoodsName { get; init; }

    /// <summary><c>billingNm</c>.</summary>
    public string? BillingName { get; init; }

    /// <summary><c>matchCl</c>.</summary>
    public required NotificationMatch MatchCl { get; init; }

    /// <summary><c>status</c>: deposit or reversal.</summary>
    public required NotificationDepositStatus Status { get; init; }

    /// <summary><c>receiptCode</c>.</summary>
    public string? ReceiptCode { get; init; }

    /// <summary><c>mRefNo</c>.</summary>
    public string? MerchantReferenceNo { get; init; }

    /// <summary>True when <see cref="MerchantToken"/> matches these credentials (constant-time comparison).</summary>
    public bool HasValidToken(NicepayCredentials credentials) =>
        Nicepay.MerchantToken.VerifyNotification(credentials, TransactionId, RawAmount, MerchantToken);

    /// <summary>Identifiers and amounts only; the token is redacted.</summary>
    public override string ToString() =>
        $"NicepayNotification {{ TransactionId = {TransactionId}, ReferenceNo = {ReferenceNo}, Amount = {Amount}, "
        + $"Status = {Status}, MatchCl = {MatchCl}, PaymentCode = {PaymentCode}, MerchantToken = *** }}";

    /// <summary>
    /// Reads the decoded form fields of a notification. Field names match case-insensitively and unknown fields
    /// are ignored. <c>tXid</c>, <c>referenceNo</c>, <c>amt</c>, <c>merchantToken</c>, <c>matchCl</c> and
    /// <c>status</c> are required; optional dates that cannot be read are left null.
    /// </summary>
    /// <param name="formFields">The posted fields.</param>
    /// <param name="notification">The notification, when every required field was read.</param>
    /// <param name="errors">One message per missing or malformed required field; empty on success.</param>
    public static bool TryParse(
        IReadOnlyDictionary<string, string?> formFields,
        [NotNullWhen(true)] out NicepayNotification? notification,
        out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(formFields);
        var fields = NicepayFields.FromPairs(formFields);
        var problems = new List<string>();

        string Required(string name)
        {
            var value = fields.Text(name);
            if (value is null)
            {
                problems.Add($"{name} is missing");
            }

            return value ?? string.Empty;
        }

        var transactionId = Required("tXid");
        var referenceNo = Required("referenceNo");
        var token = Required("merchantToken");
        var rawAmount = Required("amt");
        long amount = 0;
        if (rawAmount.Length > 0 && !NicepayFields.TryParseAmount(rawAmount, out amount))
        {
            problems.Add($"amt '{rawAmount}' is not a whole rupiah amount");
        }

        var matchText = Required("matchCl");
        NotificationMatch? match = matchText switch
        {
            "1" => NotificationMatch.Match,
            "2" => NotificationMatch.Over,
            "3" => NotificationMatch.Under,
            _ => null,
        };
        if (match is null && matchText.Length > 0)
        {
            problems.Add($"matchCl '{matchText}' is not 1 (match), 2 (over) or 3 (under)");
        }

        var statusText = Required("status");
        NotificationDepositStatus? status = statusText switch
        {
            "0" => NotificationDepositStatus.Deposit,
            "1" => NotificationDepositStatus.Reversal,
            _ => null,
        };
        if (status is null && statusText.Length > 0)
        {
            problems.Add($"status '{statusText}' is not 0 (deposit) or 1 (reversal)");
        }

        errors = problems;
        if (problems.Count > 0 || match is null || status is null)
        {
            notification = null;
            return false;
        }

        notification = new NicepayNotification
        {
            TransactionId = transactionId,
            ReferenceNo = referenceNo,
            Amount = amount,
            RawAmount = rawAmount,
            MerchantToken = token,
            PaymentMethod = fields.Text("payMethod"),
            Partner = fields.Partner("mitraCd"),
            PaymentCode = fields.Text("payNo"),
            ValidUntil = fields.DateTime("payValidDt", "payValidTm"),
            TransactionTime = fields.DateTime("transDt", "transTm"),
            DepositedAt = fields.DateTime("depositDt", "depositTm"),
            Currency = fields.Text("currency"),
            GoodsName = fields.Text("goodsNm"),
            BillingName = fields.Text("billingNm"),
            MatchCl = match.Value,
            Status = status.Value,
            ReceiptCode = fields.Text("receiptCode"),
            MerchantReferenceNo = fields.Text("mRefNo"),
        };
        return true;
    }
}
