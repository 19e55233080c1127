using System.Text.Json.Serialization;

namespace Orchestrator.Nicepay;

// The exact JSON bodies of contract §2, §6.1 and §6.4. Every value is a JSON string, as NICEPAY's SDKs send
// them; optional fields left null are omitted.

/// <summary>The body of <c>POST /nicepay/direct/v2/registration</c>.</summary>
internal sealed class RegistrationBody
{
    [JsonPropertyName("timeStamp")] public required string TimeStamp { get; init; }
    [JsonPropertyName("iMid")] public required string IMid { get; init; }
    [JsonPropertyName("payMethod")] public string PayMethod { get; init; } = NicepayWire.CvsPayMethod;
    [JsonPropertyName("currency")] public string Currency { get; init; } = NicepayWire.Currency;
    [JsonPropertyName("amt")] public required string Amount { get; init; }
    [JsonPropertyName("referenceNo")] public required string ReferenceNo { get; init; }
    [JsonPropertyName("goodsNm")] public required string GoodsName { get; init; }
    [JsonPropertyName("billingNm")] public required string BillingName { get; init; }
    [JsonPropertyName("billingPhone")] public required string BillingPhone { get; init; }
    [JsonPropertyName("billingEmail")] public required string BillingEmail { get; init; }
    [JsonPropertyName("billingAddr")] public required string BillingAddress { get; init; }
    [JsonPropertyName("billingCity")] public required string BillingCity { get; init; }
    [JsonPropertyName("billingState")] public required string BillingState { get; init; }
    [JsonPropertyName("billingPostCd")] public required string BillingPostCode { get; init; }
    [JsonPropertyName("billingCountry")] public required string BillingCountry { get; init; }
    [JsonPropertyName("deliveryNm")] public string? DeliveryName { get; init; }
    [JsonPropertyName("deliveryPhone")] public string? DeliveryPhone { get; init; }
    [JsonPropertyName("deliveryAddr")] public string? DeliveryAddress { get; init; }
    [JsonPropertyName("deliveryCity")] public string? DeliveryCity { get; init; }
    [JsonPropertyName("deliveryState")] public string? DeliveryState { get; init; }
    [JsonPropertyName("deliveryPostCd")] public string? DeliveryPostCode { get; init; }
    [JsonPropertyName("deliveryCountry")] public string? DeliveryCountry { get; init; }
    [JsonPropertyName("cartData")] public required string CartData { get; init; }
    [JsonPropertyName("mitraCd")] public required string MitraCode { get; init; }
    [JsonPropertyName("payValidDt")] public required string PayValidDate { get; init; }
    [JsonPropertyName("payValidTm")] public required string PayValidTime { get; init; }
    [JsonPropertyName("merFixAcctId")] public string? MerchantFixedAccountId { get; init; }
    [JsonPropertyName("dbProcessUrl")] public required string NotificationUrl { get; init; }
    [JsonPropertyName("callBackUrl")] public string? CallbackUrl { get; init; }
    [JsonPropertyName("userIP")] public string? UserIp { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("vat")] public string? Vat { get; init; }
    [JsonPropertyName("fee")] public string? Fee { get; init; }
    [JsonPropertyName("notaxAmt")] public string? NoTaxAmount { get; init; }
    [JsonPropertyName("reqDomain")] public string? RequestDomain { get; init; }
    [JsonPropertyName("reqServerIP")] public string? RequestServerIp { get; init; }
    [JsonPropertyName("reqClientVer")] public string? RequestClientVersion { get; init; }
    [JsonPropertyName("userSessionID")] public string? UserSessionId { get; init; }
    [JsonPropertyName("userAgent")] public string? UserAgent { get; init; }
    [JsonPropertyName("userLanguage")] public string? UserLanguage { get; init; }
    [JsonPropertyName("merchantToken")] public required string MerchantToken { get; init; }
}

/// <summary>The body of <c>POST /nicepay/direct/v2/inquiry</c>.</summary>
internal sealed class InquiryBody
{
    [JsonPropertyName("timeStamp")] public required string TimeStamp { get; init; }
    [JsonPropertyName("tXid")] public required string TransactionId { get; init; }
    [JsonPropertyName("iMid")] public required string IMid { get; init; }
    [JsonPropertyName("referenceNo")] public required string ReferenceNo { get; init; }
    [JsonPropertyName("amt")] public required string Amount { get; init; }
    [JsonPropertyName("merchantToken")] public required string MerchantToken { get; init; }
}

/// <summary>The body of <c>POST /nicepay/direct/v2/cancel</c>.</summary>
internal sealed class CancelBody
{
    [JsonPropertyName("timeStamp")] public required string TimeStamp { get; init; }
    [JsonPropertyName("tXid")] public required string TransactionId { get; init; }
    [JsonPropertyName("iMid")] public required string IMid { get; init; }
    [JsonPropertyName("payMethod")] public string PayMethod { get; init; } = NicepayWire.CvsPayMethod;
    [JsonPropertyName("cancelType")] public string CancelType { get; init; } = NicepayWire.FullCancel;
    [JsonPropertyName("cancelMsg")] public string? CancelMessage { get; init; }
    [JsonPropertyName("amt")] public required string Amount { get; init; }
    [JsonPropertyName("cancelServerIp")] public string? CancelServerIp { get; init; }
    [JsonPropertyName("cancelUserId")] public string? CancelUserId { get; init; }
    [JsonPropertyName("cancelUserIp")] public string? CancelUserIp { get; init; }
    [JsonPropertyName("cancelUserInfo")] public string? CancelUserInfo { get; init; }
    [JsonPropertyName("worker")] public string? Worker { get; init; }
    [JsonPropertyName("merchantToken")] public required string MerchantToken { get; init; }
}

/// <summary>The <c>cartData</c> document, itself sent as a JSON string.</summary>
internal sealed class CartBody
{
    [JsonPropertyName("count")] public required string Count { get; init; }
    [JsonPropertyName("item")] public required IReadOnlyList<CartItemBody> Items { get; init; }
}

/// <summary>One <c>cartData</c> item.</summary>
internal sealed class CartItemBody
{
    [JsonPropertyName("img_url")] public required string ImageUrl { get; init; }
    [JsonPropertyName("goods_name")] public required string Name { get; init; }
    [JsonPropertyName("goods_detail")] public required string Detail { get; init; }
    [JsonPropertyName("goods_amt")] public required string Amount { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegistrationBody))]
[JsonSerializable(typeof(InquiryBody))]
[JsonSerializable(typeof(CancelBody))]
[JsonSerializable(typeof(CartBody))]
internal sealed partial class NicepayJsonContext : JsonSerializerContext;

/// <summary>Wire constants and paths of the V2 direct API.</summary>
internal static class NicepayWire
{
    public const string CvsPayMethod = "03";
    public const string Currency = "IDR";
    public const string FullCancel = "1";
    public const string EmptyCart = "{}";

    public const string RegistrationPath = "nicepay/direct/v2/registration";
    public const string InquiryPath = "nicepay/direct/v2/inquiry";
    public const string CancelPath = "nicepay/direct/v2/cancel";

    /// <summary>Resolves an API path under the base URL, keeping any path prefix the base URL has.</summary>
    public static Uri Resolve(Uri baseUrl, string path)
    {
        var text = baseUrl.AbsoluteUri;
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), path);
    }
}
