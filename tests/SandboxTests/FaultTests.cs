using System.Net;
using System.Text.Json;
using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

/// <summary>Each fault kind, matched to its own transaction so the tests cannot disturb one another.</summary>
public sealed class FaultTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static readonly TimeSpan ShortClientTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Registration_SlowFault_AnswersNormallyAfterTheDelay()
    {
        var referenceNo = Wire.NewReference();
        var fault = await sandbox.AddFaultAsync(new { operation = "registration", kind = "slow", delayMs = 5000, count = 1, match = new { referenceNo } });

        var pending = sandbox.PostNicepayAsync("registration", Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "slow")));
        await sandbox.WaitForFaultFiredAsync(fault.Str("id")!);
        Assert.False(pending.IsCompleted, "a slow answer must wait for the clock");
        var answer = await sandbox.AdvanceUntilCompletedAsync(pending, TimeSpan.FromSeconds(5));

        Assert.Equal("0000", answer.Str("resultCd"));
    }

    [Fact]
    public async Task Registration_TimeoutFault_HoldsUntilTheClientGivesUpAndRegistersNothing()
    {
        var referenceNo = Wire.NewReference();
        await sandbox.AddFaultAsync(new { operation = "registration", kind = "timeout", count = 1, match = new { referenceNo } });
        using var client = sandbox.ClientWithTimeout(ShortClientTimeout);

        await Assert.ThrowsAnyAsync<TaskCanceledException>(
            () => sandbox.SendNicepayAsync("registration", Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "t")), client: client));

        var counter = Assert.Single((await sandbox.GetJsonAsync($"/sandbox/registrations?referenceNo={referenceNo}")).EnumerateArray());
        Assert.Equal(1, counter.GetProperty("results").GetProperty("fault:timeout").GetInt32());
        Assert.Equal(0, counter.GetProperty("created").GetInt32());
        Assert.Equal(0, (await sandbox.GetJsonAsync($"/sandbox/transactions?referenceNo={referenceNo}")).GetArrayLength());
    }

    [Fact]
    public async Task Registration_TimeoutFaultWithDelay_DropsTheConnectionWhenTheHoldEnds()
    {
        var referenceNo = Wire.NewReference();
        var fault = await sandbox.AddFaultAsync(new { operation = "registration", kind = "timeout", delayMs = 30_000, count = 1, match = new { referenceNo } });

        var pending = sandbox.SendNicepayAsync("registration", Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "t")));
        await sandbox.WaitForFaultFiredAsync(fault.Str("id")!);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sandbox.AdvanceUntilCompletedAsync(pending, TimeSpan.FromSeconds(30)));
        Assert.Equal(0, (await sandbox.GetJsonAsync($"/sandbox/transactions?referenceNo={referenceNo}")).GetArrayLength());
    }

    [Fact]
    public async Task Registration_TimeoutAfterCommitFault_RegistersButTheAnswerIsLost()
    {
        var referenceNo = Wire.NewReference();
        await sandbox.AddFaultAsync(new { operation = "registration", kind = "timeout-after-commit", count = 1, match = new { referenceNo } });
        var body = Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "tac"));
        using var client = sandbox.ClientWithTimeout(ShortClientTimeout);

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => sandbox.SendNicepayAsync("registration", body, client: client));
        var retry = await sandbox.PostNicepayAsync("registration", body);
        var recovered = await sandbox.PostNicepayAsync("inquiry", Wire.Inquiry("", referenceNo, 150_000));

        Assert.Equal("9009", retry.Str("resultCd"));
        Assert.Equal("0000", recovered.Str("resultCd"));
        Assert.Equal("3", recovered.Str("status"));
        var stored = await sandbox.GetJsonAsync($"/sandbox/transactions?referenceNo={referenceNo}");
        Assert.Equal(recovered.Str("tXid"), Assert.Single(stored.EnumerateArray()).Str("tXid"));
    }

    [Fact]
    public async Task Registration_ResetAfterCommitFault_DropsTheConnectionAfterRegistering()
    {
        var referenceNo = Wire.NewReference();
        await sandbox.AddFaultAsync(new { operation = "registration", kind = "reset-after-commit", count = 1, match = new { referenceNo } });

        await Assert.ThrowsAnyAsync<HttpRequestException>(
            () => sandbox.SendNicepayAsync("registration", Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "r"))));

        var stored = await sandbox.GetJsonAsync($"/sandbox/transactions?referenceNo={referenceNo}");
        Assert.Equal("unpaid", Assert.Single(stored.EnumerateArray()).Str("statusName"));
    }

    [Theory]
    [InlineData(null, 503)]
    [InlineData(502, 502)]
    public async Task Registration_ServerErrorFault_AnswersAnErrorPageAndRegistersNothing(int? httpStatus, int expected)
    {
        var referenceNo = Wire.NewReference();
        await sandbox.AddFaultAsync(new { operation = "registration", kind = "server-error", httpStatus, count = 1, match = new { referenceNo } });

        using var response = await sandbox.SendNicepayAsync("registration", Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "s")));

        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await sandbox.GetJsonAsync($"/sandbox/transactions?referenceNo={referenceNo}")).GetArrayLength());
        var counter = Assert.Single((await sandbox.GetJsonAsync($"/sandbox/registrations?referenceNo={referenceNo}")).EnumerateArray());
        Assert.Equal(1, counter.GetProperty("results").GetProperty($"http-{expected}").GetInt32());
    }

    [Fact]
    public async Task Registration_BusyFaultWithCount1_Returns9002OnceThenRegisters()
    {
        var referenceNo = Wire.NewReference();
        var fault = await sandbox.AddFaultAsync(new { operation = "registration", kind = "busy", count = 1, match = new { referenceNo } });
        var body = Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "b"));

        var first = await sandbox.PostNicepayAsync("registration", body);
        var second = await sandbox.PostNicepayAsync("registration", body);
        var spent = await sandbox.GetJsonAsync($"/sandbox/faults/{fault.Str("id")}");

        Assert.Equal("9002", first.Str("resultCd"));
        Assert.Equal("0000", second.Str("resultCd"));
        Assert.True(spent.GetProperty("spent").GetBoolean());
        Assert.Equal(0, spent.GetProperty("remaining").GetInt32());
        Assert.Equal(1, spent.GetProperty("fired").GetInt32());
    }

    [Fact]
    public async Task Inquiry_FailFault_Answers500()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "inquiry", kind = "fail", count = 1, match = new { tXid = tx.TXid } });

        using var response = await sandbox.SendNicepayAsync("inquiry", Wire.Inquiry(tx.TXid, tx.ReferenceNo, tx.Amount));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task Inquiry_BusyFault_Returns9002()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "inquiry", kind = "busy", count = 1, match = new { tXid = tx.TXid } });

        var answer = await sandbox.InquireAsync(tx);

        Assert.Equal("9002", answer.Str("resultCd"));
        Assert.Equal("0000", (await sandbox.InquireAsync(tx)).Str("resultCd"));
    }

    [Fact]
    public async Task Inquiry_SlowFault_AnswersAfterTheDelay()
    {
        var tx = await sandbox.RegisterAsync();
        var fault = await sandbox.AddFaultAsync(new { operation = "inquiry", kind = "slow", delayMs = 8000, count = 1, match = new { tXid = tx.TXid } });

        var pending = sandbox.InquireAsync(tx);
        await sandbox.WaitForFaultFiredAsync(fault.Str("id")!);
        Assert.False(pending.IsCompleted);
        var answer = await sandbox.AdvanceUntilCompletedAsync(pending, TimeSpan.FromSeconds(8));

        Assert.Equal("3", answer.Str("status"));
    }

    [Fact]
    public async Task Inquiry_TimeoutFault_NeverAnswers()
    {
        var tx = await sandbox.RegisterAsync();
        var fault = await sandbox.AddFaultAsync(new { operation = "inquiry", kind = "timeout", delayMs = 20_000, count = 1, match = new { tXid = tx.TXid } });

        var pending = sandbox.SendNicepayAsync("inquiry", Wire.Inquiry(tx.TXid, tx.ReferenceNo, tx.Amount));
        await sandbox.WaitForFaultFiredAsync(fault.Str("id")!);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sandbox.AdvanceUntilCompletedAsync(pending, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Inquiry_StaleFault_AnswersUnpaidAlthoughPaidAndNotified()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.PayOkAsync(tx);
        var notified = Assert.Single(await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1));
        await sandbox.AddFaultAsync(new { operation = "inquiry", kind = "stale", count = 1, match = new { tXid = tx.TXid } });

        // Found by referenceNo (empty tXid): the fault still matches the tXid the inquiry resolves to.
        var stale = await sandbox.PostNicepayAsync("inquiry", Wire.Inquiry("", tx.ReferenceNo, tx.Amount));
        var fresh = await sandbox.InquireAsync(tx);

        Assert.Equal("0", notified.Form["status"]);
        Assert.Equal("0000", stale.Str("resultCd"));
        Assert.Equal("3", stale.Str("status"));
        Assert.Equal("unpaid", stale.Str("resultMsg"));
        Assert.Null(stale.Str("depositDt"));
        Assert.Equal("0", fresh.Str("status"));
    }

    [Fact]
    public async Task Cancel_FailFault_Answers500AndCancelsNothing()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "cancel", kind = "fail", httpStatus = 504, count = 1, match = new { tXid = tx.TXid } });

        using var response = await sandbox.SendNicepayAsync("cancel", Wire.Cancel(tx.TXid, tx.Amount));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("3", (await sandbox.InquireAsync(tx)).Str("status"));
    }

    [Fact]
    public async Task Cancel_BusyFault_Returns9002AndCancelsNothing()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "cancel", kind = "busy", count = 1, match = new { referenceNo = tx.ReferenceNo } });

        var answer = await sandbox.CancelAsync(tx);

        Assert.Equal("9002", answer.Str("resultCd"));
        Assert.Equal("3", (await sandbox.InquireAsync(tx)).Str("status"));
    }

    [Fact]
    public async Task Cancel_TimeoutFault_NeverAnswersAndCancelsNothing()
    {
        var tx = await sandbox.RegisterAsync();
        var fault = await sandbox.AddFaultAsync(new { operation = "cancel", kind = "timeout", delayMs = 20_000, count = 1, match = new { tXid = tx.TXid } });

        var pending = sandbox.SendNicepayAsync("cancel", Wire.Cancel(tx.TXid, tx.Amount));
        await sandbox.WaitForFaultFiredAsync(fault.Str("id")!);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sandbox.AdvanceUntilCompletedAsync(pending, TimeSpan.FromSeconds(20)));
        Assert.Equal("3", (await sandbox.InquireAsync(tx)).Str("status"));
    }

    [Fact]
    public async Task Cancel_TimeoutAfterCommitFault_CancelsButTheAnswerIsLost()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "cancel", kind = "timeout-after-commit", count = 1, match = new { tXid = tx.TXid } });
        using var client = sandbox.ClientWithTimeout(ShortClientTimeout);

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => sandbox.SendNicepayAsync("cancel", Wire.Cancel(tx.TXid, tx.Amount), client: client));

        Assert.Equal("canceled", (await sandbox.InquireAsync(tx)).Str("resultMsg"));
        Assert.Equal("9314", (await sandbox.CancelAsync(tx)).Str("resultCd"));
    }

    [Fact]
    public async Task Notification_LostFault_IsNotSentAndRecordedAsSuppressed()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "notification", kind = "lost", count = 1, match = new { tXid = tx.TXid } });

        await sandbox.PayOkAsync(tx);
        var ledger = await sandbox.GetTransactionAsync(tx.TXid);
        // The operator resend bypasses faults; once it arrives, nothing else came before it.
        using var resend = await sandbox.Client.PostAsync($"/sandbox/transactions/{tx.TXid}/notifications", null);
        var posts = await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1);

        var lost = Assert.Single(ledger.GetProperty("notifications").EnumerateArray());
        Assert.Equal("suppressed", lost.Str("state"));
        Assert.Equal("lost", lost.Str("fault"));
        Assert.Equal(0, lost.Count("attempts"));
        Assert.Single(posts);
        Assert.Equal("paid", ledger.Str("statusName"));
    }

    [Fact]
    public async Task Notification_DuplicateFault_SendsTheCopies()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "notification", kind = "duplicate", copies = 3, count = 1, match = new { tXid = tx.TXid } });

        await sandbox.PayOkAsync(tx);
        var posts = await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 3);
        var ledger = await sandbox.WaitForTransactionAsync(tx.TXid, t => NotificationTests.Delivered(t, 3), "three deliveries");

        Assert.Equal(3, posts.Count);
        Assert.All(posts, p => Assert.Equal(posts[0].Form, p.Form));
        Assert.All(ledger.GetProperty("notifications").EnumerateArray(), n => Assert.Equal("duplicate", n.Str("fault")));
    }

    [Fact]
    public async Task Notification_DelayFault_SendsOnlyAfterTheDelay()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "notification", kind = "delay", delayMs = 60_000, count = 1, match = new { tXid = tx.TXid } });

        await sandbox.PayOkAsync(tx);
        var waiting = await sandbox.GetTransactionAsync(tx.TXid);
        Assert.Empty(sandbox.Receiver.For(tx.NotifyKey));
        var posts = await sandbox.AdvanceUntilCompletedAsync(sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1), TimeSpan.FromSeconds(60));

        Assert.Equal("delayed", waiting.GetProperty("notifications")[0].Str("state"));
        Assert.Single(posts);
    }

    [Fact]
    public async Task Notification_ReorderFault_IsHeldUntilTheNextNotificationIsSent()
    {
        var first = await sandbox.RegisterAsync();
        var second = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "notification", kind = "reorder", count = 1, match = new { tXid = first.TXid } });

        await sandbox.PayOkAsync(first);
        await sandbox.WaitForTransactionAsync(
            first.TXid, t => t.GetProperty("notifications").GetArrayLength() == 1 && t.GetProperty("notifications")[0].Str("state") == "held", "the notification to be held");
        Assert.Empty(sandbox.Receiver.For(first.NotifyKey));
        await sandbox.PayOkAsync(second);
        var late = Assert.Single(await sandbox.Receiver.WaitForCountAsync(first.NotifyKey, 1));
        var early = Assert.Single(await sandbox.Receiver.WaitForCountAsync(second.NotifyKey, 1));

        Assert.True(early.Sequence < late.Sequence, $"the held notification came #{late.Sequence}, the later payment's #{early.Sequence}");
    }

    [Fact]
    public async Task Notification_ReversalFault_SendsDepositThenReversal()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "notification", kind = "reversal", count = 1, match = new { tXid = tx.TXid } });

        await sandbox.PayOkAsync(tx);
        var posts = await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 2);
        var ledger = await sandbox.GetTransactionAsync(tx.TXid);

        Assert.Equal(["0", "1"], posts.Select(p => p.Form["status"]));
        Assert.All(posts, p => Assert.Equal(tx.TXid, p.Form["tXid"]));
        Assert.Equal("reversed", ledger.Str("statusName"));
        Assert.Equal(["deposit", "reversal"], ledger.GetProperty("notifications").EnumerateArray().Select(n => n.Str("kind")));
        Assert.Equal("1", (await sandbox.InquireAsync(tx)).Str("status"));
    }

    [Theory]
    [InlineData(2, "151000")]
    [InlineData(3, "149000")]
    public async Task Notification_AmountMismatchFault_SendsOtherAmountWithConsistentToken(int matchCl, string amt)
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "notification", kind = "amount-mismatch", matchCl, count = 1, match = new { tXid = tx.TXid } });

        await sandbox.PayOkAsync(tx);
        var post = Assert.Single(await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1));

        Assert.Equal(matchCl.ToString(System.Globalization.CultureInfo.InvariantCulture), post.Form["matchCl"]);
        Assert.Equal(amt, post.Form["amt"]);
        Assert.Equal(Wire.Sha256(Wire.IMid, tx.TXid, amt, Wire.Key), post.Form["merchantToken"]);
    }

    [Fact]
    public async Task Notification_BadTokenFault_SendsATokenThatDoesNotVerify()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "notification", kind = "bad-token", count = 1, match = new { tXid = tx.TXid } });

        await sandbox.PayOkAsync(tx);
        var post = Assert.Single(await sandbox.Receiver.WaitForCountAsync(tx.NotifyKey, 1));

        Assert.NotEqual(Wire.Sha256(Wire.IMid, tx.TXid, "150000", Wire.Key), post.Form["merchantToken"]);
        Assert.Matches("^[0-9a-f]{64}$", post.Form["merchantToken"]);
        Assert.Equal("150000", post.Form["amt"]);
        Assert.Equal("1", post.Form["matchCl"]);
    }

    [Fact]
    public async Task Fault_MatchedByReferenceNo_LeavesOtherRequestsAlone()
    {
        var referenceNo = Wire.NewReference();
        var fault = await sandbox.AddFaultAsync(new { operation = "registration", kind = "busy", match = new { referenceNo, iMid = Wire.IMid } });

        var other = await sandbox.PostNicepayAsync("registration", Wire.Registration(Wire.NewReference(), sandbox.NotifyUrl("ok", "o")));
        var first = await sandbox.PostNicepayAsync("registration", Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "m")));
        var again = await sandbox.PostNicepayAsync("registration", Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "m")));
        using var removed = await sandbox.Client.DeleteAsync($"/sandbox/faults/{fault.Str("id")}");
        var afterRemoval = await sandbox.PostNicepayAsync("registration", Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "m")));

        Assert.Equal("0000", other.Str("resultCd"));
        Assert.Equal("9002", first.Str("resultCd"));
        Assert.Equal("9002", again.Str("resultCd"));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal("0000", afterRemoval.Str("resultCd"));
    }
}

