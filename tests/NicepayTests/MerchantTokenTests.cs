namespace Orchestrator.Nicepay.Tests;

public sealed class MerchantTokenTests
{
    private const string NotificationTXid = "IONPAYTEST03201804191327346753";
    private const string NotificationToken = "d48b5680a1c3a61ca456578e1d43818d3c9c0c60bddad121a1c8abbf80757914";

    // Every row of contract §4.2, computed with IONPAYTEST and the public demo key.
    [Theory]
    [InlineData("registration", "20221202152801", "Order12345", "5000", "fa79a58a73bf9f6d07ce84daaabb8f23da6ca61d478d4e917d2e259d5c7e1106")]
    [InlineData("registration", "20180123100505", "ORD12345", "10000", "f9d30f6c972e2b5718751bd087b178534673a91bbac845f8a24e60e8e4abbbc5")]
    [InlineData("inquiry", "20221012080918", "ORDER20221012080918", "1", "666b397e7bce1d65e2cc553205ebab7330f9b2da8293b02c342279c1b6999ceb")]
    [InlineData("cancel", "20221212101278", "IONPAYTEST03202212121030529316", "10000", "49974dde3c4a311030bd2095431443ce3689d79c90caaa88f4186050abb77cf9")]
    [InlineData("notification", "", NotificationTXid, "10000", NotificationToken)]
    [InlineData("inquiry", "20180419140000", "ORD12345", "10000", "b93b1cc51507f1302f0ad6b8ebbeaf28107bac359f9e675d512eae832656737c")]
    [InlineData("cancel", "20180419150000", NotificationTXid, "10000", "44d3506de2ce1f609c63f39ecfef7c8a7bbc25f86ea4a978b1488da2cfb70b50")]
    public void Token_WithContractVector_MatchesExpected(string operation, string timeStamp, string reference, string amount, string expected)
    {
        var token = operation switch
        {
            "registration" => MerchantToken.ForRegistration(timeStamp, Demo.IMid, reference, amount, Demo.MerchantKey),
            "inquiry" => MerchantToken.ForInquiry(timeStamp, Demo.IMid, reference, amount, Demo.MerchantKey),
            "cancel" => MerchantToken.ForCancel(timeStamp, Demo.IMid, reference, amount, Demo.MerchantKey),
            "notification" => MerchantToken.ForNotification(Demo.IMid, reference, amount, Demo.MerchantKey),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        Assert.Equal(expected, token);
    }

    [Fact]
    public void VerifyNotification_WithMatchingToken_ReturnsTrue() =>
        Assert.True(MerchantToken.VerifyNotification(Demo.Credentials, NotificationTXid, "10000", NotificationToken));

    [Fact]
    public void VerifyNotification_WithUppercaseToken_ReturnsTrue() =>
        Assert.True(MerchantToken.VerifyNotification(Demo.Credentials, NotificationTXid, "10000", NotificationToken.ToUpperInvariant()));

    [Fact]
    public void VerifyNotification_WithTamperedAmount_ReturnsFalse() =>
        Assert.False(MerchantToken.VerifyNotification(Demo.Credentials, NotificationTXid, "1000", NotificationToken));

    [Fact]
    public void VerifyNotification_WithTamperedTransactionId_ReturnsFalse() =>
        Assert.False(MerchantToken.VerifyNotification(Demo.Credentials, "IONPAYTEST03201804191327346754", "10000", NotificationToken));

    [Fact]
    public void VerifyNotification_WithOtherMerchantKey_ReturnsFalse() =>
        Assert.False(MerchantToken.VerifyNotification(new NicepayCredentials(Demo.IMid, "another-key"), NotificationTXid, "10000", NotificationToken));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("d48b5680a1c3a61ca456578e1d43818d3c9c0c60bddad121a1c8abbf8075791")]
    [InlineData("d48b5680a1c3a61ca456578e1d43818d3c9c0c60bddad121a1c8abbf807579140")]
    [InlineData("z48b5680a1c3a61ca456578e1d43818d3c9c0c60bddad121a1c8abbf80757914")]
    public void VerifyNotification_WithMissingOrMalformedToken_ReturnsFalse(string? received) =>
        Assert.False(MerchantToken.VerifyNotification(Demo.Credentials, NotificationTXid, "10000", received));

    [Fact]
    public void Credentials_ToString_RedactsMerchantKey()
    {
        var text = Demo.Credentials.ToString();

        Assert.Contains(Demo.IMid, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Demo.MerchantKey, text, StringComparison.Ordinal);
    }
}
