using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>
/// An independent check of the Standard Webhooks signature (https://www.standardwebhooks.com/), written from the
/// specification rather than from <c>StandardWebhookSigner</c>: the key is the base64 part of a <c>whsec_</c> secret,
/// the MAC is HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>, and <c>webhook-signature</c> holds one or
/// more space-separated <c>v1,{base64 MAC}</c> entries.
/// </summary>
public static class StandardWebhooksVerifier
{
    /// <summary>Returns null when the request verifies, else why not.</summary>
    public static string? Verify(string secret, string? id, string? timestamp, string? signatureHeader, string body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (id is null || timestamp is null || signatureHeader is null)
        {
            return "a webhook-id, webhook-timestamp or webhook-signature header is missing";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300)
        {
            return $"webhook-timestamp '{timestamp}' is not a Unix time within 5 minutes of now";
        }

        const string Prefix = "whsec_";
        var key = Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
        using var hmac = new HMACSHA256(key);
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));

        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0 || entry[..comma] != "v1")
            {
                continue;
            }

            byte[] received;
            try
            {
                received = Convert.FromBase64String(entry[(comma + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(received, expected))
            {
                return null;
            }
        }

        return $"no v1 signature in '{signatureHeader}' matches";
    }
}
