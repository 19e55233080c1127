using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

/// <summary>NICEPAY's own published requests and tokens (contract §2.1, §4.2) are accepted as sent.</summary>
public sealed class DocsExampleTests(DocsEraFixture sandbox) : IClassFixture<DocsEraFixture>
{
    [Fact]
    public void Sha256_NicepayTestVectors_Recompute()
    {
        Assert.Equal("fa79a58a73bf9f6d07ce84daaabb8f23da6ca61d478d4e917d2e259d5c7e1106", Wire.Sha256("20221202152801", Wire.IMid, "Order12345", "5000", Wire.Key));
        Assert.Equal("f9d30f6c972e2b5718751bd087b178534673a91bbac845f8a24e60e8e4abbbc5", Wire.Sha256("20180123100505", Wire.IMid, "ORD12345", "10000", Wire.Key));
        Assert.Equal("666b397e7bce1d65e2cc553205ebab7330f9b2da8293b02c342279c1b6999ceb", Wire.Sha256("20221012080918", Wire.IMid, "ORDER20221012080918", "1", Wire.Key));
        Assert.Equal("49974dde3c4a311030bd2095431443ce3689d79c90caaa88f4186050abb77cf9", Wire.Sha256("20221212101278", Wire.IMid, "IONPAYTEST03202212121030529316", "10000", Wire.Key));
    }

    [Fact]
    public async Task Register_2018DocsExample_SucceedsWithItsValidity()
    {
        var body = Wire.Registration("ORD12345", sandbox.NotifyUrl("ok", "docs2018"), "ALMA", 10_000);
        body["timeStamp"] = "20180123100505";
        body["payValidDt"] = "20180308";
        body["payValidTm"] = "095500";
        body["merchantToken"] = "f9d30f6c972e2b5718751bd087b178534673a91bbac845f8a24e60e8e4abbbc5";

        var answer = await sandbox.PostNicepayAsync("registration", body);

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal("20180308", answer.Str("payValidDt"));
        Assert.Equal("095500", answer.Str("payValidTm"));
    }

    [Fact]
    public async Task Register_CurrentDocsExample_Succeeds()
    {
        var body = Wire.Registration("Order12345", "https://merchant.com/dbProcessUrl", "ALMA", 5_000);
        body["timeStamp"] = "20221202152801";
        body["merchantToken"] = "fa79a58a73bf9f6d07ce84daaabb8f23da6ca61d478d4e917d2e259d5c7e1106";

        var answer = await sandbox.PostNicepayAsync("registration", body);

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal("5000", answer.Str("amt"));
    }

    [Fact]
    public async Task Inquiry_CurrentDocsExampleToken_FindsTransactionByReferenceNo()
    {
        var tx = await sandbox.RegisterAsync(amount: 1, referenceNo: "ORDER20221012080918");

        var answer = await sandbox.PostNicepayAsync("inquiry", new Dictionary<string, object?>
        {
            ["timeStamp"] = "20221012080918",
            ["tXid"] = "",
            ["iMid"] = "IONPAYTEST",
            ["referenceNo"] = "ORDER20221012080918",
            ["amt"] = "1",
            ["merchantToken"] = "666b397e7bce1d65e2cc553205ebab7330f9b2da8293b02c342279c1b6999ceb",
        });

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal(tx.TXid, answer.Str("tXid"));
        Assert.Equal("unpaid", answer.Str("resultMsg"));
    }

    [Fact]
    public async Task Cancel_CurrentDocsExampleToken_PassesTokenCheck()
    {
        var answer = await sandbox.PostNicepayAsync("cancel", new Dictionary<string, object?>
        {
            ["timeStamp"] = "20221212101278",
            ["tXid"] = "IONPAYTEST03202212121030529316",
            ["iMid"] = "IONPAYTEST",
            ["payMethod"] = "03",
            ["cancelType"] = "1",
            ["cancelMsg"] = "Request Cancel",
            ["amt"] = "10000",
            ["merchantToken"] = "49974dde3c4a311030bd2095431443ce3689d79c90caaa88f4186050abb77cf9",
        });

        // The token is right (no 9010); the docs' tXid does not exist here.
        Assert.Equal("9528", answer.Str("resultCd"));
    }
}

/// <summary>The clock of NICEPAY's 2018 example (23 January 2018, 10:05:05 Jakarta) and a minimum of Rp 1 for the docs' small amounts.</summary>
public sealed class DocsEraFixture : SandboxFixture
{
    public DocsEraFixture()
        : base(new DateTimeOffset(2018, 1, 23, 10, 5, 5, TimeSpan.FromHours(7)))
    {
    }

    protected override void Configure(Dictionary<string, string?> settings) => settings["Sandbox:MinimumAmount"] = "1";
}
