using System.Collections.Frozen;
using System.Globalization;

namespace Orchestrator.Nicepay;

/// <summary>Named groups of NICEPAY result codes (contract §6.3).</summary>
public enum NicepayRejectionReason
{
    /// <summary>9009: the reference number was already registered.</summary>
    DuplicateReference,

    /// <summary>9010, 9525: the merchant token does not match (wrong key, or a field changed).</summary>
    InvalidMerchantToken,

    /// <summary>9011: the iMid is not a registered merchant.</summary>
    UnknownMerchant,

    /// <summary>9012, 9512, 9521, 9522: CVS (or this store network) is not activated for the merchant.</summary>
    PaymentMethodNotActivated,

    /// <summary>9007, 9013–9020, 9024–9028: a required field is missing.</summary>
    MissingField,

    /// <summary>9008: the amount is not a whole number.</summary>
    InvalidAmount,

    /// <summary>9509: the amount is below the minimum (Rp 10,000 per NICEPAY's plugin).</summary>
    AmountTooSmall,

    /// <summary>9510, 9511, 9031, 9536: the expiry date or time is malformed.</summary>
    InvalidExpiry,

    /// <summary>9022, 9023: cartData is not JSON, or its amounts do not add up to amt.</summary>
    InvalidCartData,

    /// <summary>9505: invalid CVS (store network).</summary>
    InvalidPartner,

    /// <summary>9002, 9501, 9502, 9504, 9506, 9519, 9520: NICEPAY is busy; the same request may succeed later.</summary>
    GatewayBusy,

    /// <summary>9503, 9526, 9533: NICEPAY could not generate a payment code.</summary>
    PaymentCodeUnavailable,

    /// <summary>9528: no such transaction.</summary>
    TransactionNotFound,

    /// <summary>9326, 9330: the transaction is already paid and cannot be cancelled.</summary>
    AlreadyPaid,

    /// <summary>9301, 9312, 9314, 9319, 9321, 9334: the cancel is not allowed as asked.</summary>
    CannotCancel,

    /// <summary>Any other code; see <see cref="NicepayRejection.ResultCode"/>.</summary>
    Other,
}

/// <summary>NICEPAY refused the request with a non-<c>0000</c> <c>resultCd</c>: it did not do it.</summary>
/// <param name="ResultCode">The <c>resultCd</c> as received (e.g. <c>9009</c>).</param>
/// <param name="Reason">The named group of <paramref name="ResultCode"/>.</param>
/// <param name="Message">NICEPAY's <c>resultMsg</c>, with any secret of the call removed.</param>
public sealed record NicepayRejection(string ResultCode, NicepayRejectionReason Reason, string Message)
{
    /// <summary>True for the "server is busy" family: the same request may be sent again later.</summary>
    public bool IsRetryable => Reason == NicepayRejectionReason.GatewayBusy;

    /// <summary>Builds a rejection from a result code and message, mapping the code to its reason.</summary>
    public static NicepayRejection FromResultCode(string resultCode, string? message)
    {
        ArgumentNullException.ThrowIfNull(resultCode);
        return new(resultCode, NicepayResultCodes.ToReason(resultCode), message ?? string.Empty);
    }
}

/// <summary>The NICEPAY result codes the client interprets.</summary>
public static class NicepayResultCodes
{
    /// <summary>Success.</summary>
    public const string Success = "0000";

    private static readonly FrozenDictionary<string, NicepayRejectionReason> _reasons = BuildReasons();

    /// <summary>
    /// Whether a result code is one of NICEPAY's own connection, socket, server or timeout errors (1001–1004): for an
    /// operation that changes state, such an answer does not prove the operation was not done.
    /// </summary>
    public static bool IsGatewayInternalFailure(string resultCode) => resultCode is "1001" or "1002" or "1003" or "1004";

    /// <summary>The named reason of a result code; <see cref="NicepayRejectionReason.Other"/> when unmapped.</summary>
    public static NicepayRejectionReason ToReason(string resultCode) =>
        _reasons.TryGetValue(resultCode, out var reason) ? reason : NicepayRejectionReason.Other;

    private static FrozenDictionary<string, NicepayRejectionReason> BuildReasons()
    {
        var map = new Dictionary<string, NicepayRejectionReason>(StringComparer.Ordinal);
        void Add(NicepayRejectionReason reason, params int[] codes)
        {
            foreach (var code in codes)
            {
                map.Add(code.ToString("D4", CultureInfo.InvariantCulture), reason);
            }
        }

        static int[] Range(int first, int last) => Enumerable.Range(first, last - first + 1).ToArray();

        Add(NicepayRejectionReason.DuplicateReference, 9009);
        Add(NicepayRejectionReason.InvalidMerchantToken, 9010, 9525);
        Add(NicepayRejectionReason.UnknownMerchant, 9011);
        Add(NicepayRejectionReason.PaymentMethodNotActivated, 9012, 9512, 9521, 9522);
        Add(NicepayRejectionReason.MissingField, [9007, .. Range(9013, 9020), .. Range(9024, 9028)]);
        Add(NicepayRejectionReason.InvalidAmount, 9008);
        Add(NicepayRejectionReason.AmountTooSmall, 9509);
        Add(NicepayRejectionReason.InvalidExpiry, 9510, 9511, 9031, 9536);
        Add(NicepayRejectionReason.InvalidCartData, 9022, 9023);
        Add(NicepayRejectionReason.InvalidPartner, 9505);
        Add(NicepayRejectionReason.GatewayBusy, 9002, 9501, 9502, 9504, 9506, 9519, 9520);
        Add(NicepayRejectionReason.PaymentCodeUnavailable, 9503, 9526, 9533);
        Add(NicepayRejectionReason.TransactionNotFound, 9528);
        Add(NicepayRejectionReason.AlreadyPaid, 9326, 9330);
        Add(NicepayRejectionReason.CannotCancel, 9301, 9312, 9314, 9319, 9321, 9334);
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
