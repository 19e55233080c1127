using Microsoft.Extensions.Logging;

namespace Orchestrator.Nicepay;

/// <summary>
/// Sits inside the resilience pipeline, so it sees every attempt: it numbers and logs attempts, reads the whole
/// response body within the attempt's timeout (HttpClient would otherwise read it after the pipeline, outside
/// every timeout), and records each attempt's fate on the <see cref="NicepayCall"/>.
/// </summary>
internal sealed class NicepayAttemptHandler(ILogger<NicepayAttemptHandler> logger, TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(NicepayCall.OptionsKey, out var call))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var attempt = call.BeginAttempt();
        var started = timeProvider.GetTimestamp();
        NicepayLog.AttemptStarting(logger, call.Operation, call.IMid, call.ReferenceNo, call.TransactionId, attempt);

        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(NicepayTransport.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            response?.Dispose();
            call.RecordFailure(exception);
            var failedAfterMs = Elapsed(started);
            var exceptionType = exception.GetType().Name;
            var notSent = NicepayTransport.IsNotSent(exception);
            NicepayLog.AttemptFailed(logger, call.Operation, attempt, exceptionType, failedAfterMs, notSent);
            throw;
        }

        call.RecordAnswer(response.StatusCode);
        var answeredAfterMs = Elapsed(started);
        NicepayLog.AttemptAnswered(logger, call.Operation, attempt, (int)response.StatusCode, answeredAfterMs);
        return response;
    }

    private long Elapsed(long started) => (long)timeProvider.GetElapsedTime(started).TotalMilliseconds;
}
