using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orchestrator.NicepaySandbox.Ledger;

namespace Orchestrator.NicepaySandbox.Notifications;

/// <summary>
/// Delivers planned notifications in the background, each on its own task so that a slow receiver, a delay or a held
/// notification never holds up another. Any 2xx is delivered; anything else is retried per
/// <see cref="SandboxOptions.NotificationRetrySchedule"/> (NICEPAY documents no retries, so none by default).
/// </summary>
internal sealed partial class NotificationDispatcher(
    NotificationOutbox outbox,
    TransactionLedger ledger,
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    IOptionsMonitor<SandboxOptions> options,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    /// <summary>The named HttpClient notifications are posted with.</summary>
    public const string HttpClientName = "Orchestrator.NicepaySandbox.Notifications";

    /// <summary>The User-Agent NICEPAY's notifications carry (contract §5.1).</summary>
    public const string UserAgent = "Jakarta Commons-HttpClient/3.1";

    private readonly Lock _heldGate = new();
    private List<TaskCompletionSource> _held = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var record in outbox.Reader.ReadAllAsync(stoppingToken))
            {
                // Deliberately not awaited: each notification runs its own course (delays, holds, retries).
                _ = DeliverAsync(record, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host is stopping; notifications still queued are dropped with the in-memory state.
        }
    }

    private async Task DeliverAsync(NotificationRecord record, CancellationToken stoppingToken)
    {
        try
        {
            if (record.DelayBeforeSend is { } delay)
            {
                ledger.SetDeliveryState(record, DeliveryState.Delayed);
                await Task.Delay(delay, time, stoppingToken);
            }

            if (record.HoldForNext)
            {
                ledger.SetDeliveryState(record, DeliveryState.Held);
                await WaitForNextNotificationAsync(record.HoldAtMost, stoppingToken);
            }

            await SendWithRetriesAsync(record, stoppingToken);
            if (record.ReverseAfterDelivery)
            {
                ledger.Reverse(record.TXid, applyFaults: false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host is stopping.
        }
        catch (Exception exception)
        {
            // A bug here must not take the dispatcher down with it; the ledger shows the notification as not delivered.
            LogDeliveryCrashed(exception, record.Id, record.TXid);
            ledger.SetDeliveryState(record, DeliveryState.Failed);
        }
    }

    private async Task SendWithRetriesAsync(NotificationRecord record, CancellationToken stoppingToken)
    {
        var schedule = options.CurrentValue.NotificationRetrySchedule.ToArray();
        for (var attempt = 0; ; attempt++)
        {
            ledger.SetDeliveryState(record, DeliveryState.Sending);
            var result = await PostAsync(record, stoppingToken);
            var delivered = result.HttpStatus is >= 200 and < 300;
            var last = attempt >= schedule.Length;
            ledger.RecordAttempt(
                record, result, delivered ? DeliveryState.Delivered : last ? DeliveryState.Failed : DeliveryState.RetryScheduled);
            LogAttempt(record.Id, record.TXid, attempt + 1, result.HttpStatus, result.Error);
            if (attempt == 0 && !record.HoldForNext)
            {
                ReleaseHeld();
            }

            if (delivered || last)
            {
                return;
            }

            await Task.Delay(schedule[attempt], time, stoppingToken);
        }
    }

    private async Task<NotificationAttempt> PostAsync(NotificationRecord record, CancellationToken stoppingToken)
    {
        var at = JakartaTime.ToJakarta(time.GetUtcNow());
        var started = Stopwatch.GetTimestamp();
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var content = new FormUrlEncodedContent(record.Fields);
            using var response = await client.PostAsync(record.Url, content, stoppingToken);
            return new NotificationAttempt(at, (int)response.StatusCode, null, ElapsedMs(started));
        }
        catch (HttpRequestException exception)
        {
            return new NotificationAttempt(at, null, exception.Message, ElapsedMs(started));
        }
        catch (TaskCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return new NotificationAttempt(at, null, $"timeout after {options.CurrentValue.NotificationTimeout}", ElapsedMs(started));
        }
    }

    /// <summary>Fault <c>reorder</c>: wait until another notification has had its first attempt (or the optional limit passes).</summary>
    private async Task WaitForNextNotificationAsync(TimeSpan? atMost, CancellationToken stoppingToken)
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_heldGate)
        {
            _held.Add(next);
        }

        if (atMost is { } limit)
        {
            using var limitCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var limitReached = Task.Delay(limit, time, limitCancellation.Token);
            await Task.WhenAny(next.Task, limitReached);
            await limitCancellation.CancelAsync();
            stoppingToken.ThrowIfCancellationRequested();
        }
        else
        {
            await next.Task.WaitAsync(stoppingToken);
        }
    }

    private void ReleaseHeld()
    {
        List<TaskCompletionSource> released;
        lock (_heldGate)
        {
            released = _held;
            _held = [];
        }

        foreach (var held in released)
        {
            held.TrySetResult();
        }
    }

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} for {TXid}, attempt {Attempt}: HTTP {HttpStatus} {Error}")]
    private partial void LogAttempt(string notificationId, string tXid, int attempt, int? httpStatus, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering notification {NotificationId} for {TXid} failed unexpectedly")]
    private partial void LogDeliveryCrashed(Exception exception, string notificationId, string tXid);
}
