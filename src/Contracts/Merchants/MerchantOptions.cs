namespace Orchestrator.Contracts.Merchants;

/// <summary>
/// One merchant, bound from <c>Merchants:{merchantId}</c> (environment: <c>Merchants__{merchantId}__ApiKey</c>, …).
/// Validated at start-up by the Silo.
/// </summary>
public sealed class MerchantOptions
{
    /// <summary>The name the customer tells the cashier ("NICEPAY + merchant name").</summary>
    public string Name { get; set; } = "";

    /// <summary>The merchant's API key (Bearer token for the merchant API).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Where checkout events are POSTed; none configured means events are recorded but not sent.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>The Standard Webhooks signing secret, <c>whsec_</c> followed by base64.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The merchant's NICEPAY credentials.</summary>
    public MerchantNicepayOptions Nicepay { get; set; } = new();
}

/// <summary>A merchant's account at NICEPAY, bound from <c>Merchants:{merchantId}:Nicepay</c>.</summary>
public sealed class MerchantNicepayOptions
{
    /// <summary>NICEPAY merchant id (<c>iMid</c>), 10 characters.</summary>
    public string IMid { get; set; } = "";

    /// <summary>NICEPAY merchant key. A secret: never logged.</summary>
    public string MerchantKey { get; set; } = "";

    /// <summary>
    /// Whether NICEPAY's duplicate-reference check (<c>ORD_NO_DUP_CHK_FLG</c>) is on for this iMid. Only then may a
    /// registration whose outcome is unknown be sent again: NICEPAY refuses the copy (9009) instead of issuing a
    /// second payment code. On by default, as NICEPAY recommends; confirm it with NICEPAY for each production iMid.
    /// </summary>
    public bool DuplicateReferenceCheck { get; set; } = true;
}

/// <summary>All merchants, keyed by merchant id (the <c>Merchants</c> configuration section).</summary>
public sealed class MerchantsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Merchants";

    /// <summary>Merchants by id. Ids are lowercase letters, digits, '-' and '_'.</summary>
    public Dictionary<string, MerchantOptions> Merchants { get; } = new(StringComparer.Ordinal);
}
