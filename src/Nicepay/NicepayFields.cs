using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Orchestrator.Nicepay;

/// <summary>
/// A tolerant, read-only view of a NICEPAY message's fields (a JSON response or a form-encoded notification).
/// Names match case-insensitively (the docs write both <c>cancelAmt</c> and <c>CancelAmt</c>); JSON numbers
/// and booleans are read as their text; null, missing, empty and blank values all read as absent.
/// </summary>
internal sealed class NicepayFields
{
    private readonly Dictionary<string, string?> _values;

    private NicepayFields(Dictionary<string, string?> values) => _values = values;

    /// <summary>Reads a JSON object; anything else (empty, not JSON, an array) is not a NICEPAY message.</summary>
    public static bool TryParseJson(string? body, [NotNullWhen(true)] out NicepayFields? fields)
    {
        fields = null;
        if (string.IsNullOrWhiteSpace(body))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => property.Value.GetRawText(),
                };
            }

            fields = new NicepayFields(values);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Wraps already-decoded fields (e.g. a form post).</summary>
    public static NicepayFields FromPairs(IEnumerable<KeyValuePair<string, string?>> pairs)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in pairs)
        {
            values[key] = value;
        }

        return new NicepayFields(values);
    }

    /// <summary>The trimmed value, or null when absent, null, empty or blank.</summary>
    public string? Text(string name) =>
        _values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>
    /// The result code. A code that arrived as a JSON number loses its leading zeros (<c>0</c> for
    /// <c>0000</c>), so short all-digit codes are padded back to four digits.
    /// </summary>
    public string? ResultCode()
    {
        var code = Text("resultCd");
        return code is { Length: < 4 } && code.All(char.IsAsciiDigit) ? code.PadLeft(4, '0') : code;
    }

    /// <summary>A whole-rupiah amount; false when absent or not a non-negative whole number.</summary>
    public bool TryGetAmount(string name, out long amount) => TryParseAmount(Text(name), out amount);

    /// <summary>A whole-rupiah amount, or null when absent or malformed.</summary>
    public long? Amount(string name) => TryGetAmount(name, out var amount) ? amount : null;

    /// <summary>A Jakarta date/time pair, or null when either part is absent or malformed.</summary>
    public DateTimeOffset? DateTime(string dateName, string timeName) =>
        JakartaTime.ParseDateTime(Text(dateName), Text(timeName));

    /// <summary>The store network, or null when absent or not a known code.</summary>
    public CvsPartner? Partner(string name) => MitraCodes.TryParse(Text(name), out var partner) ? partner : null;

    /// <summary>
    /// Parses an amount: digits (<c>"10000"</c>), or a decimal with a zero fraction (<c>"10000.00"</c>, <c>1E4</c>)
    /// as some serializers write numbers.
    /// </summary>
    public static bool TryParseAmount(string? text, out long amount)
    {
        amount = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount))
        {
            return true;
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            && value >= 0
            && value <= long.MaxValue
            && decimal.Truncate(value) == value)
        {
            amount = (long)value;
            return true;
        }

        return false;
    }
}
