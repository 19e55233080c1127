using System.Net.Http.Headers;
using System.Text;

namespace Orchestrator.SecurityTests.HostileInput;

/// <summary>
/// One hostile request and what it may be answered: a 4xx in <see cref="Expected"/>, as ProblemDetails, and no state
/// change: <see cref="Target"/> (an existing checkout) keeps its version, <see cref="MustNotExist"/> is not created.
/// </summary>
public sealed record HostileCase(string Endpoint, string Name, Func<HttpRequestMessage> Build, IReadOnlySet<int> Expected)
{
    /// <summary>An existing checkout of <see cref="TargetOwnerKey"/> the request aims at; its version must not change.</summary>
    public string? Target { get; init; }

    /// <summary>The API key that owns <see cref="Target"/>.</summary>
    public string? TargetOwnerKey { get; init; }

    /// <summary>A reference of the demo merchant that must not exist after the request.</summary>
    public string? MustNotExist { get; init; }

    public override string ToString() => $"{Endpoint} · {Name}";
}

/// <summary>Builds request messages, including ones an ordinary client would refuse to write.</summary>
public static class Requests
{
    public const string Json = "application/json";
    public const string Form = "application/x-www-form-urlencoded";

    public static HttpRequestMessage Make(
        HttpMethod method,
        string path,
        string? apiKey = null,
        byte[]? body = null,
        string[]? contentTypes = null,
        IEnumerable<(string Name, string Value)>? headers = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            foreach (var contentType in contentTypes ?? [])
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
