using System.Net;
using System.Net.Http.Headers;

namespace Orchestrator.SecurityTests.Infrastructure;

/// <summary>An answer read whole: status, content type, headers and body.</summary>
public sealed record WireAnswer(HttpStatusCode Status, string? MediaType, HttpResponseHeaders Headers, string Body)
{
    public int Code => (int)Status;

    /// <summary>Null when this is a problem+json with type, title and status; otherwise what is wrong.</summary>
    public string? ProblemDefect => Problems.Check(Status, MediaType, Body);

    public string? ProblemType => Problems.TypeOf(Body);

    public override string ToString() => $"{Code} {MediaType} {Problems.Shorten(Body)}";

    public static async Task<WireAnswer> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        return new WireAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers,
            await response.Content.ReadAsStringAsync());
    }
}

/// <summary>What a caller presents in <c>Authorization</c>: nothing, one value, or several headers.</summary>
public sealed record Credential(string Name, params string[] AuthorizationHeaders)
{
    public bool Presented => AuthorizationHeaders.Length > 0;

    public static Credential Key(string name, string key) => new(name, $"Bearer {key}");

    public void ApplyTo(HttpRequestMessage request)
    {
        foreach (var value in AuthorizationHeaders)
        {
            request.Headers.TryAddWithoutValidation("Authorization", value);
        }
    }

    public override string ToString() => Name;
}
