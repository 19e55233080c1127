using System.Net;
using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

public sealed class LedgerTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task GetTransaction_AfterPayment_ShowsTheSandboxTruth()
    {
        var created = sandbox.Time.GetUtcNow();
        var tx = await sandbox.RegisterAsync(mitraCd: "INDO", amount: 275_000);
        sandbox.Time.Advance(TimeSpan.FromMinutes(5));
        var receipt = await sandbox.PayOkAsync(tx);

        var ledger = await sandbox.WaitForTransactionAsync(tx.TXid, t => NotificationTests.Delivered(t, 1), "the deposit notification");

        Assert.Equal(tx.TXid, ledger.Str("tXid"));
        Assert.Equal(Wire.IMid, ledger.Str("iMid"));
        Assert.Equal("Toko Sandbox", ledger.Str("merchantName"));
        Assert.Equal(tx.ReferenceNo, ledger.Str("referenceNo"));
        Assert.Equal(275_000, ledger.GetProperty("amount").GetInt64());
        Assert.Equal("INDO", ledger.Str("mitraCd"));
        Assert.Equal(tx.PayNo, ledger.Str("payNo"));
        Assert.Equal("0", ledger.Str("status"));
        Assert.Equal("paid", ledger.Str("statusName"));
        Assert.Equal(created, ledger.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(created.AddDays(7), ledger.GetProperty("validUntil").GetDateTimeOffset());
        Assert.EndsWith("+07:00", ledger.Str("createdAt"), StringComparison.Ordinal);
        Assert.Equal(created.AddMinutes(5), ledger.GetProperty("paidAt").GetDateTimeOffset());
        Assert.Equal(1, ledger.GetProperty("registrationRequests").GetInt32());
        Assert.Equal(receipt.Str("receiptCode"), Assert.Single(ledger.GetProperty("payments").EnumerateArray()).Str("receiptCode"));
        Assert.Equal("deposit", Assert.Single(ledger.GetProperty("notifications").EnumerateArray()).Str("kind"));
    }

    [Fact]
    public async Task ListTransactions_Filtered_ReturnsMatchesNewestFirst()
    {
        var unpaid = await sandbox.RegisterAsync(iMid: Wire.NoDupIMid, key: Wire.NoDupKey);
        var paid = await sandbox.RegisterAsync(iMid: Wire.NoDupIMid, key: Wire.NoDupKey, referenceNo: unpaid.ReferenceNo);
        var cancelled = await sandbox.RegisterAsync(iMid: Wire.NoDupIMid, key: Wire.NoDupKey, referenceNo: unpaid.ReferenceNo);
        await sandbox.PayOkAsync(paid);
        Assert.Equal("0000", (await sandbox.PostNicepayAsync("cancel", Wire.Cancel(cancelled.TXid, cancelled.Amount, Wire.NoDupIMid, Wire.NoDupKey))).Str("resultCd"));
        var query = $"/sandbox/transactions?iMid={Wire.NoDupIMid}&referenceNo={unpaid.ReferenceNo}";

        var all = await sandbox.GetJsonAsync(query);
        var byName = await sandbox.GetJsonAsync(query + "&status=paid");
        var byCode = await sandbox.GetJsonAsync(query + "&status=3");
        var cancelledOnly = await sandbox.GetJsonAsync(query + "&status=cancelled");

        Assert.Equal([cancelled.TXid, paid.TXid, unpaid.TXid], all.EnumerateArray().Select(t => t.Str("tXid")));
        Assert.Equal([paid.TXid], byName.EnumerateArray().Select(t => t.Str("tXid")));
        Assert.Equal([unpaid.TXid], byCode.EnumerateArray().Select(t => t.Str("tXid")));
        Assert.Equal([cancelled.TXid], cancelledOnly.EnumerateArray().Select(t => t.Str("tXid")));
        Assert.All(all.EnumerateArray(), t => Assert.Equal(3, t.GetProperty("registrationRequests").GetInt32()));
    }

    [Fact]
    public async Task GetTransaction_Unknown_Returns404()
    {
        using var response = await sandbox.Client.GetAsync("/sandbox/transactions/IONPAYTEST03202503101000000000");

        await StoreCounterTests.AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown-txid");
    }

    [Fact]
    public async Task ListRegistrations_RejectedRequests_AreCountedByOutcome()
    {
        var referenceNo = Wire.NewReference();
        var body = Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "count"));
        var badToken = new Dictionary<string, object?>(body) { ["merchantToken"] = "0" };

        await sandbox.PostNicepayAsync("registration", badToken);
        await sandbox.PostNicepayAsync("registration", body);
        await sandbox.PostNicepayAsync("registration", body);

        var counter = Assert.Single((await sandbox.GetJsonAsync($"/sandbox/registrations?referenceNo={referenceNo}")).EnumerateArray());
        Assert.Equal(3, counter.GetProperty("received").GetInt32());
        Assert.Equal(1, counter.GetProperty("results").GetProperty("9010").GetInt32());
        Assert.Equal(1, counter.GetProperty("results").GetProperty("0000").GetInt32());
        Assert.Equal(1, counter.GetProperty("results").GetProperty("9009").GetInt32());
        Assert.Single(counter.GetProperty("tXids").EnumerateArray());
    }
}
