using System.Net;
using System.Text.Json.Nodes;

namespace Orchestrator.TestSupport.Wire;

/// <summary>Reading RFC 9457 answers off the wire.</summary>
public static class Problems
{
    public const string MediaType = "application/problem+json";

    /// <summary>Asserts the status and the problem media type, and returns the problem document.</summary>
    public static JsonNode Expect(WireResponse response, HttpStatusCode status, string context)
    {
        Assert.True(response.StatusCode == status, $"{context}: expected {(int)status}, got {response}");
        Assert.True(response.MediaType == MediaType, $"{context}: expected {MediaType}, got {response}");
        return response.Node();
    }

    /// <summary>The last segment of the problem's <c>type</c> URI (<c>checkout-conflict</c>, …).</summary>
    public static string? TypeName(JsonNode problem) => problem["type"]?.GetValue<string>().Split('/')[^1];

    /// <summary>A string array extension member of the problem.</summary>
    public static IReadOnlyList<string> Strings(JsonNode problem, string member) =>
        problem[member] is JsonArray array ? [.. array.Select(item => item!.GetValue<string>())] : [];
}
