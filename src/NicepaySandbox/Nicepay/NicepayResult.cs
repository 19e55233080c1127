using System.Text.Json.Serialization;

namespace Orchestrator.NicepaySandbox.Nicepay;

/// <summary>A NICEPAY <c>resultCd</c>/<c>resultMsg</c> pair. Errors travel as HTTP 200 with a code other than 0000 (contract §3).</summary>
internal sealed record NicepayError(
    [property: JsonPropertyName("resultCd")] string ResultCd,
    [property: JsonPropertyName("resultMsg")] string ResultMsg)
{
    public static readonly NicepayError ServerBusy = new("9002", "Server is busy");
    public static readonly NicepayError InvalidOrder = new("9003", "Invalid Order: the request body is not a JSON object");
    public static readonly NicepayError TransactionNumberError = new("9006", "Transaction number generated error");
    public static readonly NicepayError UndefinedAmount = new("9007", "Undefined: Amount");
    public static readonly NicepayError InvalidAmount = new("9008", "Invalid Request Amount: numbers only, no decimals");
    public static readonly NicepayError DuplicateReference = new("9009", "Reference Number already exist");
    public static readonly NicepayError InvalidToken = new("9010", "Invalid Merchant Token");
    public static readonly NicepayError InvalidMerchant = new("9011", "Invalid MID, merchant not registered");
    public static readonly NicepayError PayMethodNotActivated = new("9012", "Payment method not activated: only 03 (Convenience Store) is");
    public static readonly NicepayError UndefinedCurrency = new("9013", "Undefined: currency (IDR only)");
    public static readonly NicepayError UndefinedReferenceNo = new("9014", "Undefined: referenceNo");
    public static readonly NicepayError UndefinedGoodsName = new("9015", "Undefined: goodsNm");
    public static readonly NicepayError UndefinedBillingName = new("9016", "Undefined: billingNm");
    public static readonly NicepayError UndefinedBillingPhone = new("9017", "Undefined: billingPhone");
    public static readonly NicepayError UndefinedBillingEmail = new("9018", "Undefined: billingEmail");
    public static readonly NicepayError UndefinedDbProcessUrl = new("9020", "Undefined: dbProcessUrl (an absolute http or https URL)");
    public static readonly NicepayError InvalidCartData = new("9022", "Invalid cart data: cartData is not valid JSON");
    public static readonly NicepayError CartAmountMismatch = new("9023", "Cart amount is not the same as the transaction amount");
    public static readonly NicepayError UndefinedBillingCity = new("9025", "Undefined: billingCity");
    public static readonly NicepayError UndefinedBillingState = new("9026", "Undefined: billingState");
    public static readonly NicepayError UndefinedBillingPostCode = new("9027", "Undefined: billingPostCd");
    public static readonly NicepayError UndefinedBillingCountry = new("9028", "Undefined: billingCountry");
    public static readonly NicepayError InvalidMitra = new("9505", "Invalid CVS: mitraCd must be ALMA or INDO");
    public static readonly NicepayError ReferenceNoTooLong = new("9507", "referenceNo is longer than 40 characters");
    public static readonly NicepayError AmountTooSmall = new("9509", "Payment amount is too small");
    public static readonly NicepayError ExpiryNotNumeric = new("9510", "Error in expiration date/time of deposit: letters included");
    public static readonly NicepayError ExpiryInvalid = new("9510", "Error in expiration date/time of deposit: not a valid date and time");
    public static readonly NicepayError ExpiryInPast = new("9510", "Error in expiration date/time of deposit: it is not in the future");
    public static readonly NicepayError ExpiryLength = new("9511", "Expiration date and time length is not valid");
    public static readonly NicepayError NotFound = new("9528", "Transaction not found");
    public static readonly NicepayError NotFoundMismatch = new("9528", "Transaction not found: referenceNo or amt do not match the tXid");
    public static readonly NicepayError InvalidCancelType = new("9301", "Invalid Cancel Type: CVS can only be cancelled in full (1)");
    public static readonly NicepayError CancelAmountMissing = new("9312", "No cancellation amount or it contains letters");
    public static readonly NicepayError AlreadyCancelled = new("9314", "Cannot cancel this transaction number: it is already cancelled");
    public static readonly NicepayError CancelExpired = new("9314", "Cannot cancel this transaction number: it has expired");
    public static readonly NicepayError CancelAmountDiffers = new("9319", "Cancel amount must equal the transaction amount");
    public static readonly NicepayError CancelAmountZero = new("9321", "Cancel amount must be greater than 0");
    public static readonly NicepayError CancelAfterPurchase = new("9326", "Can not be canceled after purchase");
}
