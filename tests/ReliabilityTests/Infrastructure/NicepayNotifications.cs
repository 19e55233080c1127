using System.Security.Cryptography;
using System.Text;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>
/// NICEPAY's notification as the test writes it (contract §5.2, written from the sandbox README): the form fields and
/// the merchant token SHA256(iMid + tXid + amt + merchantKey), lowercase hex. With the merchant's key it is what NICEPAY
/// would send; with any other key it is a forgery.
/// </summary>
public static class NicepayNotifications
{
    /// <summary>The token over <paramref name="amt"/> exactly as sent.</summary>
    public static string Token(string iMid, string tXid, string amt, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(iMid + tXid + amt + key)));

    /// <summary>The fields of a deposit (<c>status</c> 0) or reversal (<c>status</c> 1) notification for a checkout.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Fields(
        CheckoutJson checkout, string token, long amount, string status = "0", string matchCl = "1")
    {
        ArgumentNullException.ThrowIfNull(checkout);
        var jakarta = checkout.ExpiresAt.ToOffset(TimeSpan.FromHours(7));
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7));
        return
        [
            new("tXid", checkout.TransactionId ?? ""),
            new("merchantToken", token),
            new("referenceNo", checkout.ReferenceNo),
            new("payMethod", "03"),
            new("mitraCd", checkout.Store == "indomaret" ? "INDO" : "ALMA"),
            new("payNo", checkout.PaymentCode ?? ""),
            new("payValidDt", jakarta.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)),
            new("payValidTm", jakarta.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture)),
            new("amt", amount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("transDt", now.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)),
            new("transTm", now.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture)),
            new("currency", "IDR"),
            new("goodsNm", "Coffee beans 1 kg"),
            new("billingNm", "Budi Santoso"),
            new("matchCl", matchCl),
            new("status", status),
            new("receiptCode", ""),
            new("depositDt", now.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)),
            new("depositTm", now.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }
}
