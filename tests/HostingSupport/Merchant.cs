namespace Orchestrator.HostingSupport;

/// <summary>A merchant as configured in the test host: its API key, its NICEPAY iMid and key, its webhook secret.</summary>
public sealed record Merchant(string Id, string Name, string ApiKey, string IMid, string MerchantKey, string WebhookSecret)
{
    public override string ToString() => Id;
}
