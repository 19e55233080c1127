using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Nicepay;

/// <summary>
/// The NICEPAY V2 <c>merchantToken</c>: the lowercase hex SHA-256 of the UTF-8 concatenation of the listed
/// fields, with no separators (contract §4). Every input is the exact string sent or received on the wire.
/// </summary>
public static class MerchantToken
{
    /// <summary>Registration: <c>timeStamp + iMid + referenceNo + amt + merchantKey</c>.</summary>
    public static string ForRegistration(string timeStamp, string iMid, string referenceNo, string amount, string merchantKey) =>
        Compute(timeStamp, iMid, referenceNo, amount, merchantKey);

    /// <summary>Status inquiry: <c>timeStamp + iMid + referenceNo + amt + merchantKey</c> (referenceNo, not tXid).</summary>
    public static string ForInquiry(string timeStamp, string iMid, string referenceNo, string amount, string merchantKey) =>
        Compute(timeStamp, iMid, referenceNo, amount, merchantKey);

    /// <summary>Cancel: <c>timeStamp + iMid + tXid + amt + merchantKey</c> (tXid, not referenceNo).</summary>
    public static string ForCancel(string timeStamp, string iMid, string tXid, string amount, string merchantKey) =>
        Compute(timeStamp, iMid, tXid, amount, merchantKey);

    /// <summary>Notification from NICEPAY to <c>dbProcessUrl</c>: <c>iMid + tXid + amt + merchantKey</c> (no timeStamp).</summary>
    public static string ForNotification(string iMid, string tXid, string amount, string merchantKey) =>
        Compute(string.Empty, iMid, tXid, amount, merchantKey);

    /// <summary>
    /// Checks the token of a notification against the merchant's own credentials, using the <c>tXid</c> and
    /// <c>amt</c> exactly as received. Hex case is ignored and the comparison takes constant time.
    /// </summary>
    public static bool VerifyNotification(NicepayCredentials credentials, string tXid, string amount, string? receivedToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(tXid);
        ArgumentNullException.ThrowIfNull(amount);

        if (receivedToken is null || receivedToken.Length != SHA256.HashSizeInBytes * 2)
        {
            return false;
        }

        Span<byte> received = stackalloc byte[SHA256.HashSizeInBytes];
        if (Convert.FromHexString(receivedToken, received, out _, out var written) != OperationStatus.Done
            || written != received.Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(expected, string.Empty, credentials.IMid, tXid, amount, credentials.MerchantKey);
        return CryptographicOperations.FixedTimeEquals(expected, received);
    }

    private static string Compute(string first, string iMid, string reference, string amount, string merchantKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(hash, first, iMid, reference, amount, merchantKey);
        return Convert.ToHexStringLower(hash);
    }

    private static void Hash(Span<byte> destination, string first, string iMid, string reference, string amount, string merchantKey)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(iMid);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(amount);
        ArgumentNullException.ThrowIfNull(merchantKey);

        SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(first, iMid, reference, amount, merchantKey)), destination);
    }
}
