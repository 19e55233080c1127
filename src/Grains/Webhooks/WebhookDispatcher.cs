using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Grains.Checkouts;

namespace Orchestrator.Grains.Webhooks;

/// <summary>One attempt to send one event, handed from a checkout grain to the dispatcher.</summary>
/// <param name="CheckoutKey">The grain to report the attempt to.</param>
/// <param name="EventId">The event id (<c>webhook-id</c>).</param>
/// <param name="Body">The frozen JSON body.</param>
/// <param name="Endpoint">The merchant's webhook URL.</param>
/// <param name="Secret">The merchant's <c>whsec_</c> secret; held in memory only for the attempt.</param>
public sealed record WebhookDispatch(string CheckoutKey, string EventId, string Body, Uri Endpoint, string Secret)
{
    /// <summary>Redacts the secret.</summary>
    public override string ToString() => $"WebhookDispatch {{ CheckoutKey = {CheckoutKey}, EventId = {EventId}, Endpoint = {Endpoint} }}";
}

/// <summary>
/// Sends merchant webhooks off the grains' turns, so a slow merchant endpoint never blocks a checkout, and reports
/// every attempt back to the checkout grain, which persists it and decides the next one. The queue is in memory on
/// purpose: the durable truth is the grain's outbox, and its reminder re-dispatches whatever a crash dropped.
/// </summary>
public sealed partial class WebhookDispatcher(
    IHttpClientFactory httpClientFactory,
    IGrainFactory grainFactory,
    TimeProvider timeProvider,
    IOptions<CheckoutTimingOptions> timing,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The named HttpClient used for webhooks.</summary>
    public const string HttpClientName = "merchant-webhooks";

    private const int MaxConcurrentDeliveries = 32;

    private readonly Channel<WebhookDispatch> _queue = Channel.CreateUnbounded<WebhookDispatch>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    /// <summary>Queues an attempt; returns at once.</summary>
    public void Enqueue(WebhookDispatch dispatch) => _queue.Writer.TryWrite(dispatch);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(
            _queue.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentDeliveries, CancellationToken = stoppingToken },
            async (dispatch, token) => await DeliverAsync(dispatch, token));

    /// <summary>Sends one attempt and reports it; never throws.</summary>
    public async Task DeliverAsync(WebhookDispatch dispatch, CancellationToken cancellationToken)
    {
        var attempt = await SendAsync(dispatch, cancellationToken);
        try
        {
            await grainFactory.GetGrain<IWebhookAttemptReceiver>(dispatch.CheckoutKey)
                .RecordWebhookAttemptAsync(dispatch.EventId, attempt);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The outbox still holds the event as pending: the checkout's reminder sends it again.
            LogReportFailed(logger, dispatch.CheckoutKey, dispatch.EventId, exception.GetType().Name);
        }
    }

    private async Task<WebhookAttemptView> SendAsync(WebhookDispatch dispatch, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        try
        {
            var timestamp = startedAt.ToUnixTimeSeconds();
            var key = StandardWebhookSigner.DecodeSecret(dispatch.Secret);
            using var request = new HttpRequestMessage(HttpMethod.Post, dispatch.Endpoint)
            {
                Content = new StringContent(dispatch.Body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", dispatch.EventId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", StandardWebhookSigner.Sign(key, dispatch.EventId, timestamp, dispatch.Body));
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Orchestrator-Webhooks", "1.0"));

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(timing.Value.WebhookTimeout);
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = "timeout";
        }
        catch (HttpRequestException exception)
        {
            error = exception.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connection_failed",
                HttpRequestError.NameResolutionError => "name_resolution_failed",
                HttpRequestError.SecureConnectionError => "tls_failed",
                _ => "request_failed",
            };
        }
        catch (FormatException)
        {
            error = "invalid_webhook_secret";
        }

        LogAttempt(logger, dispatch.CheckoutKey, dispatch.EventId, status, error, stopwatch.Elapsed.TotalMilliseconds);
        return new WebhookAttemptView
        {
            At = startedAt,
            HttpStatus = status,
            Error = error,
            DurationMs = Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} for {CheckoutKey}: status {HttpStatus}, error {Error}, {ElapsedMs} ms")]
    private static partial void LogAttempt(ILogger logger, string checkoutKey, string eventId, int? httpStatus, string? error, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report webhook attempt {EventId} to {CheckoutKey} ({Error}); the checkout's reminder will retry")]
    private static partial void LogReportFailed(ILogger logger, string checkoutKey, string eventId, string error);
}

/// <summary>Where the dispatcher reports attempts: implemented by the checkout grain.</summary>
public interface IWebhookAttemptReceiver : IGrainWithStringKey
{
    /// <summary>Records an attempt for an event; ignored when the event is no longer pending.</summary>
    Task RecordWebhookAttemptAsync(string eventId, WebhookAttemptView attempt);
}
