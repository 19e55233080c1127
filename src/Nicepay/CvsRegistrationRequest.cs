namespace Orchestrator.Nicepay;

/// <summary>
/// A request to issue a CVS payment code (<c>POST /nicepay/direct/v2/registration</c>, <c>payMethod 03</c>,
/// currency IDR). Allowed at any time for a new <see cref="ReferenceNo"/>; NICEPAY rejects a reused one with
/// 9009 when the merchant's duplicate check is on.
/// </summary>
public sealed record CvsRegistrationRequest
{
    /// <summary>The merchant's order number (<c>referenceNo</c>, up to 40 characters). It identifies the payment to NICEPAY.</summary>
    public required string ReferenceNo { get; init; }

    /// <summary>The amount in whole rupiah (<c>amt</c>). Closed amount: the customer must pay exactly this.</summary>
    public required long Amount { get; init; }

    /// <summary>The store network (<c>mitraCd</c>).</summary>
    public required CvsPartner Partner { get; init; }

    /// <summary>The goods name (<c>goodsNm</c>, up to 100 characters).</summary>
    public required string GoodsName { get; init; }

    /// <summary>The buyer (<c>billing*</c> fields).</summary>
    public required NicepayBilling Billing { get; init; }

    /// <summary>Where NICEPAY posts the payment notification (<c>dbProcessUrl</c>); absolute http(s).</summary>
    public required Uri NotificationUrl { get; init; }

    /// <summary>
    /// When the payment code expires, sent as <c>payValidDt</c>/<c>payValidTm</c> in Jakarta time (seconds
    /// precision). Null sends both as <c>""</c>: the merchant's default validity applies (7 days unless NICEPAY
    /// configured otherwise).
    /// </summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary><c>description</c> (up to 100 characters); not sent when null.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The cart, sent as the JSON string <c>cartData</c>. Its amounts must add up to <see cref="Amount"/>.
    /// Null sends <c>"{}"</c>, as NICEPAY's own SDK tests do.
    /// </summary>
    public IReadOnlyList<NicepayCartItem>? Cart { get; init; }

    /// <summary>The customer's IP address (<c>userIP</c>); not required for CVS and not sent when null.</summary>
    public string? UserIp { get; init; }

    /// <summary>A fixed payment number chosen by the merchant (<c>merFixAcctId</c>, Fixed Account type); not sent when null.</summary>
    public string? MerchantFixedAccountId { get; init; }

    /// <summary>Delivery data (<c>delivery*</c>); not sent when null.</summary>
    public NicepayDelivery? Delivery { get; init; }

    /// <summary>VAT part of the amount (<c>vat</c>); not sent when null.</summary>
    public long? Vat { get; init; }

    /// <summary>Fee part of the amount (<c>fee</c>); not sent when null.</summary>
    public long? Fee { get; init; }

    /// <summary>Tax-free part of the amount (<c>notaxAmt</c>); not sent when null.</summary>
    public long? NoTaxAmount { get; init; }

    /// <summary>Browser return URL (<c>callBackUrl</c>); optional in the direct API and not sent when null.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>Request metadata <c>reqDomain</c>; not sent when null.</summary>
    public string? RequestDomain { get; init; }

    /// <summary>Request metadata <c>reqServerIP</c>; not sent when null.</summary>
    public string? RequestServerIp { get; init; }

    /// <summary>Request metadata <c>reqClientVer</c>; not sent when null.</summary>
    public string? RequestClientVersion { get; init; }

    /// <summary>Request metadata <c>userSessionID</c>; not sent when null.</summary>
    public string? UserSessionId { get; init; }

    /// <summary>Request metadata <c>userAgent</c>; not sent when null.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Request metadata <c>userLanguage</c>; not sent when null.</summary>
    public string? UserLanguage { get; init; }
}

/// <summary>A payment code NICEPAY issued: what the customer shows the cashier.</summary>
public sealed record CvsRegistration
{
    /// <summary>NICEPAY's transaction id (<c>tXid</c>, 30 characters); needed for cancel.</summary>
    public required string TransactionId { get; init; }

    /// <summary>The merchant's order number, as echoed (or as sent when NICEPAY omitted it).</summary>
    public required string ReferenceNo { get; init; }

    /// <summary>The amount in whole rupiah.</summary>
    public required long Amount { get; init; }

    /// <summary>The store network (echoed <c>mitraCd</c>, or the requested one when the echo is missing).</summary>
    public required CvsPartner Partner { get; init; }

    /// <summary>The payment code (<c>payNo</c>) the customer gives the cashier.</summary>
    public required string PaymentCode { get; init; }

    /// <summary>
    /// When the payment code expires: <c>payValidDt</c>/<c>payValidTm</c> as returned, else the requested
    /// <see cref="CvsRegistrationRequest.ValidUntil"/>; null when neither is known (merchant default validity).
    /// </summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>NICEPAY's transaction time (<c>transDt</c>/<c>transTm</c>), when returned.</summary>
    public DateTimeOffset? TransactionTime { get; init; }

    /// <summary>The currency; <c>IDR</c> when not echoed.</summary>
    public required string Currency { get; init; }

    /// <summary>The echoed description, when returned.</summary>
    public string? Description { get; init; }

    /// <summary>NICEPAY's <c>resultMsg</c> (normally <c>SUCCESS</c>).</summary>
    public string? ResultMessage { get; init; }
}
