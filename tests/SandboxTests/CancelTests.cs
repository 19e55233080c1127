using System.Net;
using System.Text.Json;
using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

public sealed class CancelTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Cancel_Unpaid_SucceedsAndTheNumberCannotBePaid()
    {
        var tx = await sandbox.RegisterAsync();

        var answer = await sandbox.CancelAsync(tx);
        using var payment = await sandbox.PayAsync("indomaret", tx.PayNo, tx.Amount);

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal("SUCCESS", answer.Str("resultMsg"));
        Assert.Equal(tx.TXid, answer.Str("tXid"));
        Assert.Equal(tx.ReferenceNo, answer.Str("referenceNo"));
        Assert.Equal(tx.Response.Str("transDt"), answer.Str("transDt"));
        Assert.Equal(tx.Response.Str("transTm"), answer.Str("transTm"));
        Assert.Equal("Request Cancel", answer.Str("description"));
        Assert.Equal("150000", answer.Str("amt"));
        Assert.Equal(HttpStatusCode.Conflict, payment.StatusCode);
        Assert.Equal("cancelled", (await payment.Content.ReadFromJsonElementAsync()).Str("reason"));
        var ledger = await sandbox.GetTransactionAsync(tx.TXid);
        Assert.Equal("cancelled", ledger.Str("statusName"));
        Assert.Equal(150_000, ledger.GetProperty("cancelAmount").GetInt64());
    }

    [Fact]
    public async Task Cancel_Paid_Returns9326()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.PayOkAsync(tx);

        var answer = await sandbox.CancelAsync(tx);

        Assert.Equal("9326", answer.Str("resultCd"));
        Assert.Equal("0", (await sandbox.InquireAsync(tx)).Str("status"));
    }

    [Fact]
    public async Task Cancel_ReadyToCommit_Returns9326()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "ALMA");
        await sandbox.PayOkAsync(tx, "lawson");

        var answer = await sandbox.CancelAsync(tx);

        Assert.Equal("9326", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Cancel_AlreadyCancelled_Returns9314()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.CancelAsync(tx);

        var answer = await sandbox.CancelAsync(tx);

        Assert.Equal("9314", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Cancel_Expired_Returns9314()
    {
        var tx = await sandbox.RegisterAsync(tweak: b =>
        {
            b["payValidDt"] = SandboxFixture.Jakarta(sandbox.Time.GetUtcNow().AddHours(1), "yyyyMMdd");
            b["payValidTm"] = SandboxFixture.Jakarta(sandbox.Time.GetUtcNow().AddHours(1), "HHmmss");
        });
        sandbox.Time.Advance(TimeSpan.FromHours(1));

        var answer = await sandbox.CancelAsync(tx);

        Assert.Equal("9314", answer.Str("resultCd"));
        Assert.Equal("4", (await sandbox.InquireAsync(tx)).Str("status"));
    }

    [Theory]
    [InlineData(149_999, "9319")]
    [InlineData(150_001, "9319")]
    [InlineData(0, "9321")]
    public async Task Cancel_AmountNotTheTransactionAmount_IsRefused(long amount, string code)
    {
        var tx = await sandbox.RegisterAsync();

        var answer = await sandbox.CancelAsync(tx, amount);

        Assert.Equal(code, answer.Str("resultCd"));
        Assert.Equal("3", (await sandbox.InquireAsync(tx)).Str("status"));
    }

    [Fact]
    public async Task Cancel_AmountWithLetters_Returns9312()
    {
        var tx = await sandbox.RegisterAsync();
        var body = Wire.Cancel(tx.TXid, tx.Amount);
        body["amt"] = "15OOOO";
        body["merchantToken"] = Wire.Sha256(Wire.TimeStamp, Wire.IMid, tx.TXid, "15OOOO", Wire.Key);

        var answer = await sandbox.PostNicepayAsync("cancel", body);

        Assert.Equal("9312", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Cancel_UnknownTXid_Returns9528()
    {
        var answer = await sandbox.PostNicepayAsync("cancel", Wire.Cancel("IONPAYTEST03202503101000001234", 150_000));

        Assert.Equal("9528", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Cancel_TokenOverReferenceNo_Returns9010()
    {
        var tx = await sandbox.RegisterAsync();
        var body = Wire.Cancel(tx.TXid, tx.Amount);
        body["merchantToken"] = Wire.Sha256(Wire.TimeStamp, Wire.IMid, tx.ReferenceNo, "150000", Wire.Key);

        var answer = await sandbox.PostNicepayAsync("cancel", body);

        Assert.Equal("9010", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Cancel_PartialCancelType_Returns9301()
    {
        var tx = await sandbox.RegisterAsync();
        var body = Wire.Cancel(tx.TXid, tx.Amount);
        body["cancelType"] = "2";

        var answer = await sandbox.PostNicepayAsync("cancel", body);

        Assert.Equal("9301", answer.Str("resultCd"));
    }
}

internal static class HttpContentExtensions
{
    public static async Task<JsonElement> ReadFromJsonElementAsync(this HttpContent content) =>
        JsonSerializer.Deserialize<JsonElement>(await content.ReadAsStringAsync());
}
