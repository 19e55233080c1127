using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Nicepay.Tests;

/// <summary>
/// Stands in for NICEPAY behind the client's named HttpClients: it records every request that reaches the
/// transport and answers with <see cref="Respond"/>. Each attempt of a retried call is one request.
/// </summary>
internal sealed class FakeNicepay
{
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();
    private readonly List<(int Count, TaskCompletionSource Arrived)> _waiters = [];

    /// <summary>Answers a request; the argument is the 1-based attempt number across the whole test.</summary>
    public Func<int, CancellationToken, Task<HttpResponseMessage>> Respond { get; set; } =
        (_, _) => Task.FromResult(Json(Demo.RegistrationSuccess()));

    public IReadOnlyList<CapturedRequest> Requests => [.. _requests];

    /// <summary>Completes when the first request has reached the transport: a barrier for fake-time tests.</summary>
    public Task FirstRequest => WhenRequests(1);

    /// <summary>Completes once <paramref name="count"/> requests have reached the transport.</summary>
    public Task WhenRequests(int count)
    {
        lock (_waiters)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }

            var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, arrived));
            return arrived.Task;
        }
    }

    private int Record(CapturedRequest request)
    {
        lock (_waiters)
        {
            _requests.Enqueue(request);
            foreach (var waiter in _waiters.Where(waiter => waiter.Count <= _requests.Count).ToList())
            {
                waiter.Arrived.TrySetResult();
                _waiters.Remove(waiter);
            }

            return _requests.Count;
        }
    }

    public HttpMessageHandler CreateHandler() => new Handler(this);

    public void AnswerAlways(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        Respond = (_, _) => Task.FromResult(Json(body, status));

    public void AnswerInSequence(params Func<CancellationToken, Task<HttpResponseMessage>>[] answers) =>
        Respond = (attempt, cancellationToken) => answers[Math.Min(attempt, answers.Length) - 1](cancellationToken);

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    public static Func<CancellationToken, Task<HttpResponseMessage>> Answer(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        _ => Task.FromResult(Json(body, status));

    public static Func<CancellationToken, Task<HttpResponseMessage>> Fail(HttpRequestError error) =>
        _ => Task.FromException<HttpResponseMessage>(new HttpRequestException(error, $"simulated {error}"));

    /// <summary>Never answers; ends only when the attempt is cancelled (by its timeout).</summary>
    public static async Task<HttpResponseMessage> NeverAnswer(CancellationToken cancellationToken)
    {
        var never = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (cancellationToken.Register(() => never.TrySetCanceled(cancellationToken)))
        {
            return await never.Task;
        }
    }

    private sealed class Handler(FakeNicepay server) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var attempt = server.Record(new CapturedRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.MediaType, body));
            return await server.Respond(attempt, cancellationToken);
        }
    }
}

/// <summary>One request as it reached the transport.</summary>
internal sealed record CapturedRequest(HttpMethod Method, Uri Uri, string? ContentType, string Body)
{
    /// <summary>The body's top-level fields; every value must be a JSON string.</summary>
    public IReadOnlyDictionary<string, string> Fields
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.EnumerateObject().ToDictionary(
                property => property.Name,
                property => property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : throw new InvalidOperationException($"Field {property.Name} is a JSON {property.Value.ValueKind}, not a string."));
        }
    }
}
