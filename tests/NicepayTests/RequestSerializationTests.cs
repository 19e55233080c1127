using System.Text.Json;

namespace Orchestrator.Nicepay.Tests;

public sealed class RequestSerializationTests
{
    private const string JakartaNow = "20221202152801";

    [Fact]
    public async Task RegisterAsync_Always_PostsJsonToRegistrationPath()
    {
        using var host = new NicepayTestHost();

        await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        var request = Assert.Single(host.Gateway.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("https://nicepay.test/nicepay/direct/v2/registration"), request.Uri);
        Assert.Equal("application/json", request.ContentType);
    }

    [Fact]
    public async Task RegisterAsync_MinimalRequest_SendsContractFieldsAsStrings()
    {
        using var host = new NicepayTestHost();

        await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        var expected = new Dictionary<string, string>
        {
            ["timeStamp"] = JakartaNow,
            ["iMid"] = "IONPAYTEST",
            ["payMethod"] = "03",
            ["currency"] = "IDR",
            ["amt"] = "5000",
            ["referenceNo"] = "Order12345",
            ["goodsNm"] = "Test Transaction",
            ["billingNm"] = "John Doe",
            ["billingPhone"] = "081214714045",
            ["billingEmail"] = "email@merchant.com",
            ["billingAddr"] = "-",
            ["billingCity"] = "-",
            ["billingState"] = "-",
            ["billingPostCd"] = "-",
            ["billingCountry"] = "Indonesia",
            ["cartData"] = "{}",
            ["mitraCd"] = "ALMA",
            ["payValidDt"] = "",
            ["payValidTm"] = "",
            ["dbProcessUrl"] = "https://merchant.com/dbProcessUrl",
            // The contract's §2.1 example token: same timeStamp, iMid, referenceNo, amt and key.
            ["merchantToken"] = "fa79a58a73bf9f6d07ce84daaabb8f23da6ca61d478d4e917d2e259d5c7e1106",
        };
        Assert.Equal(expected.OrderBy(pair => pair.Key), Assert.Single(host.Gateway.Requests).Fields.OrderBy(pair => pair.Key));
    }

    [Fact]
    public async Task RegisterAsync_EveryOptionalField_SendsItAsString()
    {
        using var host = new NicepayTestHost();
        var request = Demo.Registration() with
        {
            Partner = CvsPartner.Indomaret,
            Description = "Order 12345",
            UserIp = "127.0.0.1",
            MerchantFixedAccountId = "0812",
            Delivery = new NicepayDelivery
            {
                Name = "Jane", Phone = "0811", Address = "Jl. Sudirman 1", City = "Jakarta", State = "DKI", PostCode = "10220", Country = "Indonesia",
            },
            Vat = 450,
            Fee = 50,
            NoTaxAmount = 4500,
            CallbackUrl = new Uri("https://merchant.com/back"),
            RequestDomain = "merchant.com",
            RequestServerIp = "10.0.0.1",
            RequestClientVersion = "1.0",
            UserSessionId = "session-1",
            UserAgent = "Mozilla/5.0",
            UserLanguage = "id-ID",
        };

        await host.Client.RegisterAsync(Demo.Credentials, request);

        var fields = Assert.Single(host.Gateway.Requests).Fields;
        Assert.Equal("INDO", fields["mitraCd"]);
        Assert.Equal("Order 12345", fields["description"]);
        Assert.Equal("127.0.0.1", fields["userIP"]);
        Assert.Equal("0812", fields["merFixAcctId"]);
        Assert.Equal("Jane", fields["deliveryNm"]);
        Assert.Equal("0811", fields["deliveryPhone"]);
        Assert.Equal("Jl. Sudirman 1", fields["deliveryAddr"]);
        Assert.Equal("Jakarta", fields["deliveryCity"]);
        Assert.Equal("DKI", fields["deliveryState"]);
        Assert.Equal("10220", fields["deliveryPostCd"]);
        Assert.Equal("Indonesia", fields["deliveryCountry"]);
        Assert.Equal("450", fields["vat"]);
        Assert.Equal("50", fields["fee"]);
        Assert.Equal("4500", fields["notaxAmt"]);
        Assert.Equal("https://merchant.com/back", fields["callBackUrl"]);
        Assert.Equal("merchant.com", fields["reqDomain"]);
        Assert.Equal("10.0.0.1", fields["reqServerIP"]);
        Assert.Equal("1.0", fields["reqClientVer"]);
        Assert.Equal("session-1", fields["userSessionID"]);
        Assert.Equal("Mozilla/5.0", fields["userAgent"]);
        Assert.Equal("id-ID", fields["userLanguage"]);
    }

    [Fact]
    public async Task RegisterAsync_Always_SignsWithRegistrationFormula()
    {
        using var host = new NicepayTestHost();
        host.Time.Advance(TimeSpan.FromHours(3));

        await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration("ORD-77", 125000));

