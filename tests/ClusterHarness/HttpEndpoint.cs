using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Json = Orchestrator.TestSupport.Wire.Json;

namespace Orchestrator.ClusterHarness;

/// <summary>
/// HTTP to one process. Every request is bounded (<see cref="DefaultTimeout"/> unless told otherwise) and never throws
/// for a missing answer: a refused connection, a reset or a request that outlives its bound comes back as a
/// <see cref="WireResponse"/> without a status, so drills can count them.
/// </summary>
public sealed class HttpEndpoint : IDisposable
{
    /// <summary>The bound of a request when none is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    /// <summary>Creates a client for <paramref name="baseAddress"/>.</summary>
    public HttpEndpoint(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // Fail fast on a dead process: no long connect attempts, no stale pooled connections after a restart.
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10),
        })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Where it is.</summary>
    public Uri BaseAddress { get; }

    /// <summary>One request; <paramref name="apiKey"/> goes in <c>Authorization: Bearer</c>.</summary>
    public async Task<WireResponse> SendAsync(
        HttpMethod method, string path, string? apiKey = null, HttpContent? content = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout ?? DefaultTimeout);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request, bound.Token);
            var body = await response.Content.ReadAsStringAsync(bound.Token);
            return new WireResponse(
                response.StatusCode,
                response.Content.Headers.ContentType?.MediaType,
                response.Headers.RetryAfter?.ToString(),
                body,
                clock.Elapsed,
                null);
        }
        catch (HttpRequestException exception)
        {
            return new WireResponse(null, null, null, "", clock.Elapsed, $"{exception.HttpRequestError}: {exception.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WireResponse(null, null, null, "", clock.Elapsed, $"no answer within {(timeout ?? DefaultTimeout).TotalSeconds:F0} s");
        }
    }

    /// <summary>A JSON POST.</summary>
    public Task<WireResponse> PostJsonAsync<T>(string path, T body, string? apiKey = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, apiKey, JsonContent.Create(body, options: Json.Options), timeout, cancellationToken);

    /// <summary>A GET.</summary>
    public Task<WireResponse> GetAsync(string path, string? apiKey = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, apiKey, null, timeout, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
