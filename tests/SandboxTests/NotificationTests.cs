using System.Net;
using System.Text.Json;
using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

public sealed class NotificationTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Pay_Indomaret_PostsDocumentedFormWithValidToken()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "INDO");
        var receipt = await sandbox.PayOkAsync(tx);

        var post = Assert.Single(await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1));

        Assert.Equal("application/x-www-form-urlencoded", post.ContentType?.Split(';')[0]);
        Assert.Equal("Jakarta Commons-HttpClient/3.1", post.UserAgent);
        var form = post.Form;
        Assert.Equal(tx.TXid, form["tXid"]);
        Assert.Equal(Wire.Sha256(Wire.IMid, tx.TXid, "150000", Wire.Key), form["merchantToken"]);
        Assert.Equal(tx.ReferenceNo, form["referenceNo"]);
        Assert.Equal("03", form["payMethod"]);
        Assert.Equal("INDO", form["mitraCd"]);
        Assert.Equal(tx.PayNo, form["payNo"]);
        Assert.Equal(tx.Response.Str("payValidDt"), form["payValidDt"]);
        Assert.Equal(tx.Response.Str("payValidTm"), form["payValidTm"]);
        Assert.Equal("150000", form["amt"]);
        Assert.Equal(tx.Response.Str("transDt"), form["transDt"]);
        Assert.Equal(tx.Response.Str("transTm"), form["transTm"]);
        Assert.Equal("IDR", form["currency"]);
        Assert.Equal("Test Transaction", form["goodsNm"]);
        Assert.Equal("John Doe", form["billingNm"]);
        Assert.Equal("1", form["matchCl"]);
        Assert.Equal("0", form["status"]);
        Assert.Equal(receipt.Str("receiptCode"), form["receiptCode"]);
        var paidAt = receipt.GetProperty("paidAt").GetDateTimeOffset();
        Assert.Equal(SandboxFixture.Jakarta(paidAt, "yyyyMMdd"), form["depositDt"]);
        Assert.Equal(SandboxFixture.Jakarta(paidAt, "HHmmss"), form["depositTm"]);
    }

    [Fact]
    public async Task Pay_Indomaret_LedgerRecordsTheDelivery()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.PayOkAsync(tx);

        var ledger = await sandbox.WaitForTransactionAsync(tx.TXid, t => Delivered(t, 1), "the notification to be delivered");

        var notification = Assert.Single(ledger.GetProperty("notifications").EnumerateArray());
        Assert.StartsWith("ntf-", notification.Str("id"), StringComparison.Ordinal);
        Assert.Equal("deposit", notification.Str("kind"));
        Assert.Equal("delivered", notification.Str("state"));
        Assert.Equal(sandbox.NotifyUrl("ok", tx.NotifyKey), notification.Str("url"));
        Assert.Equal(tx.TXid, notification.GetProperty("fields").Str("tXid"));
        var attempt = Assert.Single(notification.GetProperty("attempts").EnumerateArray());
        Assert.Equal(200, attempt.GetProperty("httpStatus").GetInt32());
        Assert.True(attempt.GetProperty("elapsedMs").GetInt64() >= 0);
    }

    [Fact]
    public async Task Pay_Alfamart_NotifiesOnlyWhenTheCommitWindowEnds()
    {
        var tx = await sandbox.RegisterAsync(mitraCd: "ALMA");
        await sandbox.PayOkAsync(tx, "alfamart");
        var during = await sandbox.GetTransactionAsync(tx.TXid);

        sandbox.Time.Advance(TimeSpan.FromSeconds(2));
        var post = Assert.Single(await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1));

        Assert.Equal("ready-to-commit", during.Str("statusName"));
        Assert.Equal(0, during.Count("notifications"));
        Assert.Equal("ALMA", post.Form["mitraCd"]);
        var commitAt = sandbox.Time.GetUtcNow();
        Assert.Equal(SandboxFixture.Jakarta(commitAt, "HHmmss"), post.Form["depositTm"]);
    }

    [Fact]
    public async Task Notification_ReceiverAnswers500_IsRecordedAsFailedWithoutRetryByDefault()
    {
        var tx = await sandbox.RegisterAsync(scenario: "fail");
        await sandbox.PayOkAsync(tx);

        var ledger = await sandbox.WaitForTransactionAsync(
            tx.TXid, t => t.GetProperty("notifications").EnumerateArray().Any(n => n.Str("state") == "failed"), "the notification to fail");

        var notification = ledger.GetProperty("notifications")[0];
        Assert.False(notification.GetProperty("delivered").GetBoolean());
        var attempt = Assert.Single(notification.GetProperty("attempts").EnumerateArray());
        Assert.Equal(500, attempt.GetProperty("httpStatus").GetInt32());
        Assert.Single(sandbox.Receiver.For(tx.NotifyKey));
    }

    [Fact]
    public async Task Notification_ReceiverUnreachable_RecordsTheError()
    {
        var tx = await sandbox.RegisterAsync(tweak: b => b["dbProcessUrl"] = "http://127.0.0.1:1/unreachable");
        await sandbox.PayOkAsync(tx);

        var ledger = await sandbox.WaitForTransactionAsync(
            tx.TXid, t => t.GetProperty("notifications").EnumerateArray().Any(n => n.Str("state") == "failed"), "the notification to fail");

        var attempt = ledger.GetProperty("notifications")[0].GetProperty("attempts")[0];
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("httpStatus").ValueKind);
        Assert.False(string.IsNullOrEmpty(attempt.Str("error")));
    }

    [Fact]
    public async Task ResendNotification_PaidTransaction_SendsTheDepositAgain()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.PayOkAsync(tx);
        await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1);

        using var response = await sandbox.Client.PostAsync($"/sandbox/transactions/{tx.TXid}/notifications", null);
        var queued = await response.Content.ReadFromJsonElementAsync();
        var posts = await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 2);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("deposit", queued[0].Str("kind"));
        Assert.Equal(posts[0].Form, posts[1].Form);
    }

    [Fact]
    public async Task ResendNotification_Unpaid_Returns409()
    {
        var tx = await sandbox.RegisterAsync();

        using var response = await sandbox.Client.PostAsync($"/sandbox/transactions/{tx.TXid}/notifications", null);

        await StoreCounterTests.AssertProblemAsync(response, HttpStatusCode.Conflict, "not-paid");
    }

    [Fact]
    public async Task Reversal_PaidTransaction_NotifiesStatus1AndLedgerShowsReversed()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.PayOkAsync(tx);
        await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1);

        using var response = await sandbox.Client.PostAsync($"/sandbox/transactions/{tx.TXid}/reversal", null);
        var posts = await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 2);
        var inquiry = await sandbox.InquireAsync(tx);
        using var payAgain = await sandbox.PayAsync("indomaret", tx.PayNo, tx.Amount);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reversed", (await response.Content.ReadFromJsonElementAsync()).Str("statusName"));
        Assert.Equal("1", posts[1].Form["status"]);
        Assert.Equal(tx.TXid, posts[1].Form["tXid"]);
        Assert.Equal(Wire.Sha256(Wire.IMid, tx.TXid, "150000", Wire.Key), posts[1].Form["merchantToken"]);
        Assert.Equal("1", inquiry.Str("status"));
        Assert.Equal("reversal", inquiry.Str("resultMsg"));
        await StoreCounterTests.AssertProblemAsync(payAgain, HttpStatusCode.Conflict, "reversed");
    }

    [Fact]
    public async Task Reversal_Unpaid_Returns409()
    {
        var tx = await sandbox.RegisterAsync();

        using var response = await sandbox.Client.PostAsync($"/sandbox/transactions/{tx.TXid}/reversal", null);

        await StoreCounterTests.AssertProblemAsync(response, HttpStatusCode.Conflict, "not-paid");
    }

    [Fact]
    public async Task Expiry_IsNotNotified()
    {
        var tx = await sandbox.RegisterAsync();

        sandbox.Time.Advance(TimeSpan.FromDays(8));
        var inquiry = await sandbox.InquireAsync(tx);

        Assert.Equal("4", inquiry.Str("status"));
        Assert.Equal(0, (await sandbox.GetTransactionAsync(tx.TXid)).Count("notifications"));
        Assert.Empty(sandbox.Receiver.For(tx.NotifyKey));
    }

    internal static bool Delivered(JsonElement transaction, int count) =>
        transaction.GetProperty("notifications").EnumerateArray().Count(n => n.GetProperty("delivered").GetBoolean()) >= count;
}