        var fields = Assert.Single(host.Gateway.Requests).Fields;
        Assert.Equal("20221202182801", fields["timeStamp"]);
        Assert.Equal(
            MerchantToken.ForRegistration("20221202182801", Demo.IMid, "ORD-77", "125000", Demo.MerchantKey),
            fields["merchantToken"]);
    }

    [Fact]
    public async Task RegisterAsync_WithValidUntil_SendsJakartaDateAndTime()
    {
        using var host = new NicepayTestHost();
        var request = Demo.Registration() with { ValidUntil = new DateTimeOffset(2022, 12, 3, 17, 30, 15, TimeSpan.Zero) };

        await host.Client.RegisterAsync(Demo.Credentials, request);

        var fields = Assert.Single(host.Gateway.Requests).Fields;
        Assert.Equal("20221204", fields["payValidDt"]);
        Assert.Equal("003015", fields["payValidTm"]);
    }

    [Fact]
    public async Task RegisterAsync_WithCart_SendsCartDataAsJsonString()
    {
        using var host = new NicepayTestHost();
        var request = Demo.Registration(amount: 15000) with
        {
            Cart =
            [
                new NicepayCartItem { Name = "Kopi", Amount = 10000, Detail = "2 x 5000", ImageUrl = new Uri("https://merchant.com/kopi.png") },
                new NicepayCartItem { Name = "Roti", Amount = 5000 },
            ],
        };

        await host.Client.RegisterAsync(Demo.Credentials, request);

        using var cart = JsonDocument.Parse(Assert.Single(host.Gateway.Requests).Fields["cartData"]);
        Assert.Equal("2", cart.RootElement.GetProperty("count").GetString());
        var items = cart.RootElement.GetProperty("item").EnumerateArray().ToArray();
        Assert.Equal(2, items.Length);
        Assert.Equal("https://merchant.com/kopi.png", items[0].GetProperty("img_url").GetString());
        Assert.Equal("Kopi", items[0].GetProperty("goods_name").GetString());
        Assert.Equal("2 x 5000", items[0].GetProperty("goods_detail").GetString());
        Assert.Equal("10000", items[0].GetProperty("goods_amt").GetString());
        Assert.Equal("", items[1].GetProperty("img_url").GetString());
        Assert.Equal("", items[1].GetProperty("goods_detail").GetString());
        Assert.Equal("5000", items[1].GetProperty("goods_amt").GetString());
    }

    [Fact]
    public async Task RegisterAsync_WithCartNotAddingUp_ThrowsBeforeSending()
    {
        using var host = new NicepayTestHost();
        var request = Demo.Registration(amount: 15000) with { Cart = [new NicepayCartItem { Name = "Kopi", Amount = 10000 }] };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.Client.RegisterAsync(Demo.Credentials, request));

        Assert.Contains("9023", error.Message, StringComparison.Ordinal);
        Assert.Empty(host.Gateway.Requests);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task RegisterAsync_WithNonPositiveAmount_ThrowsBeforeSending(long amount)
    {
        using var host = new NicepayTestHost();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Client.RegisterAsync(Demo.Credentials, Demo.Registration(amount: amount)));

        Assert.Empty(host.Gateway.Requests);
    }

    [Fact]
    public async Task RegisterAsync_WithRelativeNotificationUrl_ThrowsBeforeSending()
    {
        using var host = new NicepayTestHost();
        var request = Demo.Registration() with { NotificationUrl = new Uri("/notify", UriKind.Relative) };

        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.RegisterAsync(Demo.Credentials, request));

        Assert.Empty(host.Gateway.Requests);
    }

    [Fact]
    public async Task RegisterAsync_WithBaseUrlPath_KeepsThePathPrefix()
    {
        using var host = new NicepayTestHost(new Dictionary<string, string?> { ["BaseUrl"] = "http://simulator.test:8080/sandbox" });

        await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(new Uri("http://simulator.test:8080/sandbox/nicepay/direct/v2/registration"), Assert.Single(host.Gateway.Requests).Uri);
    }

    [Fact]
    public async Task InquireAsync_Always_SendsContractFieldsAndInquiryToken()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(Demo.InquirySuccess());

        await host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest("IONPAYTEST03201804191327346753", "ORD12345", 10000));

        var request = Assert.Single(host.Gateway.Requests);
        Assert.Equal(new Uri("https://nicepay.test/nicepay/direct/v2/inquiry"), request.Uri);
        Assert.Equal("application/json", request.ContentType);
        var expected = new Dictionary<string, string>
        {
            ["timeStamp"] = JakartaNow,
            ["tXid"] = "IONPAYTEST03201804191327346753",
            ["iMid"] = "IONPAYTEST",
            ["referenceNo"] = "ORD12345",
            ["amt"] = "10000",
            ["merchantToken"] = MerchantToken.ForInquiry(JakartaNow, Demo.IMid, "ORD12345", "10000", Demo.MerchantKey),
        };
        Assert.Equal(expected.OrderBy(pair => pair.Key), request.Fields.OrderBy(pair => pair.Key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task InquireAsync_WithoutTransactionId_SendsEmptyTXid(string? transactionId)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(Demo.InquirySuccess());

        await host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest(transactionId, "ORD12345", 10000));

        Assert.Equal("", Assert.Single(host.Gateway.Requests).Fields["tXid"]);
    }

    [Fact]
    public async Task CancelAsync_Always_SendsContractFieldsAndCancelToken()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(Demo.CancelSuccess());

        await host.Client.CancelAsync(
            Demo.Credentials, new CvsCancelRequest("IONPAYTEST03202212121030529316", 10000, "ORD12345", "Request Cancel"));

        var request = Assert.Single(host.Gateway.Requests);
        Assert.Equal(new Uri("https://nicepay.test/nicepay/direct/v2/cancel"), request.Uri);
        Assert.Equal("application/json", request.ContentType);
        var expected = new Dictionary<string, string>
        {
            ["timeStamp"] = JakartaNow,
            ["tXid"] = "IONPAYTEST03202212121030529316",
            ["iMid"] = "IONPAYTEST",
            ["payMethod"] = "03",
            ["cancelType"] = "1",
            ["cancelMsg"] = "Request Cancel",
            ["amt"] = "10000",
            ["merchantToken"] = MerchantToken.ForCancel(JakartaNow, Demo.IMid, "IONPAYTEST03202212121030529316", "10000", Demo.MerchantKey),
        };
        Assert.Equal(expected.OrderBy(pair => pair.Key), request.Fields.OrderBy(pair => pair.Key));
    }
}
