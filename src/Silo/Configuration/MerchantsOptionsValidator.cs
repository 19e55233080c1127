using Microsoft.Extensions.Options;
using Orchestrator.Api.Authentication;
using Orchestrator.Contracts.Merchants;

namespace Orchestrator.Silo.Configuration;

/// <summary>
/// Checks every merchant at start-up (<c>Merchants:{id}:…</c>). Each message names the key to fix, and all problems are
/// reported at once.
/// </summary>
internal sealed class MerchantsOptionsValidator(IConfiguration configuration) : IValidateOptions<MerchantsOptions>
{
    internal const string WebhookSecretPrefix = "whsec_";

    public ValidateOptionsResult Validate(string? name, MerchantsOptions options)
    {
        var failures = new List<string>();
        if (options.Merchants.Count == 0)
        {
            failures.Add("Merchants: no merchant is configured. Add one, e.g. Merchants:acme:Name, Merchants:acme:ApiKey, "
                + "Merchants:acme:Nicepay:IMid and Merchants:acme:Nicepay:MerchantKey.");
        }

        var keysByMerchant = ApiKeyConfiguration.Read(configuration)
            .Where(key => key.MerchantId is not null)
            .ToLookup(key => key.MerchantId!, StringComparer.OrdinalIgnoreCase);
        var merchantsByIMid = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        foreach (var (id, merchant) in options.Merchants.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var path = $"Merchants:{id}";
            if (!MerchantIds.IsValid(id))
            {
                failures.Add($"{path}: merchant ids must be {MerchantIds.Rule}.");
            }

            if (string.IsNullOrWhiteSpace(merchant.Name))
            {
                failures.Add($"{path}:Name is required (the customer tells the cashier \"NICEPAY <Name>\").");
            }

            if (!keysByMerchant[id].Any())
            {
                failures.Add($"{path}:ApiKey is required (or {path}:ApiKeys:0, … for several keys during rotation).");
            }

            var iMid = merchant.Nicepay.IMid;
            if (string.IsNullOrEmpty(iMid))
            {
                failures.Add($"{path}:Nicepay:IMid is required (the merchant's NICEPAY iMid, 10 letters or digits).");
            }
            else if (iMid.Length != 10 || !iMid.All(char.IsAsciiLetterOrDigit))
            {
                failures.Add($"{path}:Nicepay:IMid must be 10 letters or digits.");
            }
            else if (!merchantsByIMid.TryAdd(iMid, id))
            {
                failures.Add($"{path}:Nicepay:IMid is '{iMid}', like Merchants:{merchantsByIMid[iMid]}:Nicepay:IMid. "
                    + "One iMid belongs to one merchant, or NICEPAY references could collide.");
            }

            if (string.IsNullOrEmpty(merchant.Nicepay.MerchantKey))
            {
                failures.Add($"{path}:Nicepay:MerchantKey is required (the merchant key NICEPAY issued with the iMid).");
            }

            ValidateWebhook(failures, path, merchant);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateWebhook(List<string> failures, string path, MerchantOptions merchant)
    {
        if (merchant.WebhookUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{path}:WebhookUrl must be an absolute http or https URL.");
        }

        if (string.IsNullOrEmpty(merchant.WebhookSecret))
        {
            if (merchant.WebhookUrl is not null)
            {
                failures.Add($"{path}:WebhookSecret is required when {path}:WebhookUrl is set ('{WebhookSecretPrefix}' followed by base64).");
            }
        }
        else if (!IsWebhookSecret(merchant.WebhookSecret))
        {
            failures.Add($"{path}:WebhookSecret must be '{WebhookSecretPrefix}' followed by base64 (Standard Webhooks).");
        }
    }

    internal static bool IsWebhookSecret(string secret)
    {
        if (!secret.StartsWith(WebhookSecretPrefix, StringComparison.Ordinal) || secret.Length == WebhookSecretPrefix.Length)
        {
            return false;
        }

        var base64 = secret[WebhookSecretPrefix.Length..];
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) && written > 0;
    }
}
