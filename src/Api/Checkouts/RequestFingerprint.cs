using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Orchestrator.Api.Checkouts;

/// <summary>
/// The fingerprint of a validated create request: SHA-256 over a canonical JSON form (fixed field order, metadata sorted
/// by key, expiry in UTC). Two requests that mean the same thing have the same fingerprint, however they were spelled.
/// </summary>
internal static class RequestFingerprint
{
    public static string Compute(ValidatedCheckout checkout)
    {
        var command = checkout.Command;
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("referenceNo", checkout.ReferenceNo);
            json.WriteNumber("amount", command.Amount);
            json.WriteString("store", StoreNames.WireName(command.Store));
            json.WriteString("goodsName", command.GoodsName);
            json.WriteStartObject("customer");
            json.WriteString("name", command.Customer.Name);
            json.WriteString("phone", command.Customer.Phone);
            json.WriteString("email", command.Customer.Email);
            json.WriteEndObject();
            if (command.ExpiresAt is { } expiresAt)
            {
                json.WriteString("expiresAt", expiresAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            }
            else
            {
                json.WriteNull("expiresAt");
            }

            json.WriteStartObject("metadata");
            foreach (var (key, value) in command.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}
