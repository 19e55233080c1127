namespace Orchestrator.Nicepay.Tests;

/// <summary>NICEPAY's public sandbox merchant and demo key (contract §4.1), and request builders.</summary>
internal static class Demo
{
    public const string IMid = "IONPAYTEST";
    public const string MerchantKey = "33F49GnCMS1mFYlGXisbUDzVf2ATWCl9k3R++d5hDd3Frmuos/XLx8XhXpe+LDYAbpGKZYSwtlyyLOtS/8aD7A==";

    public static NicepayCredentials Credentials { get; } = new(IMid, MerchantKey);

    public static CvsRegistrationRequest Registration(string referenceNo = "Order12345", long amount = 5000) => new()
    {
        ReferenceNo = referenceNo,
        Amount = amount,
        Partner = CvsPartner.AlfaGroup,
        GoodsName = "Test Transaction",
        Billing = new NicepayBilling { Name = "John Doe", Phone = "081214714045", Email = "email@merchant.com" },
        NotificationUrl = new Uri("https://merchant.com/dbProcessUrl"),
    };

    /// <summary>A registration success answer echoing <paramref name="referenceNo"/> and <paramref name="amount"/>.</summary>
    public static string RegistrationSuccess(string referenceNo = "Order12345", long amount = 5000) => $$"""
        {"resultCd":"0000","resultMsg":"SUCCESS","tXid":"IONPAYTEST03202212021528011234","referenceNo":"{{referenceNo}}",
         "payMethod":"03","amt":"{{amount}}","transDt":"20221202","transTm":"152801","description":null,"mitraCd":"ALMA",
         "payNo":"021528011234","payValidDt":"20221209","payValidTm":"152801"}
        """;

    public static string InquirySuccess(string status = "3") => $$"""
        {"resultCd":"0000","resultMsg":"unpaid","tXid":"IONPAYTEST03201804191327346753","iMid":"IONPAYTEST",
         "referenceNo":"ORD12345","payMethod":"03","amt":"10000","status":"{{status}}","mitraCd":"ALMA","payNo":"191327346753"}
        """;

    public static string CancelSuccess() => """
        {"tXid":"IONPAYTEST03202212121030529316","referenceNo":"ORD12345","resultCd":"0000","resultMsg":"SUCCESS",
         "transDt":"20221212","transTm":"103052","description":"Request Cancel","amt":"10000"}
        """;

    public static string Rejection(string code, string message = "rejected") =>
        $$"""{"resultCd":"{{code}}","resultMsg":"{{message}}"}""";
}
