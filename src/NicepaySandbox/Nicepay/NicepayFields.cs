using System.Text.Json;

namespace Orchestrator.NicepaySandbox.Nicepay;

/// <summary>
/// The fields of a NICEPAY request body, read as tolerantly as a real server would: the body is JSON whatever the
/// Content-Type says, numbers and booleans keep their raw text (so <c>10000</c> and <c>"10000"</c> both read "10000"
/// and both feed the token as "10000"), <c>null</c> and missing are the same, unknown fields are ignored, and a field
/// whose name differs only in case is found when no exact match exists.
/// </summary>
internal sealed class NicepayFields
{
    private readonly Dictionary<string, string?> _exact;
    private readonly Dictionary<string, string?> _anyCase;

    private NicepayFields(Dictionary<string, string?> values)
    {
        _exact = values;
        _anyCase = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            _anyCase.TryAdd(name, value);
        }
    }

    /// <summary>The field's raw value, or null when it is missing or JSON null.</summary>
    public string? this[string name] => _exact.TryGetValue(name, out var value) || _anyCase.TryGetValue(name, out value) ? value : null;

    /// <summary>The field's raw value, or "" when missing: what a token is computed over.</summary>
    public string Text(string name) => this[name] ?? "";

    /// <summary>True when the field is missing, null, empty or only white space.</summary>
    public bool IsBlank(string name) => string.IsNullOrWhiteSpace(this[name]);

    /// <summary>Reads the request body as a JSON object; null when it is not one.</summary>
    public static async Task<NicepayFields?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    // Numbers, booleans, objects and arrays keep the text the client sent.
                    _ => property.Value.GetRawText(),
                };
            }

            return new NicepayFields(values);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
