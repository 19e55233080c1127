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

/// <summary>One POST a merchant's webhook endpoint received, exactly as it arrived, and what the endpoint answered.</summary>
public sealed record ReceivedWebhook(
    int Sequence,
    string MerchantId,
    DateTimeOffset ReceivedAt,
    string? WebhookId,
    string? WebhookTimestamp,
    string? WebhookSignature,
    string? ContentType,
    string Body,
    int AnsweredStatus)
{
    private readonly JsonNode? _json = TryParse(Body);

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
        $"#{Sequence} {MerchantId} {Type} id={WebhookId} data.status={DataStatus} v{DataVersion} → {AnsweredStatus}";

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
/// (<c>POST /webhooks/{merchantId}</c>). It records every request as received and answers from a per-checkout script
/// (e.g. 500 once, then 200); without a script it answers 200. Waiting on it is a barrier, signalled per request.
/// </summary>
/// <param name="configureLogging">
/// Where the receiver's own logs go (the reliability suites write every host's logs to a file); by default nowhere.
/// </param>
public sealed class WebhookReceiver(Action<ILoggingBuilder>? configureLogging = null) : IAsyncDisposable
{
    private const int DefaultStatus = StatusCodes.Status200OK;

    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Dictionary<string, Queue<int>> _scripts = new(StringComparer.Ordinal);
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

        TaskCompletionSource changed;
        ReceivedWebhook received;
        lock (_gate)
        {
            var provisional = new ReceivedWebhook(0, merchantId, DateTimeOffset.UtcNow, null, null, null, null, body, 0);
            var status = provisional.ReferenceNo is { } reference && _scripts.TryGetValue(reference, out var script) && script.Count > 0
                ? script.Dequeue()
                : DefaultStatus;
            received = provisional with
            {
                Sequence = _received.Count + 1,
                WebhookId = headers["webhook-id"].FirstOrDefault(),
                WebhookTimestamp = headers["webhook-timestamp"].FirstOrDefault(),
                WebhookSignature = headers["webhook-signature"].FirstOrDefault(),
                ContentType = request.ContentType,
                AnsweredStatus = status,
            };
            _received.Add(received);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return Results.StatusCode(received.AnsweredStatus);
    }
}
