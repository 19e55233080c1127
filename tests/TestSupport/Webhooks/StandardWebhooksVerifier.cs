using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.TestSupport.Webhooks;

/// <summary>
/// An independent implementation of Standard Webhooks verification (standardwebhooks.com, "Verifying webhooks"),
/// written from the specification and sharing no code with the orchestrator's signer: the signed content is
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, the key is the base64 part of a <c>whsec_</c> secret, the MAC is
/// HMAC-SHA256, and <c>webhook-signature</c> holds space-separated <c>v1,&lt;base64&gt;</c> entries, any of which may match.
/// </summary>
public static class StandardWebhooksVerifier
{
    private const string SecretPrefix = "whsec_";
    private const string VersionV1 = "v1";

    /// <summary>The tolerance the specification recommends against replays.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Why a delivery does not verify, or null when it does.</summary>
    public static string? Problem(string secret, ReceivedWebhook delivery, DateTimeOffset now) =>
        Problem(secret, delivery.WebhookId, delivery.WebhookTimestamp, delivery.WebhookSignature, delivery.Body, now, DefaultTolerance);

    /// <summary>Why a message does not verify, or null when it does.</summary>
    public static string? Problem(
        string secret, string? id, string? timestamp, string? signatureHeader, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return "webhook-id, webhook-timestamp and webhook-signature are all required";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return $"webhook-timestamp '{timestamp}' is not integer seconds since the epoch";
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sentAt < now - tolerance || sentAt > now + tolerance)
        {
            return $"webhook-timestamp {sentAt:O} is more than {tolerance} away from {now:O}";
        }

        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A Standard Webhooks secret starts with '{SecretPrefix}'.", nameof(secret));
        }

        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0 || !string.Equals(entry[..comma], VersionV1, StringComparison.Ordinal))
            {
                continue;
            }

            var candidate = TryFromBase64(entry[(comma + 1)..]);
            if (candidate is not null && CryptographicOperations.FixedTimeEquals(candidate, expected))
            {
                return null;
            }
        }

        return $"no v1 signature in '{signatureHeader}' matches HMAC-SHA256 of id.timestamp.body";
    }

    private static byte[]? TryFromBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
