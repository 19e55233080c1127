using System.Text.Json.Serialization;

namespace Orchestrator.Api.Checkouts;

/// <summary>
/// <c>POST /v1/checkouts</c>: a merchant's request to take a cash payment at a convenience store. Unknown fields are
/// refused so that a typo never silently drops a value.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateCheckoutRequest
{
    /// <summary>The merchant's own order reference: 1–40 of A–Z a–z 0–9 . _ -. Unique per merchant.</summary>
    public string? ReferenceNo { get; init; }

    /// <summary>The amount in whole rupiah.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long? Amount { get; init; }

    /// <summary>The store network: <c>indomaret</c> or <c>alfamart</c> (the Alfa group).</summary>
    public string? Store { get; init; }

    /// <summary>What the customer buys (1–100 characters).</summary>
    public string? GoodsName { get; init; }

    /// <summary>The customer.</summary>
    public CustomerRequest? Customer { get; init; }

    /// <summary>When the payment code stops being payable: ISO 8601 with an offset. Omitted: the configured default.</summary>
    public string? ExpiresAt { get; init; }

    /// <summary>Up to 20 string pairs returned as given (key ≤ 40, value ≤ 500 characters).</summary>
    public Dictionary<string, string?>? Metadata { get; init; }
}

/// <summary>The customer of a checkout. NICEPAY requires a name, a phone number and an e-mail address.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CustomerRequest
{
    /// <summary>The customer's name (1–100 characters).</summary>
    public string? Name { get; init; }

    /// <summary>Digits, 7–15 of them, optionally with a leading +.</summary>
    public string? Phone { get; init; }

    /// <summary>An e-mail address of at most 40 characters (NICEPAY's limit).</summary>
    public string? Email { get; init; }
}