/// <summary>The fault control endpoints themselves; a class (and sandbox) of its own because it clears every rule.</summary>
public sealed class FaultControlTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Faults_AddGetListRemove_RoundTrip()
    {
        using var created = await sandbox.Client.PostAsync(
            "/sandbox/faults",
            new StringContent("""{"operation":"Notification","kind":"DUPLICATE","copies":2,"match":{"referenceNo":"R1"}}"""));
        var rule = await created.Content.ReadFromJsonElementAsync();
        var id = rule.Str("id")!;

        var one = await sandbox.GetJsonAsync($"/sandbox/faults/{id}");
        var all = await sandbox.GetJsonAsync("/sandbox/faults");
        using var deleted = await sandbox.Client.DeleteAsync($"/sandbox/faults/{id}");
        using var gone = await sandbox.Client.GetAsync($"/sandbox/faults/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/sandbox/faults/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("notification", rule.Str("operation"));
        Assert.Equal("duplicate", rule.Str("kind"));
        Assert.Equal("R1", rule.GetProperty("match").Str("referenceNo"));
        Assert.Equal(JsonValueKind.Null, rule.GetProperty("count").ValueKind);
        Assert.Equal(2, one.GetProperty("copies").GetInt32());
        Assert.Contains(all.EnumerateArray(), r => r.Str("id") == id);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await StoreCounterTests.AssertProblemAsync(gone, HttpStatusCode.NotFound, "unknown-fault");
    }

    [Fact]
    public async Task Faults_DeleteAll_RemovesEveryRule()
    {
        await sandbox.AddFaultAsync(new { operation = "inquiry", kind = "busy" });
        await sandbox.AddFaultAsync(new { operation = "cancel", kind = "fail" });

        using var response = await sandbox.Client.DeleteAsync("/sandbox/faults");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, (await sandbox.GetJsonAsync("/sandbox/faults")).GetArrayLength());
    }

    [Fact]
    public async Task Fault_GlobalWithCount_FiresForAnyRequestThenIsSpent()
    {
        var tx = await sandbox.RegisterAsync();
        await sandbox.AddFaultAsync(new { operation = "inquiry", kind = "busy", count = 2 });

        var answers = new[] { await sandbox.InquireAsync(tx), await sandbox.InquireAsync(tx), await sandbox.InquireAsync(tx) };

        Assert.Equal(["9002", "9002", "0000"], answers.Select(a => a.Str("resultCd")));
    }

    [Theory]
    [InlineData("""{"operation":"refund","kind":"busy"}""", "operation")]
    [InlineData("""{"operation":"registration","kind":"stale"}""", "kind")]
    [InlineData("""{"operation":"inquiry"}""", "kind")]
    [InlineData("""{"operation":"inquiry","kind":"busy","count":0}""", "count")]
    [InlineData("""{"operation":"notification","kind":"amount-mismatch","matchCl":4}""", "matchCl")]
    [InlineData("""{"operation":"registration","kind":"server-error","httpStatus":200}""", "httpStatus")]
    [InlineData("""{"operation":"registration","kind":"slow","delayMs":-1}""", "delayMs")]
    [InlineData("not json", "body")]
    public async Task Faults_InvalidRule_Returns400NamingTheField(string json, string field)
    {
        using var response = await sandbox.Client.PostAsync("/sandbox/faults", new StringContent(json));
        var problem = await response.Content.ReadFromJsonElementAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid-request", problem.Str("reason"));
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
