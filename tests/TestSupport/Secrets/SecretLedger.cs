using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.TestSupport.Secrets;

/// <summary>What kind of secret a value is; the scan reports hits by kind and label, never the value.</summary>
public enum SecretKind
{
    MerchantNicepayKey,
    MerchantApiKey,
    OperatorKey,
    WebhookSecret,
    WebhookSecretKey,
    MerchantToken,
}

/// <summary>A secret the logs must never contain.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Label">
/// Where it comes from (e.g. <c>storm host, shop-a</c>, <c>cluster chaos-drill-1a2b3c, shop_a</c>); printed instead of
/// the value.
/// </param>
/// <param name="Value">The value.</param>
public sealed record Secret(SecretKind Kind, string Label, string Value)
{
    public override string ToString() => $"{Kind} ({Label})";
}

/// <summary>
/// Every secret this test process knows of, for the <see cref="LogScanner"/> scan that runs last in a test assembly:
/// the keys and webhook secrets each host or cluster is configured with, registered by whoever starts it (the
/// reliability suite's hosts; <c>tests/ClusterHarness</c>'s <c>ProcessCluster</c>, for the keys it generates), those of
/// checked-in configuration files, and every merchant token that crossed the wire (the reliability suite captures them
/// from the orchestrator's NICEPAY requests and the sandbox's notifications, plus the forgeries its tests post).
/// </summary>
public static partial class SecretLedger
{
    private static readonly ConcurrentDictionary<string, Secret> Secrets = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> Tokens = new(StringComparer.Ordinal);

    /// <summary>The secrets registered so far (values with their <c>whsec_</c> key parts).</summary>
    public static IReadOnlyList<Secret> All => [.. Secrets.Values];

    /// <summary>Merchant tokens seen so far (lowercase hex), with where each was seen.</summary>
    public static IReadOnlyDictionary<string, string> MerchantTokens => Tokens;

    /// <summary>Registers a secret; a <c>whsec_</c> value also registers its base64 key part.</summary>
    public static void Add(SecretKind kind, string label, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        Secrets.TryAdd(value, new Secret(kind, label, value));
        if (kind == SecretKind.WebhookSecret && value.StartsWith("whsec_", StringComparison.Ordinal) && value.Length > "whsec_".Length)
        {
            var key = value["whsec_".Length..];
            Secrets.TryAdd(key, new Secret(SecretKind.WebhookSecretKey, label, key));
        }
    }

    /// <summary>Registers a merchant token (64 hex characters) seen at <paramref name="where"/>.</summary>
    public static void AddToken(string token, string where)
    {
        if (token.Length == 64)
        {
            Tokens.TryAdd(token.ToLowerInvariant(), where);
        }
    }

    /// <summary>Finds every <c>merchantToken</c> in a NICEPAY request or notification body (JSON or form).</summary>
    public static void CaptureTokens(string body, string where)
    {
        foreach (Match match in TokenField().Matches(body))
        {
            AddToken(match.Groups["token"].Value, where);
        }
    }

    /// <summary>
    /// The secrets of a checked-in configuration file (e.g. <c>src/Silo/appsettings.Development.json</c>): every string
    /// under a property named <c>MerchantKey</c>, <c>ApiKey</c>, <c>ApiKeys</c> or <c>WebhookSecret</c>, at any depth.
    /// </summary>
    public static void AddFromConfigurationFile(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        Walk(document.RootElement, kind: null, label: Path.GetFileName(path));

        void Walk(JsonElement element, SecretKind? kind, string label)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value, KindOf(property.Name, label) ?? kind, $"{label}:{property.Name}");
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, kind, label);
                    }

                    break;
                case JsonValueKind.String when kind is { } secretKind:
                    Add(secretKind, label, element.GetString());
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// The secrets of a compose file's environment entries (<c>Merchants__demo__ApiKey: value</c>): values of keys
    /// ending in <c>ApiKey</c>, <c>ApiKeys__n</c>, <c>MerchantKey</c> or <c>WebhookSecret</c>.
    /// </summary>
    public static void AddFromComposeFile(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        foreach (Match match in ComposeSecret().Matches(File.ReadAllText(path)))
        {
            var key = match.Groups["key"].Value;
            var kind = key.EndsWith("MerchantKey", StringComparison.Ordinal) ? SecretKind.MerchantNicepayKey
                : key.EndsWith("WebhookSecret", StringComparison.Ordinal) ? SecretKind.WebhookSecret
                : key.StartsWith("Operators", StringComparison.Ordinal) ? SecretKind.OperatorKey
                : SecretKind.MerchantApiKey;
            Add(kind, $"{Path.GetFileName(path)}:{key}", match.Groups["value"].Value);
        }
    }

    private static SecretKind? KindOf(string property, string path) => property.ToUpperInvariant() switch
    {
        "MERCHANTKEY" => SecretKind.MerchantNicepayKey,
        "WEBHOOKSECRET" => SecretKind.WebhookSecret,
        "APIKEY" or "APIKEYS" => path.Contains(":Operators", StringComparison.OrdinalIgnoreCase) ? SecretKind.OperatorKey : SecretKind.MerchantApiKey,
        _ => null,
    };

    [GeneratedRegex("(?<key>[A-Za-z0-9_]*(?:ApiKey|ApiKeys__\\d+|MerchantKey|WebhookSecret))\\s*[:=]\\s*\"?(?<value>[^\"\\s]+)\"?", RegexOptions.CultureInvariant)]
    private static partial Regex ComposeSecret();

    [GeneratedRegex("merchantToken\"?\\s*[:=]\\s*\"?(?<token>[0-9A-Fa-f]{64})", RegexOptions.CultureInvariant)]
    private static partial Regex TokenField();
}
