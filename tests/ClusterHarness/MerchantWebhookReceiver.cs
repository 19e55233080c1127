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
using StandardWebhooksVerifier = Orchestrator.TestSupport.Webhooks.StandardWebhooksVerifier;

namespace Orchestrator.ClusterHarness;

/// <summary>One POST a merchant's webhook endpoint received, as it arrived, whether it verified, and what it was answered.</summary>
public sealed record ReceivedWebhook(
    int Sequence,
    string MerchantId,
    DateTimeOffset ReceivedAt,
    string? WebhookId,
    string Body,
    string? SignatureProblem,
    int AnsweredStatus)
{
    private readonly JsonNode? _json = TryParse(Body);

    /// <summary>True when the Standard Webhooks signature verified with the merchant's secret.</summary>
    public bool Verified => SignatureProblem is null;

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

    /// <summary>Whether the endpoint acknowledged it (2xx).</summary>
    public bool Acknowledged => AnsweredStatus is >= 200 and < 300;

    /// <inheritdoc />
    public override string ToString() =>
        $"#{Sequence} {MerchantId} {Type} id={WebhookId} data.status={DataStatus} v{DataVersion} {(Verified ? "verified" : "NOT VERIFIED: " + SignatureProblem)} → {AnsweredStatus}";

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
/// The merchants' webhook endpoint, in the calling process on a loopback port the OS picks
/// (<c>POST /webhooks/{merchantId}</c>). It verifies every delivery's signature with that merchant's secret on arrival,
/// records everything, and answers per checkout: a script of statuses (e.g. 500, then 200), or a hold (the same failing
/// status until released); otherwise 200. Waiting on it is a barrier signalled per delivery.
/// </summary>
public sealed class MerchantWebhookReceiver : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Dictionary<string, Queue<int>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _holds = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _secrets;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    /// <summary>Creates a receiver for merchants with these webhook secrets (merchant id → <c>whsec_</c> secret).</summary>
    public MerchantWebhookReceiver(IReadOnlyDictionary<string, string> secrets) => _secrets = secrets;

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The webhook URL to configure for a merchant.</summary>
    public Uri UrlFor(string merchantId) => new(BaseAddress, $"webhooks/{merchantId}");

    /// <summary>Starts listening.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/webhooks/{merchantId}", ReceiveAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    /// <summary>The answers to give, in order, to the next deliveries for this checkout; then 200.</summary>
    public void Script(string referenceNo, params int[] statuses)
    {
        lock (_gate)
        {
            _scripts[referenceNo] = new Queue<int>(statuses);
        }
    }

    /// <summary>Answers every delivery for this checkout with <paramref name="status"/> until <see cref="Release"/>.</summary>
    public void Hold(string referenceNo, int status = 500)
    {
        lock (_gate)
        {
            _holds[referenceNo] = status;
        }
    }

    /// <summary>Ends a hold: deliveries for this checkout are answered 200 again.</summary>
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
    /// Waits until the deliveries for a checkout satisfy <paramref name="done"/>; throws <see cref="TimeoutException"/>
    /// listing what did arrive.
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

            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }

    /// <inheritdoc />
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
        // The signature covers the body exactly as sent: read the raw bytes.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = Encoding.UTF8.GetString(buffer.ToArray());
        var id = request.Headers["webhook-id"].FirstOrDefault();
        var problem = _secrets.TryGetValue(merchantId, out var secret)
            ? StandardWebhooksVerifier.Problem(secret, id, request.Headers["webhook-timestamp"].FirstOrDefault(),
                request.Headers["webhook-signature"].FirstOrDefault(), body, DateTimeOffset.UtcNow, StandardWebhooksVerifier.DefaultTolerance)
            : $"unknown merchant '{merchantId}'";

        TaskCompletionSource changed;
        ReceivedWebhook received;
        lock (_gate)
        {
            var provisional = new ReceivedWebhook(_received.Count + 1, merchantId, DateTimeOffset.UtcNow, id, body, problem, 0);
            var reference = provisional.ReferenceNo ?? "";
            int status;
            if (problem is not null)
            {
                status = StatusCodes.Status401Unauthorized;
            }
            else if (_holds.TryGetValue(reference, out var held))
            {
                status = held;
            }
            else if (_scripts.TryGetValue(reference, out var script) && script.Count > 0)
            {
                status = script.Dequeue();
            }
            else
            {
                status = StatusCodes.Status200OK;
            }

            received = provisional with { AnsweredStatus = status };
            _received.Add(received);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return Results.StatusCode(received.AnsweredStatus);
    }
}
