using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Api.Errors;

/// <summary>
/// Turns System.Text.Json's binding failures into a field path and a message for merchants. The exception's own message
/// names .NET types, so it is never passed through.
/// </summary>
internal static partial class JsonBindingErrors
{
    /// <summary>The key used when the problem is the body as a whole.</summary>
    public const string BodyField = "body";

    public static (string Field, string Message) Describe(JsonException exception)
    {
        var path = FieldPath(exception.Path);
        var text = exception.Message;

        var unmapped = UnmappedProperty().Match(text);
        if (unmapped.Success)
        {
            var name = unmapped.Groups["name"].Value;
            var field = path == BodyField ? name : path.EndsWith(name, StringComparison.Ordinal) ? path : $"{path}.{name}";
            return (field, $"Unknown field '{name}'. Remove it; the API accepts only documented fields.");
        }

        var conversion = ConversionTarget().Match(text);
        if (conversion.Success)
        {
            return (path, $"The value has the wrong type: expected {Describe(conversion.Groups["type"].Value)}.");
        }

        if (exception.LineNumber is { } line && exception.BytePositionInLine is { } position)
        {
            return (path, $"The body is not valid JSON (line {line + 1}, byte {position + 1}).");
        }

        return (path, "The body is not valid JSON for this request.");
    }

    /// <summary>"$.customer.email" → "customer.email"; "$" or nothing → "body".</summary>
    public static string FieldPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return BodyField;
        }

        return jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
            : jsonPath.StartsWith('$') ? jsonPath[1..]
            : jsonPath;
    }

    private static string Describe(string dotnetType)
    {
        var type = NullableOf().Match(dotnetType) is { Success: true } nullable ? nullable.Groups["inner"].Value : dotnetType;
        return type switch
        {
            "System.Int64" or "System.Int32" => "a whole number",
            "System.String" => "a string",
            "System.Boolean" => "true or false",
            "System.DateTimeOffset" => "an ISO 8601 date-time with offset",
            _ when type.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "an object whose values are strings",
            _ => "an object",
        };
    }

    [GeneratedRegex("The JSON property '(?<name>[^']*)' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\.(\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionTarget();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>[^\]]+)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex NullableOf();
}
