namespace Orchestrator.Nicepay.Tests;

public sealed class NotificationTests
{
    // Contract §5.2: the example body a merchant receives, with the token computed for IONPAYTEST.
    private const string ExampleBody =
        "tXid=IONPAYTEST03201804191327346753&merchantToken=d48b5680a1c3a61ca456578e1d43818d3c9c0c60bddad121a1c8abbf80757914"
        + "&referenceNo=ORD12345&payMethod=03&mitraCd=ALMA&payNo=191327346753&payValidDt=&payValidTm=&amt=10000&transDt=20180419"
        + "&transTm=132734&currency=IDR&goodsNm=Test+Transaction+Nicepay&billingNm=Customer+Name&matchCl=1&status=0"
        + "&depositDt=20180419&depositTm=140512";

    [Fact]
    public void TryParse_WithContractExample_ReadsEveryField()
    {
        Assert.True(NicepayNotification.TryParse(Form(ExampleBody), out var notification, out var errors), string.Join("; ", errors));

        Assert.Empty(errors);
        Assert.Equal("IONPAYTEST03201804191327346753", notification.TransactionId);
        Assert.Equal("ORD12345", notification.ReferenceNo);
        Assert.Equal(10000, notification.Amount);
        Assert.Equal("10000", notification.RawAmount);
        Assert.Equal("d48b5680a1c3a61ca456578e1d43818d3c9c0c60bddad121a1c8abbf80757914", notification.MerchantToken);
        Assert.Equal("03", notification.PaymentMethod);
        Assert.Equal(CvsPartner.AlfaGroup, notification.Partner);
        Assert.Equal("191327346753", notification.PaymentCode);
        Assert.Null(notification.ValidUntil);
        Assert.Equal(new DateTimeOffset(2018, 4, 19, 13, 27, 34, JakartaTime.Offset), notification.TransactionTime);
        Assert.Equal(new DateTimeOffset(2018, 4, 19, 14, 5, 12, JakartaTime.Offset), notification.DepositedAt);
        Assert.Equal("IDR", notification.Currency);
        Assert.Equal("Test Transaction Nicepay", notification.GoodsName);
        Assert.Equal("Customer Name", notification.BillingName);
        Assert.Equal(NotificationMatch.Match, notification.MatchCl);
        Assert.Equal(NotificationDepositStatus.Deposit, notification.Status);
        Assert.Null(notification.ReceiptCode);
        Assert.Null(notification.MerchantReferenceNo);
    }

    [Fact]
    public void HasValidToken_WithContractExampleAndDemoMerchant_ReturnsTrue()
    {
        Assert.True(NicepayNotification.TryParse(Form(ExampleBody), out var notification, out _));

        Assert.True(notification.HasValidToken(Demo.Credentials));
    }

    [Fact]
    public void HasValidToken_WithTamperedAmount_ReturnsFalse()
    {
        Assert.True(NicepayNotification.TryParse(Form(ExampleBody.Replace("amt=10000", "amt=100000", StringComparison.Ordinal)), out var notification, out _));

        Assert.False(notification.HasValidToken(Demo.Credentials));
    }

    [Fact]
    public void HasValidToken_WithOtherMerchantKey_ReturnsFalse()
    {
        Assert.True(NicepayNotification.TryParse(Form(ExampleBody), out var notification, out _));

        Assert.False(notification.HasValidToken(new NicepayCredentials(Demo.IMid, "someone-elses-key")));
    }

    [Fact]
    public void TryParse_WithReversalOverpaymentExtraFieldsAndOtherCase_Accepts()
    {
        var fields = Form(ExampleBody.Replace("matchCl=1&status=0", "MATCHCL=2&Status=1", StringComparison.Ordinal) + "&clientUserKey=&instmntType=1&mRefNo=M-9&receiptCode=RC-1");

        Assert.True(NicepayNotification.TryParse(fields, out var notification, out var errors), string.Join("; ", errors));

        Assert.Equal(NotificationMatch.Over, notification.MatchCl);
        Assert.Equal(NotificationDepositStatus.Reversal, notification.Status);
        Assert.Equal("M-9", notification.MerchantReferenceNo);
        Assert.Equal("RC-1", notification.ReceiptCode);
    }

    [Fact]
    public void TryParse_WithMissingRequiredFields_NamesEachOne()
    {
        var fields = new Dictionary<string, string?> { ["payNo"] = "191327346753", ["tXid"] = " ", ["amt"] = null };

        Assert.False(NicepayNotification.TryParse(fields, out var notification, out var errors));

        Assert.Null(notification);
        Assert.Equal(
            ["tXid is missing", "referenceNo is missing", "merchantToken is missing", "amt is missing", "matchCl is missing", "status is missing"],
            errors);
    }

    [Theory]
    [InlineData("amt=10000", "amt=10.000,00", "amt '10.000,00'")]
    [InlineData("matchCl=1", "matchCl=4", "matchCl '4'")]
    [InlineData("status=0", "status=9", "status '9'")]
    public void TryParse_WithMalformedField_NamesIt(string original, string replacement, string expectedError)
    {
        Assert.False(NicepayNotification.TryParse(Form(ExampleBody.Replace(original, replacement, StringComparison.Ordinal)), out _, out var errors));

        Assert.StartsWith(expectedError, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_Always_RedactsToken()
    {
        Assert.True(NicepayNotification.TryParse(Form(ExampleBody), out var notification, out _));

        Assert.DoesNotContain(notification.MerchantToken, notification.ToString(), StringComparison.Ordinal);
        Assert.Contains(notification.TransactionId, notification.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Decodes an application/x-www-form-urlencoded body as a web framework would.</summary>
    private static Dictionary<string, string?> Form(string body) =>
        body.Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(
                parts => Uri.UnescapeDataString(parts[0].Replace('+', ' ')),
                parts => (string?)Uri.UnescapeDataString(parts[1].Replace('+', ' ')));
}
