using System.Text.Json;
using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

public sealed class InquiryTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Inquiry_Unpaid_ReturnsStatus3WithDocumentedFields()
    {
        var now = sandbox.Time.GetUtcNow();
        var tx = await sandbox.RegisterAsync(mitraCd: "ALMA");

        var answer = await sandbox.InquireAsync(tx);

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal("unpaid", answer.Str("resultMsg"));
        Assert.Equal("3", answer.Str("status"));
        Assert.Equal(tx.TXid, answer.Str("tXid"));
        Assert.Equal(Wire.IMid, answer.Str("iMid"));
        Assert.Equal(tx.ReferenceNo, answer.Str("referenceNo"));
        Assert.Equal("03", answer.Str("payMethod"));
        Assert.Equal("150000", answer.Str("amt"));
        Assert.Null(answer.Str("cancelAmt"));
        Assert.Equal(SandboxFixture.Jakarta(now, "yyyyMMdd"), answer.Str("reqDt"));
        Assert.Equal(SandboxFixture.Jakarta(now, "HHmmss"), answer.Str("reqTm"));
        Assert.Equal(tx.Response.Str("transDt"), answer.Str("transDt"));
        Assert.Equal(tx.Response.Str("transTm"), answer.Str("transTm"));
        Assert.Null(answer.Str("depositDt"));
        Assert.Null(answer.Str("depositTm"));
        Assert.Equal("IDR", answer.Str("currency"));
        Assert.Equal("Test Transaction", answer.Str("goodsNm"));
        Assert.Equal("John Doe", answer.Str("billingNm"));
        Assert.Equal("ALMA", answer.Str("mitraCd"));
        Assert.Equal(tx.PayNo, answer.Str("payNo"));
        Assert.Equal(tx.Response.Str("payValidDt"), answer.Str("payValidDt"));
        Assert.Equal(tx.Response.Str("payValidTm"), answer.Str("payValidTm"));
        Assert.Null(answer.Str("receiptCode"));
        Assert.All(answer.EnumerateObject(), p => Assert.True(p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null, p.Name));
    }

    [Fact]
    public async Task Inquiry_PaidAtIndomaret_ReturnsStatus0WithDepositAndReceipt()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "INDO");
        var receipt = await sandbox.PayOkAsync(tx);

        var answer = await sandbox.InquireAsync(tx);

        Assert.Equal("0", answer.Str("status"));
        Assert.Equal("paid", answer.Str("resultMsg"));
        var paidAt = receipt.GetProperty("paidAt").GetDateTimeOffset();
        Assert.Equal(SandboxFixture.Jakarta(paidAt, "yyyyMMdd"), answer.Str("depositDt"));
        Assert.Equal(SandboxFixture.Jakarta(paidAt, "HHmmss"), answer.Str("depositTm"));
        Assert.Equal(receipt.Str("receiptCode"), answer.Str("receiptCode"));
    }

    [Fact]
    public async Task Inquiry_AlfamartWithinCommitWindow_ReturnsStatus5ThenPaid()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "ALMA");
        var receipt = await sandbox.PayOkAsync(tx, "alfamart");
        Assert.Equal("5", receipt.Str("status"));

        var during = await sandbox.InquireAsync(tx);
        sandbox.Time.Advance(TimeSpan.FromSeconds(2));
        var after = await sandbox.InquireAsync(tx);

        Assert.Equal("5", during.Str("status"));
        Assert.Equal("ready to commit", during.Str("resultMsg"));
        Assert.Null(during.Str("depositDt"));
        Assert.Equal("0", after.Str("status"));
        Assert.Equal("paid", after.Str("resultMsg"));
    }

    [Fact]
    public async Task Inquiry_AfterValidity_ReturnsStatus4Expired()
    {
        var tx = await sandbox.RegisterAsync();
        sandbox.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        var lastSecond = await sandbox.InquireAsync(tx);

        sandbox.Time.Advance(TimeSpan.FromSeconds(1));
        var answer = await sandbox.InquireAsync(tx);

        Assert.Equal("3", lastSecond.Str("status"));
        Assert.Equal("4", answer.Str("status"));
        Assert.Equal("expired", answer.Str("resultMsg"));
    }

    [Fact]
    public async Task Inquiry_Cancelled_ReturnsStatus4CanceledWithCancelAmt()
    {
        var tx = await sandbox.RegisterAsync();
        Assert.Equal("0000", (await sandbox.CancelAsync(tx)).Str("resultCd"));

        var answer = await sandbox.InquireAsync(tx);

        Assert.Equal("4", answer.Str("status"));
        Assert.Equal("canceled", answer.Str("resultMsg"));
        Assert.Equal("150000", answer.Str("cancelAmt"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task Inquiry_EmptyTXid_FindsNewestTransactionOfThatReferenceNo(string? tXid)
    {
        var first = await sandbox.RegisterAsync(iMid: Wire.NoDupIMid, key: Wire.NoDupKey);
        var second = await sandbox.RegisterAsync(iMid: Wire.NoDupIMid, key: Wire.NoDupKey, referenceNo: first.ReferenceNo);
        var body = Wire.Inquiry(tXid, first.ReferenceNo, first.Amount, Wire.NoDupIMid, Wire.NoDupKey);
        if (tXid is null)
        {
            body.Remove("tXid");
        }

        var answer = await sandbox.PostNicepayAsync("inquiry", body);

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal(second.TXid, answer.Str("tXid"));
    }

    [Fact]
    public async Task Inquiry_EmptyTXidForUnknownReferenceNo_Returns9528()
    {
        var answer = await sandbox.PostNicepayAsync("inquiry", Wire.Inquiry("", Wire.NewReference(), 150_000));

        Assert.Equal("9528", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Inquiry_UnknownTXid_Returns9528()
    {
        var answer = await sandbox.PostNicepayAsync("inquiry", Wire.Inquiry("IONPAYTEST03202503101000009999", "ORD1", 150_000));

        Assert.Equal("9528", answer.Str("resultCd"));
    }

    [Theory]
    [InlineData("referenceNo")]
    [InlineData("amt")]
    public async Task Inquiry_FieldNotMatchingTXid_Returns9528(string field)
    {
        var tx = await sandbox.RegisterAsync();
        var body = field == "amt"
            ? Wire.Inquiry(tx.TXid, tx.ReferenceNo, tx.Amount + 1)
            : Wire.Inquiry(tx.TXid, tx.ReferenceNo + "X", tx.Amount);

        var answer = await sandbox.PostNicepayAsync("inquiry", body);

        Assert.Equal("9528", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Inquiry_AnotherMerchantsTXid_Returns9528()
    {
        var tx = await sandbox.RegisterAsync();

        var answer = await sandbox.PostNicepayAsync("inquiry", Wire.Inquiry(tx.TXid, tx.ReferenceNo, tx.Amount, Wire.NoDupIMid, Wire.NoDupKey));

        Assert.Equal("9528", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Inquiry_TokenOverTXidInsteadOfReferenceNo_Returns9010()
    {
        var tx = await sandbox.RegisterAsync();
        var body = Wire.Inquiry(tx.TXid, tx.ReferenceNo, tx.Amount);
        body["merchantToken"] = Wire.Sha256(Wire.TimeStamp, Wire.IMid, tx.TXid, "150000", Wire.Key);

        var answer = await sandbox.PostNicepayAsync("inquiry", body);

        Assert.Equal("9010", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Inquiry_UnknownIMid_Returns9011()
    {
        var answer = await sandbox.PostNicepayAsync("inquiry", Wire.Inquiry("", "ORD1", 150_000, "UNKNOWN001"));

        Assert.Equal("9011", answer.Str("resultCd"));
    }
}
