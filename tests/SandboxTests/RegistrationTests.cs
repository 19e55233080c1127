using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

public sealed partial class RegistrationTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    /// <summary>Each rejection NICEPAY documents, as a change to an otherwise valid request (re-signed unless the token is the point).</summary>
    private static readonly Dictionary<string, (Action<Dictionary<string, object?>> Change, bool Resign, string Code)> _rejections = new()
    {
        ["unknown iMid"] = (b => { b["iMid"] = "UNKNOWN001"; }, true, "9011"),
        ["missing iMid"] = (b => b.Remove("iMid"), true, "9011"),
        ["wrong token"] = (b => b["merchantToken"] = Wire.Sha256("something else"), false, "9010"),
        ["token over wrong amount"] = (b => b["merchantToken"] = Wire.Sha256(Wire.TimeStamp, Wire.IMid, (string)b["referenceNo"]!, "1", Wire.Key), false, "9010"),
        ["upper-case token"] = (b => b["merchantToken"] = ((string)b["merchantToken"]!).ToUpperInvariant(), false, "9010"),
        ["missing token"] = (b => b.Remove("merchantToken"), false, "9010"),
        ["payMethod 02"] = (b => b["payMethod"] = "02", true, "9012"),
        ["missing payMethod"] = (b => b.Remove("payMethod"), true, "9012"),
        ["missing amt"] = (b => b.Remove("amt"), true, "9007"),
        ["decimal amt"] = (b => b["amt"] = "150000.00", true, "9008"),
        ["letters in amt"] = (b => b["amt"] = "15O000", true, "9008"),
        ["negative amt"] = (b => b["amt"] = "-150000", true, "9008"),
        ["missing currency"] = (b => b.Remove("currency"), true, "9013"),
        ["currency USD"] = (b => b["currency"] = "USD", true, "9013"),
        ["missing referenceNo"] = (b => b.Remove("referenceNo"), true, "9014"),
        ["referenceNo of 41 characters"] = (b => b["referenceNo"] = new string('R', 41), true, "9507"),
        ["missing goodsNm"] = (b => b.Remove("goodsNm"), true, "9015"),
        ["missing billingNm"] = (b => b["billingNm"] = null, true, "9016"),
        ["missing billingPhone"] = (b => b["billingPhone"] = "", true, "9017"),
        ["missing billingEmail"] = (b => b.Remove("billingEmail"), true, "9018"),
        ["missing dbProcessUrl"] = (b => b.Remove("dbProcessUrl"), true, "9020"),
        ["relative dbProcessUrl"] = (b => b["dbProcessUrl"] = "/notify", true, "9020"),
        ["missing billingCity"] = (b => b.Remove("billingCity"), true, "9025"),
        ["missing billingState"] = (b => b.Remove("billingState"), true, "9026"),
        ["missing billingPostCd"] = (b => b.Remove("billingPostCd"), true, "9027"),
        ["missing billingCountry"] = (b => b.Remove("billingCountry"), true, "9028"),
        ["missing mitraCd"] = (b => b.Remove("mitraCd"), true, "9505"),
        ["unknown mitraCd"] = (b => b["mitraCd"] = "BRIN", true, "9505"),
        ["amount below minimum"] = (b => b["amt"] = "9999", true, "9509"),
        ["letters in payValidDt"] = (b => { b["payValidDt"] = "2025O320"; b["payValidTm"] = "100000"; }, true, "9510"),
        ["payValidTm too short"] = (b => { b["payValidDt"] = "20250320"; b["payValidTm"] = "1000"; }, true, "9511"),
        ["payValidDt without payValidTm"] = (b => b["payValidDt"] = "20250320", true, "9511"),
        ["impossible payValidDt"] = (b => { b["payValidDt"] = "20251340"; b["payValidTm"] = "100000"; }, true, "9510"),
        ["payValid in the past"] = (b => { b["payValidDt"] = "20250310"; b["payValidTm"] = "095959"; }, true, "9510"),
        ["cartData not JSON"] = (b => b["cartData"] = "{count:1", true, "9022"),
        ["cartData sum differs from amt"] = (b => b["cartData"] = CartOf(100_000, 40_000), true, "9023"),
    };

    public static TheoryData<string> Rejections => [.. _rejections.Keys];

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Register_InvalidRequest_ReturnsNicepayErrorCodeAndCreatesNothing(string rejection)
    {
        var (change, resign, code) = _rejections[rejection];
        var referenceNo = Wire.NewReference();
        var body = Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "x"));
        change(body);
        if (resign)
        {
            Wire.SignRegistration(body);
        }

        var answer = await sandbox.PostNicepayAsync("registration", body);

        Assert.Equal(code, answer.Str("resultCd"));
        Assert.False(string.IsNullOrWhiteSpace(answer.Str("resultMsg")));
        Assert.False(answer.TryGetProperty("tXid", out _), $"an error carries only resultCd/resultMsg: {answer}");
        var stored = await sandbox.GetJsonAsync($"/sandbox/transactions?referenceNo={referenceNo}");
        Assert.Equal(0, stored.GetArrayLength());
    }

    [Fact]
    public async Task Register_ValidRequest_ReturnsDocumentedShape()
    {
        var referenceNo = Wire.NewReference();
        var body = Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "shape"), "ALMA", 150_000);
        var now = sandbox.Time.GetUtcNow();

        var answer = await sandbox.PostNicepayAsync("registration", body);

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal("SUCCESS", answer.Str("resultMsg"));
        var tXid = answer.Str("tXid")!;
        Assert.Matches(TXidPattern(), tXid);
        Assert.Equal("IONPAYTEST03" + SandboxFixture.Jakarta(now, "yyyyMMddHHmmss"), tXid[..26]);
        Assert.Equal(referenceNo, answer.Str("referenceNo"));
        Assert.Equal("03", answer.Str("payMethod"));
        Assert.Equal("150000", answer.Str("amt"));
        Assert.Equal(SandboxFixture.Jakarta(now, "yyyyMMdd"), answer.Str("transDt"));
        Assert.Equal(SandboxFixture.Jakarta(now, "HHmmss"), answer.Str("transTm"));
        Assert.Equal("Order " + referenceNo, answer.Str("description"));
        Assert.Equal("IDR", answer.Str("currency"));
        Assert.Equal("Test Transaction", answer.Str("goodsNm"));
        Assert.Equal("John Doe", answer.Str("billingNm"));
        Assert.Equal("ALMA", answer.Str("mitraCd"));
        Assert.Matches(PayNoPattern(), answer.Str("payNo")!);
        Assert.Equal(SandboxFixture.Jakarta(now.AddDays(7), "yyyyMMdd"), answer.Str("payValidDt"));
        Assert.Equal(SandboxFixture.Jakarta(now.AddDays(7), "HHmmss"), answer.Str("payValidTm"));
        foreach (var vaField in new[] { "bankCd", "vacctNo", "vacctValidDt", "vacctValidTm" })
        {
            Assert.Equal(JsonValueKind.Null, answer.GetProperty(vaField).ValueKind);
        }

        foreach (var property in answer.EnumerateObject())
        {
            Assert.True(property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null, $"{property.Name} is {property.Value.ValueKind}");
        }
    }

    [Fact]
    public async Task Register_ExplicitValidity_UsesAndEchoesIt()
    {
        var tx = await sandbox.RegisterAsync(tweak: b =>
        {
            b["payValidDt"] = "20250311";
            b["payValidTm"] = "235959";
        });

        Assert.Equal("20250311", tx.Response.Str("payValidDt"));
        Assert.Equal("235959", tx.Response.Str("payValidTm"));
        var ledger = await sandbox.GetTransactionAsync(tx.TXid);
        Assert.Equal(new DateTimeOffset(2025, 3, 11, 23, 59, 59, TimeSpan.FromHours(7)), ledger.GetProperty("validUntil").GetDateTimeOffset());
    }

    [Fact]
    public async Task Register_WithoutBillingAddr_Succeeds()
    {
        // Decision: NICEPAY's error table has no code for billingAddr, so the sandbox does not require it.
        var tx = await sandbox.RegisterAsync(tweak: b => b.Remove("billingAddr"));

        Assert.Equal("0000", tx.Response.Str("resultCd"));
    }

    [Fact]
    public async Task Register_CartDataAddingUpToAmt_Succeeds()
    {
        var tx = await sandbox.RegisterAsync(amount: 150_000, tweak: b => b["cartData"] = CartOf(100_000, 50_000));

        Assert.Equal("0000", tx.Response.Str("resultCd"));
    }

    [Fact]
    public async Task Register_SameReferenceTwice_Returns9009()
    {
        var first = await sandbox.RegisterAsync();

        var second = await sandbox.PostNicepayAsync("registration", Wire.Registration(first.ReferenceNo, sandbox.NotifyUrl("ok", "dup")));

        Assert.Equal("9009", second.Str("resultCd"));
        var stored = await sandbox.GetJsonAsync($"/sandbox/transactions?referenceNo={first.ReferenceNo}");
        Assert.Equal(1, stored.GetArrayLength());
    }

    [Fact]
    public async Task Register_SameReferenceWithDuplicateCheckOff_CreatesSecondTransaction()
    {
        var first = await sandbox.RegisterAsync(iMid: Wire.NoDupIMid, key: Wire.NoDupKey);

        var second = await sandbox.RegisterAsync(iMid: Wire.NoDupIMid, key: Wire.NoDupKey, referenceNo: first.ReferenceNo);

        Assert.NotEqual(first.TXid, second.TXid);
        Assert.NotEqual(first.PayNo, second.PayNo);
        Assert.StartsWith(Wire.NoDupIMid + "03", second.TXid, StringComparison.Ordinal);
        var stored = await sandbox.GetJsonAsync($"/sandbox/transactions?iMid={Wire.NoDupIMid}&referenceNo={first.ReferenceNo}");
        Assert.Equal([second.TXid, first.TXid], stored.EnumerateArray().Select(t => t.Str("tXid")));
    }

    [Fact]
    public async Task Register_SameReferenceAtAnotherMerchant_IsNotADuplicate()
    {
        var first = await sandbox.RegisterAsync();

        var other = await sandbox.RegisterAsync(iMid: Wire.NoDupIMid, key: Wire.NoDupKey, referenceNo: first.ReferenceNo);

        Assert.NotEqual(first.TXid, other.TXid);
    }

    [Fact]
    public async Task Register_TwentyIdenticalRequestsInParallel_CreatesExactlyOneTransaction()
    {
        var referenceNo = Wire.NewReference();
        var body = Wire.Registration(referenceNo, sandbox.NotifyUrl("ok", "parallel"));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, 20).Select(async _ =>
        {
            await go.Task;
            return await sandbox.PostNicepayAsync("registration", body);
        }).ToArray();

        go.SetResult();
        var answers = await Task.WhenAll(requests);

        Assert.Equal(1, answers.Count(a => a.Str("resultCd") == "0000"));
        Assert.Equal(19, answers.Count(a => a.Str("resultCd") == "9009"));
        var stored = await sandbox.GetJsonAsync($"/sandbox/transactions?referenceNo={referenceNo}");
        Assert.Equal(1, stored.GetArrayLength());
        Assert.Equal(20, stored[0].GetProperty("registrationRequests").GetInt32());
        var registrations = await sandbox.GetJsonAsync($"/sandbox/registrations?iMid={Wire.IMid}&referenceNo={referenceNo}");
        var counter = Assert.Single(registrations.EnumerateArray());
        Assert.Equal(20, counter.GetProperty("received").GetInt32());
        Assert.Equal(1, counter.GetProperty("created").GetInt32());
        Assert.Equal(1, counter.GetProperty("results").GetProperty("0000").GetInt32());
        Assert.Equal(19, counter.GetProperty("results").GetProperty("9009").GetInt32());
    }

    [Fact]
    public async Task Register_ManyInTheSameSecond_GivesUniqueTXidsAndPayNos()
    {
        var registered = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => sandbox.RegisterAsync()));

        Assert.Equal(30, registered.Select(r => r.TXid).Distinct().Count());
        Assert.Equal(30, registered.Select(r => r.PayNo).Distinct().Count());
        Assert.All(registered, r => Assert.Matches(PayNoPattern(), r.PayNo));
        // payNo is random, not derived from the tXid (as the 2018 sandbox's last-12-digits of tXid was).
        Assert.All(registered, r => Assert.False(r.TXid.EndsWith(r.PayNo[^12..], StringComparison.Ordinal)));
    }

    private static string CartOf(params long[] amounts) => JsonSerializer.Serialize(new
    {
        count = amounts.Length.ToString(CultureInfo.InvariantCulture),
        item = amounts.Select((a, i) => new { img_url = "", goods_name = $"Item {i}", goods_detail = "", goods_amt = a.ToString(CultureInfo.InvariantCulture) }),
    });

    [GeneratedRegex("^IONPAYTEST03[0-9]{18}$")]
    private static partial Regex TXidPattern();

    [GeneratedRegex("^[0-9]{16}$")]
    private static partial Regex PayNoPattern();
}
