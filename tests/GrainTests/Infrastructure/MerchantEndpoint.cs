using System.Net;
using System.Text.Json;
using Orchestrator.TestSupport.Webhooks;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>How the merchant's endpoint answers one webhook request.</summary>
/// <param name="Status">The HTTP status it answers with.</param>
/// <param name="NeverAnswers">True when it never answers (the dispatcher's timeout ends the attempt).</param>
/// <param name="Release">When set, the answer waits for this task first.</param>
public sealed record WebhookAnswer(int Status, bool NeverAnswers = false, Task? Release = null)
{
    /// <summary>200 at once.</summary>
    public static readonly WebhookAnswer Ok = new(200);

    /// <summary>No answer at all.</summary>
    public static readonly WebhookAnswer Never = new(0, NeverAnswers: true);

    /// <summary>Answers with <paramref name="status"/> at once.</summary>
    public static WebhookAnswer WithStatus(int status) => new(status);

    /// <summary>Answers with <paramref name="status"/> once <paramref name="release"/> completes.</summary>
    public static WebhookAnswer After(Task release, int status = 200) => new(status, Release: release);
}

/// <summary>One webhook request the merchant's endpoint received.</summary>
public sealed record ReceivedWebhook(
    Uri Url,
    string? WebhookId,
    string? Timestamp,
    string? Signature,
    string? ContentType,
    string Body,
    string EventId,
    string Type,
    string MerchantId,
    string ReferenceNo,
    int Version,
    DateTimeOffset ReceivedAt)
{
    /// <summary>
    /// Why this request's Standard Webhooks signature does not verify with <paramref name="secret"/>, or null when it
    /// does: tests/TestSupport's verifier, written from the specification rather than from the production signer.
    /// </summary>
    public string? SignatureProblem(string secret, DateTimeOffset now) =>
        StandardWebhooksVerifier.Problem(secret, WebhookId, Timestamp, Signature, Body, now, StandardWebhooksVerifier.DefaultTolerance);
}

/// <summary>
/// Every merchant's webhook endpoint, in memory: records each request exactly as sent (headers and body) and answers
/// as scripted per checkout reference (default 200). Plugged in as the primary handler of the dispatcher's named
/// HttpClient, so the real dispatcher, signer and HttpClient pipeline run.
/// </summary>
public sealed class MerchantEndpoint(TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Dictionary<string, Queue<WebhookAnswer>> _scripts = new(StringComparer.Ordinal);

    /// <summary>Queues answers for the next requests about a reference; afterwards it answers 200.</summary>
    public void Script(string referenceNo, params WebhookAnswer[] answers)
    {
        lock (_lock)
        {
            if (!_scripts.TryGetValue(referenceNo, out var queue))
            {
                _scripts[referenceNo] = queue = new Queue<WebhookAnswer>();
            }

            foreach (var answer in answers)
            {
                queue.Enqueue(answer);
            }
        }
    }

    /// <summary>The requests received about a checkout (merchant and reference), oldest first.</summary>
    public IReadOnlyList<ReceivedWebhook> ReceivedFor(string merchantId, string referenceNo)
    {
        lock (_lock)
        {
            return [.. _received.Where(r => r.MerchantId == merchantId && r.ReferenceNo == referenceNo)];
        }
    }

    internal async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var data = root.GetProperty("data");
        var received = new ReceivedWebhook(
            request.RequestUri!,
            Header(request, "webhook-id"),
            Header(request, "webhook-timestamp"),
            Header(request, "webhook-signature"),
            request.Content?.Headers.ContentType?.MediaType,
            body,
            root.GetProperty("id").GetString()!,
            root.GetProperty("type").GetString()!,
            data.GetProperty("merchantId").GetString()!,
            data.GetProperty("referenceNo").GetString()!,
            data.GetProperty("version").GetInt32(),
            timeProvider.GetUtcNow());

        WebhookAnswer answer;
        lock (_lock)
        {
            _received.Add(received);
            answer = _scripts.TryGetValue(received.ReferenceNo, out var queue) && queue.TryDequeue(out var scripted) ? scripted : WebhookAnswer.Ok;
        }

        if (answer.NeverAnswers)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        if (answer.Release is { } release)
        {
            await release.WaitAsync(cancellationToken);
        }

        return new HttpResponseMessage((HttpStatusCode)answer.Status) { RequestMessage = request };
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

/// <summary>
/// The primary handler the HttpClient factory builds for the webhook client: a thin, disposable front for the shared
/// <see cref="MerchantEndpoint"/> (the factory disposes handlers when they expire; the endpoint must outlive them).
/// </summary>
public sealed class MerchantEndpointHandler(MerchantEndpoint endpoint) : HttpMessageHandler
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, cancellationToken);
}
