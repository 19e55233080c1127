using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orchestrator.NicepaySandbox.Tests.Infrastructure;

/// <summary>
/// Hand-written NICEPAY requests, the way a merchant reading NICEPAY's docs would write them. Tokens are computed here
/// with SHA256 directly, never with the sandbox's code.
/// </summary>
internal static class Wire
{
    public const string IMid = "IONPAYTEST";
    public const string Key = "33F49GnCMS1mFYlGXisbUDzVf2ATWCl9k3R++d5hDd3Frmuos/XLx8XhXpe+LDYAbpGKZYSwtlyyLOtS/8aD7A==";

    /// <summary>A second merchant configured with DuplicateReferenceCheck off.</summary>
    public const string NoDupIMid = "NODUPTEST1";
    public const string NoDupKey = "no-duplicate-check-merchant-key";

    public const string TimeStamp = "20250310100000";

    public static string Sha256(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));

    public static string NewReference() => "T" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>A complete, valid V2 CVS registration body (contract §2.1), signed.</summary>
    public static Dictionary<string, object?> Registration(
        string referenceNo, string dbProcessUrl, string mitraCd = "INDO", long amount = 150_000, string iMid = IMid, string key = Key)
    {
        var body = new Dictionary<string, object?>
        {
            ["timeStamp"] = TimeStamp,
            ["iMid"] = iMid,
            ["payMethod"] = "03",
            ["currency"] = "IDR",
            ["amt"] = amount.ToString(CultureInfo.InvariantCulture),
            ["referenceNo"] = referenceNo,
            ["goodsNm"] = "Test Transaction",
            ["billingNm"] = "John Doe",
            ["billingPhone"] = "081214714045",
            ["billingEmail"] = "email@merchant.com",
            ["billingAddr"] = "Jalan Bukit Berbunga 22",
            ["billingCity"] = "Jakarta",
            ["billingState"] = "DKI Jakarta",
            ["billingPostCd"] = "12345",
            ["billingCountry"] = "Indonesia",
            ["cartData"] = "{}",
            ["mitraCd"] = mitraCd,
            ["payValidDt"] = "",
            ["payValidTm"] = "",
            ["userIP"] = "127.0.0.1",
            ["description"] = "Order " + referenceNo,
            ["dbProcessUrl"] = dbProcessUrl,
        };
        SignRegistration(body, key);
        return body;
    }

    /// <summary>Recomputes the registration/inquiry token over the body's current values, as sent.</summary>
    public static void SignRegistration(Dictionary<string, object?> body, string key = Key) =>
        body["merchantToken"] = Sha256(Raw(body, "timeStamp"), Raw(body, "iMid"), Raw(body, "referenceNo"), Raw(body, "amt"), key);

    public static Dictionary<string, object?> Inquiry(string? tXid, string referenceNo, long amount, string iMid = IMid, string key = Key)
    {
        var amt = amount.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, object?>
        {
            ["timeStamp"] = TimeStamp,
            ["tXid"] = tXid,
            ["iMid"] = iMid,
            ["referenceNo"] = referenceNo,
            ["amt"] = amt,
            ["merchantToken"] = Sha256(TimeStamp, iMid, referenceNo, amt, key),
        };
    }

    public static Dictionary<string, object?> Cancel(string tXid, long amount, string iMid = IMid, string key = Key)
    {
        var amt = amount.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, object?>
        {
            ["timeStamp"] = TimeStamp,
            ["tXid"] = tXid,
            ["iMid"] = iMid,
            ["payMethod"] = "03",
            ["cancelType"] = "1",
            ["cancelMsg"] = "Request Cancel",
            ["amt"] = amt,
            ["merchantToken"] = Sha256(TimeStamp, iMid, tXid, amt, key),
        };
    }

    /// <summary>A field's value as it goes over the wire (a number's digits), or "" when absent.</summary>
    public static string Raw(Dictionary<string, object?> body, string field) => body.GetValueOrDefault(field) switch
    {
        null => "",
        string text => text,
        var other => JsonSerializer.Serialize(other),
    };
}

internal static class JsonElementExtensions
{
    /// <summary>A string property; fails the test with the whole body when it is missing.</summary>
    public static string? Str(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.Null ? null : value.GetString()
            : throw new Xunit.Sdk.XunitException($"Property '{name}' missing in {element}");

    public static int Count(this JsonElement element, string name) => element.GetProperty(name).GetArrayLength();
}
