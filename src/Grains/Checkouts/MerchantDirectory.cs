using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Merchants;

namespace Orchestrator.Grains.Checkouts;

/// <summary>Looks up a merchant's configuration (NICEPAY credentials, webhook endpoint) by merchant id.</summary>
public sealed class MerchantDirectory(IOptionsMonitor<MerchantsOptions> options)
{
    /// <summary>The merchant, or null when none is configured under that id.</summary>
    public MerchantOptions? Find(string merchantId) =>
        options.CurrentValue.Merchants.TryGetValue(merchantId, out var merchant) ? merchant : null;

    /// <summary>The merchant; throws when it is not configured (a checkout exists for it, so configuration lost it).</summary>
    public MerchantOptions Get(string merchantId) =>
        Find(merchantId) ?? throw new InvalidOperationException($"Merchant '{merchantId}' is not configured.");
}
