using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Silo.Demo;

/// <summary>
/// Verifies a Standard Webhooks signature, as a merchant would: HMAC-SHA256 with the secret's base64 bytes over
/// "{webhook-id}.{webhook-timestamp}.{body}", compared with each "v1,&lt;base64&gt;" of webhook-signature.
/// </summary>
internal static class StandardWebhookSignature
{
    private const string SecretPrefix = "whsec_";
    private const string VersionPrefix = "v1,";

    /// <summary>How far the timestamp may be from now (the specification's recommended tolerance).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Null when the signature verifies; otherwise why not.</summary>
    public static string? Verify(string secret, string? id, string? timestamp, string? signatures, string body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return "webhook-id, webhook-timestamp and webhook-signature headers are required";
        }

        if (!long.TryParse(timestamp, out var seconds) || seconds < 0)
        {
            return "webhook-timestamp is not a Unix time in seconds";
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - sentAt).Duration() > Tolerance)
        {
            return $"webhook-timestamp is more than {Tolerance.TotalMinutes:0} minutes from now";
        }

        var expected = Sign(secret, id, timestamp, body);
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate.StartsWith(VersionPrefix, StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(
                    Encoding.ASCII.GetBytes(candidate[VersionPrefix.Length..]), Encoding.ASCII.GetBytes(expected)))
            {
                return null;
            }
        }

        return "no v1 signature matches";
    }

    /// <summary>The base64 signature of a message.</summary>
    public static string Sign(string secret, string id, string timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
    }
}
