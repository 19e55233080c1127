using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.TestSupport.Webhooks;

/// <summary>
/// One POST a merchant's webhook endpoint received, exactly as it arrived, and what the endpoint answered.
/// <c>SignatureProblem</c> says why the Standard Webhooks signature did not verify with the merchant's secret, checked on
/// arrival by a receiver that was given the merchants' secrets; it is null when it verified or when the receiver knows
/// no secrets.
/// </summary>
public sealed record ReceivedWebhook(
    int Sequence,
    string MerchantId,
    DateTimeOffset ReceivedAt,
    string? WebhookId,
    string? WebhookTimestamp,
    string? WebhookSignature,
    string? ContentType,
    string Body,
    string? SignatureProblem,
    int AnsweredStatus)
{
    private readonly JsonNode? _json = TryParse(Body);

    /// <summary>False when the receiver checked the signature on arrival and it did not verify.</summary>
    public bool Verified => SignatureProblem is null;

    /// <summary>Whether the endpoint acknowledged it (2xx).</summary>
    public bool Acknowledged => AnsweredStatus is >= 200 and < 300;

    /// <summary>The event type in the body (<c>checkout.confirmed</c>, …).</summary>
    public string? Type => _json?["type"]?.GetValue<string>();

    /// <summary>The event id in the body.</summary>
    public string? EventId => _json?["id"]?.GetValue<string>();

    /// <summary>The checkout's referenceNo in <c>data</c>.</summary>
    public string? ReferenceNo => _json?["data"]?["referenceNo"]?.GetValue<string>();

    /// <summary>The checkout's status in <c>data</c>.</summary>
    public string? DataStatus => _json?["data"]?["status"]?.GetValue<string>();

    /// <summary>The checkout's version in <c>data</c>.</summary>
    public int? DataVersion => _json?["data"]?["version"]?.GetValue<int>();

    /// <summary>The parsed body, or null when it is not JSON.</summary>
    public JsonNode? Json => _json;

    public override string ToString() =>
        $"#{Sequence} {MerchantId} {Type} id={WebhookId} data.status={DataStatus} v{DataVersion}"
        + (Verified ? "" : " NOT VERIFIED: " + SignatureProblem) + $" → {AnsweredStatus}";

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The merchants' webhook endpoint: a minimal app of our own on a loopback port chosen by the OS
/// (<c>POST /webhooks/{merchantId}</c>). It records every request as received and answers per checkout: a script of
/// statuses (e.g. 500 once, then 200), or a hold (the same failing status until released); otherwise 200. Given the
/// merchants' secrets, it also verifies every delivery's Standard Webhooks signature on arrival
/// (<see cref="StandardWebhooksVerifier"/>) and answers 401 when it does not verify, as a real endpoint should. Waiting
/// on it is a barrier, signalled per request.
/// </summary>
/// <param name="secrets">Merchant id → <c>whsec_</c> secret, to verify on arrival; null to record without verifying.</param>
/// <param name="configureLogging">
/// Where the receiver's own logs go (the reliability suites write every host's logs to a file); by default nowhere.
/// </param>
public sealed class WebhookReceiver(
    IReadOnlyDictionary<string, string>? secrets = null,
    Action<ILoggingBuilder>? configureLogging = null) : IAsyncDisposable
{
    private const int DefaultStatus = StatusCodes.Status200OK;

    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Dictionary<string, Queue<int>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _holds = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    /// <summary>Where the receiver listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The webhook URL to configure for a merchant.</summary>
    public Uri UrlFor(string merchantId) => new(BaseAddress, $"/webhooks/{merchantId}");

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);
        _app = builder.Build();
        _app.MapPost("/webhooks/{merchantId}", ReceiveAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address);
    }

    /// <summary>
    /// The answers to give, in order, to the next deliveries for this checkout (any event type); after the script runs
    /// out, 200.
    /// </summary>
    public void Script(string referenceNo, params int[] statuses)
    {
        lock (_gate)
        {
            _scripts[referenceNo] = new Queue<int>(statuses);
        }
    }

    /// <summary>Answers every delivery for this checkout with <paramref name="status"/> until <see cref="Release"/>.</summary>
    public void Hold(string referenceNo, int status = StatusCodes.Status500InternalServerError)
    {
        lock (_gate)
        {
            _holds[referenceNo] = status;
        }
    }

    /// <summary>Ends a hold: deliveries for this checkout are answered from its script, else 200, again.</summary>
    public void Release(string referenceNo)
    {
        lock (_gate)
        {
            _holds.Remove(referenceNo);
        }
    }

    /// <summary>Everything received, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> All()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    /// <summary>Everything received for a checkout, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> For(string referenceNo)
    {
        lock (_gate)
        {
            return [.. _received.Where(w => w.ReferenceNo == referenceNo)];
        }
    }

    /// <summary>
    /// Waits until the deliveries for a checkout satisfy <paramref name="done"/>. Throws <see cref="TimeoutException"/>
    /// listing what did arrive; callers add the checkout's journal.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(
        string referenceNo, Func<IReadOnlyList<ReceivedWebhook>, bool> done, string what, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            IReadOnlyList<ReceivedWebhook> deliveries;
            lock (_gate)
            {
                changed = _changed.Task;
                deliveries = [.. _received.Where(w => w.ReferenceNo == referenceNo)];
            }

            if (done(deliveries))
            {
                return deliveries;
            }

            var remaining = timeout - elapsed.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                var seen = deliveries.Count == 0 ? "none" : string.Join("; ", deliveries);
                throw new TimeoutException($"No webhook delivery satisfying '{what}' for {referenceNo} within {timeout}. Received: {seen}.");
            }

            // A barrier on the next delivery, bounded by the deadline.
            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _app.StopAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                // Bounded teardown: whatever is still in flight is dropped.
            }

            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveAsync(string merchantId, HttpRequest request)
    {
        // Read the raw bytes: the signature covers the body exactly as sent.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = Encoding.UTF8.GetString(buffer.ToArray());
        var headers = request.Headers;
        var (id, timestamp, signature) = (headers["webhook-id"].FirstOrDefault(), headers["webhook-timestamp"].FirstOrDefault(),
            headers["webhook-signature"].FirstOrDefault());
        var problem = secrets is null ? null
            : secrets.TryGetValue(merchantId, out var secret)
                ? StandardWebhooksVerifier.Problem(secret, id, timestamp, signature, body, DateTimeOffset.UtcNow, StandardWebhooksVerifier.DefaultTolerance)
                : $"unknown merchant '{merchantId}'";

        TaskCompletionSource changed;
        ReceivedWebhook received;
        lock (_gate)
        {
            var provisional = new ReceivedWebhook(
                _received.Count + 1, merchantId, DateTimeOffset.UtcNow, id, timestamp, signature, request.ContentType, body, problem, 0);
            received = provisional with { AnsweredStatus = AnswerFor(provisional) };
            _received.Add(received);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return Results.StatusCode(received.AnsweredStatus);
    }

    /// <summary>401 for a signature that does not verify, else the checkout's hold, else its script, else 200. Under the lock.</summary>
    private int AnswerFor(ReceivedWebhook delivery)
    {
        if (!delivery.Verified)
        {
            return StatusCodes.Status401Unauthorized;
        }

        var reference = delivery.ReferenceNo ?? "";
        if (_holds.TryGetValue(reference, out var held))
        {
            return held;
        }

        return _scripts.TryGetValue(reference, out var script) && script.Count > 0 ? script.Dequeue() : DefaultStatus;
    }
}
