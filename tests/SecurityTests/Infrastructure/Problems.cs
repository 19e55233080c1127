using System.Net;
using System.Text.Json;

namespace Orchestrator.SecurityTests.Infrastructure;

/// <summary>Checks that an answer is an RFC 9457 problem.</summary>
public static class Problems
{
    public const string MediaType = "application/problem+json";

    /// <summary>
    /// Null when the answer is <c>application/problem+json</c> with a <c>type</c>, a <c>title</c> and a <c>status</c>
    /// equal to the HTTP status; otherwise what is wrong with it.
    /// </summary>
    public static string? Check(HttpStatusCode status, string? mediaType, string body)
    {
        if (mediaType != MediaType)
        {
            return $"content type {mediaType ?? "(none)"}, not {MediaType}";
        }

        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "the body is not a JSON object";
            }

            if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return "no 'type'";
            }

            if (!root.TryGetProperty("title", out var title) || title.ValueKind != JsonValueKind.String)
            {
                return "no 'title'";
            }

            if (!root.TryGetProperty("status", out var problemStatus) || !problemStatus.TryGetInt32(out var number) || number != (int)status)
            {
                return $"'status' is not {(int)status}";
            }

            return null;
        }
        catch (JsonException exception)
        {
            return $"the body is not JSON ({exception.Message})";
        }
    }

    /// <summary>The problem's <c>type</c>, or null.</summary>
    public static string? TypeOf(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.TryGetProperty("type", out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The first 300 characters of a body, for failure messages.</summary>
    public static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
