using Microsoft.Extensions.Configuration;

namespace Orchestrator.Api.Authentication;

/// <summary>Who an API key belongs to.</summary>
public enum ApiKeyOwnerKind
{
    /// <summary>A merchant: the key opens the merchant API for that merchant's checkouts only.</summary>
    Merchant = 0,

    /// <summary>An operator: the key opens the operator API (<c>/ops</c>) and the dashboard.</summary>
    Operator = 1,
}

/// <summary>One API key as configured, with the configuration path it came from (for validation messages).</summary>
/// <param name="Path">The configuration key, e.g. <c>Merchants:acme:ApiKeys:0</c>.</param>
/// <param name="Owner">Merchant or operator.</param>
/// <param name="MerchantId">The merchant id for a merchant key; null for an operator key.</param>
/// <param name="Value">The key itself. A secret: hash it, never log it.</param>
public sealed record ConfiguredApiKey(string Path, ApiKeyOwnerKind Owner, string? MerchantId, string Value)
{
    /// <summary>Shows where the key is configured; the key itself is always redacted.</summary>
    public override string ToString() => $"ConfiguredApiKey {{ Path = {Path}, Owner = {Owner}, MerchantId = {MerchantId}, Value = *** }}";
}

/// <summary>
/// Where API keys live in configuration. Merchant keys: <c>Merchants:{id}:ApiKey</c> and, for rotation,
/// <c>Merchants:{id}:ApiKeys:{n}</c>; operator keys: <c>Operators:ApiKeys:{n}</c>. The one reader used both by
/// authentication and by start-up validation, so the two cannot disagree about which keys exist.
/// </summary>
public static class ApiKeyConfiguration
{
    /// <summary>The section holding the operator keys.</summary>
    public const string OperatorKeysSection = "Operators:ApiKeys";

    /// <summary>The longest key: longer Authorization values are refused before hashing.</summary>
    public const int MaximumKeyLength = 512;

    /// <summary>Reads every non-empty key, merchants first (ordered as configured), then operators.</summary>
    public static IReadOnlyList<ConfiguredApiKey> Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var keys = new List<ConfiguredApiKey>();
        foreach (var merchant in configuration.GetSection("Merchants").GetChildren())
        {
            var single = merchant.GetSection("ApiKey");
            if (!string.IsNullOrEmpty(single.Value))
            {
                keys.Add(new ConfiguredApiKey(single.Path, ApiKeyOwnerKind.Merchant, merchant.Key, single.Value));
            }

            foreach (var rotated in merchant.GetSection("ApiKeys").GetChildren())
            {
                if (!string.IsNullOrEmpty(rotated.Value))
                {
                    keys.Add(new ConfiguredApiKey(rotated.Path, ApiKeyOwnerKind.Merchant, merchant.Key, rotated.Value));
                }
            }
        }

        foreach (var operatorKey in configuration.GetSection(OperatorKeysSection).GetChildren())
        {
            if (!string.IsNullOrEmpty(operatorKey.Value))
            {
                keys.Add(new ConfiguredApiKey(operatorKey.Path, ApiKeyOwnerKind.Operator, null, operatorKey.Value));
            }
        }

        return keys;
    }
}
