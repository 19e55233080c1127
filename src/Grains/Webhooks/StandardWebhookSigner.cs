using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Grains.Webhooks;

/// <summary>
/// Signs webhook bodies per the Standard Webhooks specification: HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c> with
/// the base64-decoded part of a <c>whsec_</c> secret, sent as <c>webhook-signature: v1,{base64}</c>.
/// </summary>
public static class StandardWebhookSigner
{
    /// <summary>The prefix of a Standard Webhooks secret.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>Decodes a <c>whsec_</c> secret into the HMAC key; throws <see cref="FormatException"/> when malformed.</summary>
    public static byte[] DecodeSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            throw new FormatException($"A webhook secret starts with '{SecretPrefix}'.");
        }

        return Convert.FromBase64String(secret[SecretPrefix.Length..]);
    }

    /// <summary>The <c>webhook-signature</c> header value for one message.</summary>
    public static string Sign(byte[] key, string messageId, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}");
        var mac = HMACSHA256.HashData(key, content);
        return "v1," + Convert.ToBase64String(mac);
    }
}
