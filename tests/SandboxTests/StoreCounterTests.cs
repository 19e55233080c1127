using System.Net;
using System.Net.Http.Json;
using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

public sealed class StoreCounterTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task StoreInquiry_UnpaidNumber_ShowsWhatTheCashierNeeds()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "INDO");

        using var response = await sandbox.Client.PostAsJsonAsync("/sandbox/stores/indomaret/inquiry", new { payNo = tx.PayNo });
        var view = await response.Content.ReadFromJsonElementAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(tx.PayNo, view.Str("payNo"));
        Assert.Equal(150_000, view.GetProperty("amount").GetInt64());
        Assert.Equal("Toko Sandbox", view.Str("merchantName"));
        Assert.Equal(Wire.IMid, view.Str("iMid"));
        Assert.Equal(tx.Response.Str("payValidDt"), view.Str("payValidDt"));
        Assert.Equal("3", view.Str("status"));
        Assert.True(view.GetProperty("payable").GetBoolean());
    }

    [Fact]
    public async Task StoreInquiry_AtTheOtherNetwork_IsNotPayable()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "INDO");

        using var response = await sandbox.Client.PostAsJsonAsync("/sandbox/stores/alfamart/inquiry", new { payNo = tx.PayNo });
        var view = await response.Content.ReadFromJsonElementAsync();

        Assert.False(view.GetProperty("payable").GetBoolean());
        Assert.Equal("wrong-store", view.Str("reason"));
    }

    [Fact]
    public async Task StoreInquiry_UnknownNumber_Returns404()
    {
        using var response = await sandbox.Client.PostAsJsonAsync("/sandbox/stores/indomaret/inquiry", new { payNo = "0000000000000000" });

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown-pay-no");
    }

    [Fact]
    public async Task Pay_IndomaretNumberAtIndomaret_ReturnsReceiptAndIsPaidAtOnce()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "INDO");

        var receipt = await sandbox.PayOkAsync(tx, "indomaret");

        Assert.False(string.IsNullOrEmpty(receipt.Str("receiptCode")));
        Assert.Equal(tx.TXid, receipt.Str("tXid"));
        Assert.Equal(tx.PayNo, receipt.Str("payNo"));
        Assert.Equal(150_000, receipt.GetProperty("amount").GetInt64());
        Assert.Equal("indomaret", receipt.Str("store"));
        Assert.Equal(sandbox.Time.GetUtcNow(), receipt.GetProperty("paidAt").GetDateTimeOffset());
        Assert.Equal("0", receipt.Str("status"));
        var ledger = await sandbox.GetTransactionAsync(tx.TXid);
        Assert.Equal("paid", ledger.Str("statusName"));
        Assert.Equal(receipt.Str("receiptCode"), ledger.GetProperty("payments")[0].Str("receiptCode"));
    }

    [Theory]
    [InlineData("alfamart")]
    [InlineData("alfamidi")]
    [InlineData("lawson")]
    [InlineData("dandan")]
    [InlineData("Alfamart")]
    public async Task Pay_AlmaNumberAtAnAlfaGroupStore_IsReadyToCommit(string store)
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "ALMA");

        var receipt = await sandbox.PayOkAsync(tx, store);

        Assert.Equal("5", receipt.Str("status"));
        Assert.Equal(sandbox.Time.GetUtcNow().AddSeconds(2), receipt.GetProperty("commitsAt").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("INDO", "alfamart")]
    [InlineData("INDO", "lawson")]
    [InlineData("ALMA", "indomaret")]
    public async Task Pay_AtTheOtherNetwork_Returns422WrongStore(string mitraCd, string store)
    {
        var tx = await sandbox.RegisterAsync(mitraCd: mitraCd);

        using var response = await sandbox.PayAsync(store, tx.PayNo, tx.Amount);

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "wrong-store");
        Assert.Equal("3", (await sandbox.InquireAsync(tx)).Str("status"));
    }

    [Theory]
    [InlineData(149_999)]
    [InlineData(150_001)]
    [InlineData(0)]
    public async Task Pay_AnyAmountButTheExactOne_Returns422(long amount)
    {
        var tx = await sandbox.RegisterAsync();

        using var response = await sandbox.PayAsync("indomaret", tx.PayNo, amount);

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "amount-mismatch");
    }

    [Fact]
    public async Task Pay_AlreadyPaid_Returns409()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.PayOkAsync(tx);

        using var response = await sandbox.PayAsync("indomaret", tx.PayNo, tx.Amount);

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "already-paid");
    }

    [Fact]
    public async Task Pay_DuringCommitWindow_Returns409AlreadyPaid()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "ALMA");
        await sandbox.PayOkAsync(tx, "alfamart");

        using var response = await sandbox.PayAsync("alfamidi", tx.PayNo, tx.Amount);

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "already-paid");
    }

    [Fact]
    public async Task Pay_Cancelled_Returns409()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.CancelAsync(tx);

        using var response = await sandbox.PayAsync("indomaret", tx.PayNo, tx.Amount);

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "cancelled");
    }

    [Fact]
    public async Task Pay_Expired_Returns409()
    {
        var tx = await sandbox.RegisterAsync();
        sandbox.Time.Advance(TimeSpan.FromDays(7));

        using var response = await sandbox.PayAsync("indomaret", tx.PayNo, tx.Amount);

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "expired");
    }

    [Fact]
    public async Task Pay_UnknownNumber_Returns404()
    {
        using var response = await sandbox.PayAsync("indomaret", "1234567890123456", 150_000);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown-pay-no");
    }

    [Fact]
    public async Task Pay_UnknownStore_Returns404()
    {
        var tx = await sandbox.RegisterAsync();

        using var response = await sandbox.PayAsync("circlek", tx.PayNo, tx.Amount);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown-store");
    }

    [Fact]
    public async Task Pay_WithoutPayNo_Returns400()
    {
        using var response = await sandbox.Client.PostAsJsonAsync("/sandbox/stores/indomaret/payments", new { amount = 150_000 });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task Pay_AtNightWithStoreHoursOff_IsAccepted()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "ALMA");
        sandbox.AdvanceToJakarta(23, 30);

        var receipt = await sandbox.PayOkAsync(tx, "alfamart");

        Assert.Equal("5", receipt.Str("status"));
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        var problem = await response.Content.ReadFromJsonElementAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {problem}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason, problem.Str("reason"));
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.Str("title")));
    }
}

