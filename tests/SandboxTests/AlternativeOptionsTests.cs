using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

/// <summary>The configurable readings of what NICEPAY leaves unconfirmed, switched the other way.</summary>
public sealed class AlternativeOptionsTests(AlternativeOptionsFixture sandbox) : IClassFixture<AlternativeOptionsFixture>
{
    [Fact]
    public async Task Inquiry_EmptyTXidWhenInquiryByReferenceNoOff_Returns9528()
    {
        var tx = await sandbox.RegisterAsync();

        var answer = await sandbox.PostNicepayAsync("inquiry", Wire.Inquiry("", tx.ReferenceNo, tx.Amount));

        Assert.Equal("9528", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Inquiry_CancelledWithConfiguredStatus_ReturnsThatStatus()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.CancelAsync(tx);

        var answer = await sandbox.InquireAsync(tx);

        Assert.Equal("2", answer.Str("status"));
        Assert.Equal("canceled", answer.Str("resultMsg"));
    }

    [Fact]
    public async Task Pay_AlfamartWithCommitWindowOff_IsPaidAtOnceAndNotified()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "ALMA");

        var receipt = await sandbox.PayOkAsync(tx, "alfamart");
        var post = Assert.Single(await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1));

        Assert.Equal("0", receipt.Str("status"));
        Assert.Equal("0", (await sandbox.InquireAsync(tx)).Str("status"));
        Assert.Equal("0", post.Form["status"]);
    }

    [Fact]
    public async Task Register_MerchantDefaultValidity_OverridesTheGlobalOne()
    {
        var now = sandbox.Time.GetUtcNow();

        var tx = await sandbox.RegisterAsync();

        Assert.Equal(SandboxFixture.Jakarta(now.AddDays(1), "yyyyMMddHHmmss"), tx.Response.Str("payValidDt") + tx.Response.Str("payValidTm"));
    }

    [Fact]
    public async Task Register_BelowConfiguredMinimum_Returns9509()
    {
        var answer = await sandbox.PostNicepayAsync(
            "registration", Wire.Registration(Wire.NewReference(), sandbox.NotifyUrl("ok", "min"), amount: 49_999));

        Assert.Equal("9509", answer.Str("resultCd"));
    }
}

public sealed class AlternativeOptionsFixture : SandboxFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Sandbox:InquiryByReferenceNo"] = "false";
        settings["Sandbox:CancelledInquiryStatus"] = "2";
        settings["Sandbox:ReadyToCommitWindow"] = "00:00:00";
        settings["Sandbox:MinimumAmount"] = "50000";
        settings[$"Sandbox:Merchants:{Wire.IMid}:DefaultValidity"] = "1.00:00:00";
    }
}
