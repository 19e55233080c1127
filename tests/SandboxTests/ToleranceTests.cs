using System.Text.Json;
using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

/// <summary>A client written by someone else straight from NICEPAY's docs must work unchanged.</summary>
public sealed class ToleranceTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Theory]
    [InlineData("application/json")]
    [InlineData("Application/JSON")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task Register_AnyContentType_ReadsBodyAsJson(string? contentType)
    {
        var body = Wire.Registration(Wire.NewReference(), sandbox.NotifyUrl("ok", "ct"));

        var answer = await sandbox.PostNicepayAsync("registration", body, contentType);

        Assert.Equal("0000", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Register_AmountAsJsonNumber_TokenOverItsDigits()
    {
        var body = Wire.Registration(Wire.NewReference(), sandbox.NotifyUrl("ok", "num"));
        body["amt"] = 150000;
        Wire.SignRegistration(body);
        Assert.Contains("\"amt\":150000", JsonSerializer.Serialize(body), StringComparison.Ordinal);

        var answer = await sandbox.PostNicepayAsync("registration", body);

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal("150000", answer.Str("amt"));
    }

    [Theory]
    [InlineData("20221212101278")]
    [InlineData("20250310170000")]
    [InlineData("2025-03-10T10:00:00+09:00")]
    [InlineData("")]
    public async Task Register_AnyTimeStamp_IsOnlyTokenInput(string timeStamp)
    {
        var body = Wire.Registration(Wire.NewReference(), sandbox.NotifyUrl("ok", "ts"));
        body["timeStamp"] = timeStamp;
        Wire.SignRegistration(body);

        var answer = await sandbox.PostNicepayAsync("registration", body);

        Assert.Equal("0000", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Register_ExtraAndNullFields_AreIgnored()
    {
        var body = Wire.Registration(Wire.NewReference(), sandbox.NotifyUrl("ok", "extra"));
        body["vat"] = 0;
        body["fee"] = "0";
        body["reqDomain"] = "merchant.com";
        body["somethingNew"] = new { nested = new[] { 1, 2 } };
        body["description"] = null;
        body["cartData"] = null;
        body["payValidDt"] = null;
        body["payValidTm"] = null;
        body["merFixAcctId"] = "";

        var answer = await sandbox.PostNicepayAsync("registration", body);

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Null(answer.Str("description"));
    }

    [Fact]
    public async Task Register_PayValidAsJsonNumbers_AreRead()
    {
        var body = Wire.Registration(Wire.NewReference(), sandbox.NotifyUrl("ok", "validnum"));
        body["payValidDt"] = 20250312;
        body["payValidTm"] = 120000;

        var answer = await sandbox.PostNicepayAsync("registration", body);

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal("20250312", answer.Str("payValidDt"));
        Assert.Equal("120000", answer.Str("payValidTm"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("timeStamp=1&iMid=IONPAYTEST")]
    public async Task Register_BodyNotAJsonObject_Returns9003(string raw)
    {
        var answer = await sandbox.PostNicepayAsync("registration", raw);

        Assert.Equal("9003", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Inquiry_AmountAsNumberAndTextPlain_Answers()
    {
        var tx = await sandbox.RegisterAsync();
        var body = Wire.Inquiry(tx.TXid, tx.ReferenceNo, tx.Amount);
        body["amt"] = tx.Amount;
        body["somethingElse"] = true;

        var answer = await sandbox.PostNicepayAsync("inquiry", body, "text/plain");

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal("3", answer.Str("status"));
    }

    [Fact]
    public async Task Cancel_WithoutPayMethodAndCancelType_IsAccepted()
    {
        var tx = await sandbox.RegisterAsync();
        var body = Wire.Cancel(tx.TXid, tx.Amount);
        body.Remove("payMethod");
        body.Remove("cancelType");
        body["amt"] = tx.Amount;

        var answer = await sandbox.PostNicepayAsync("cancel", body, null);

        Assert.Equal("0000", answer.Str("resultCd"));
    }
}