public sealed class StoreHoursTests(StoreHoursFixture sandbox) : IClassFixture<StoreHoursFixture>
{
    [Theory]
    [InlineData("alfamart", 21, 59, true)]
    [InlineData("alfamart", 22, 0, false)]
    [InlineData("alfamidi", 0, 59, false)]
    [InlineData("alfamart", 1, 0, true)]
    [InlineData("indomaret", 22, 30, true)]
    [InlineData("indomaret", 23, 0, false)]
    [InlineData("indomaret", 0, 30, false)]
    [InlineData("indomaret", 1, 0, true)]
    public async Task Pay_AtJakartaTime_FollowsStoreCutOff(string store, int hour, int minute, bool open)
    {
        var tx = await sandbox.RegisterAsync(mitraCd: store == "indomaret" ? "INDO" : "ALMA");
        sandbox.AdvanceToJakarta(hour, minute);

        using var response = await sandbox.PayAsync(store, tx.PayNo, tx.Amount);

        if (open)
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        else
        {
            await StoreCounterTests.AssertProblemAsync(response, HttpStatusCode.Conflict, "store-closed");
        }
    }

    [Fact]
    public async Task StoreInquiry_WhileClosed_IsNotPayable()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "ALMA");
        sandbox.AdvanceToJakarta(22, 15);

        using var response = await sandbox.Client.PostAsJsonAsync("/sandbox/stores/alfamart/inquiry", new { payNo = tx.PayNo });
        var view = await response.Content.ReadFromJsonElementAsync();

        Assert.False(view.GetProperty("payable").GetBoolean());
        Assert.Equal("store-closed", view.Str("reason"));
    }
}