public sealed class RetryTests(RetryFixture sandbox) : IClassFixture<RetryFixture>
{
    [Fact]
    public async Task Notification_ReceiverKeepsFailing_IsRetriedPerScheduleThenGivenUp()
    {
        var tx = await sandbox.RegisterAsync(scenario: "fail");
        await sandbox.PayOkAsync(tx);

        await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1);
        var afterFirst = await sandbox.WaitForTransactionAsync(tx.TXid, t => State(t) == "retry-scheduled", "a retry to be scheduled");
        await AdvanceUntilPostsAsync(tx.NotifyKey, 2, TimeSpan.FromSeconds(5));
        await AdvanceUntilPostsAsync(tx.NotifyKey, 3, TimeSpan.FromSeconds(5));
        var final = await sandbox.WaitForTransactionAsync(tx.TXid, t => State(t) == "failed", "the notification to be given up");

        Assert.Single(afterFirst.GetProperty("notifications")[0].GetProperty("attempts").EnumerateArray());
        var attempts = final.GetProperty("notifications")[0].GetProperty("attempts").EnumerateArray().ToArray();
        Assert.Equal([500, 500, 500], attempts.Select(a => a.GetProperty("httpStatus").GetInt32()));
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b.GetProperty("at").GetDateTimeOffset() - a.GetProperty("at").GetDateTimeOffset()).ToArray();
        Assert.True(gaps[0] >= TimeSpan.FromSeconds(5), $"first retry after {gaps[0]}");
        Assert.True(gaps[1] >= TimeSpan.FromSeconds(30), $"second retry after {gaps[1]}");
        Assert.Equal(3, sandbox.Receiver.For(tx.NotifyKey).Count);
    }

    [Fact]
    public async Task Notification_ReceiverRecovers_IsDeliveredOnRetry()
    {
        var tx = await sandbox.RegisterAsync(scenario: "flaky-1");
        await sandbox.PayOkAsync(tx);

        await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1);
        await AdvanceUntilPostsAsync(tx.NotifyKey, 2, TimeSpan.FromSeconds(5));
        var ledger = await sandbox.WaitForTransactionAsync(tx.TXid, t => State(t) == "delivered", "the retry to be delivered");

        Assert.Equal(
            [500, 200],
            ledger.GetProperty("notifications")[0].GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("httpStatus").GetInt32()));
    }

    private static string? State(JsonElement transaction) =>
        transaction.GetProperty("notifications").GetArrayLength() == 0 ? null : transaction.GetProperty("notifications")[0].Str("state");

    /// <summary>Steps the clock until the receiver has <paramref name="count"/> posts (the retry's wait starts just after the failed attempt is recorded).</summary>
    private async Task AdvanceUntilPostsAsync(string key, int count, TimeSpan step)
    {
        var waiting = sandbox.Receiver.WaitForCountAsync(key, count);
        await sandbox.AdvanceUntilCompletedAsync(waiting, step);
    }
}
