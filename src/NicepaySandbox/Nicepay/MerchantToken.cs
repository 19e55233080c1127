using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.NicepaySandbox.Nicepay;

/// <summary>NICEPAY's merchantToken: lowercase hex SHA-256 of the plain UTF-8 concatenation of its parts (contract §4).</summary>
internal static class MerchantToken
{
    /// <summary>Registration and inquiry: timeStamp + iMid + referenceNo + amt + merchantKey.</summary>
    public static string ForRegistrationOrInquiry(string timeStamp, string iMid, string referenceNo, string amt, string merchantKey) =>
        Compute(timeStamp, iMid, referenceNo, amt, merchantKey);

    /// <summary>Cancel: timeStamp + iMid + tXid + amt + merchantKey.</summary>
    public static string ForCancel(string timeStamp, string iMid, string tXid, string amt, string merchantKey) =>
        Compute(timeStamp, iMid, tXid, amt, merchantKey);

    /// <summary>Notification to dbProcessUrl: iMid + tXid + amt + merchantKey.</summary>
    public static string ForNotification(string iMid, string tXid, string amt, string merchantKey) =>
        Compute(iMid, tXid, amt, merchantKey);

    /// <summary>Ordinal comparison: NICEPAY documents lowercase hex, so an upper-case token is a client bug worth seeing.</summary>
    public static bool Matches(string expected, string? received) =>
        received is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(received));

    private static string Compute(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
}
