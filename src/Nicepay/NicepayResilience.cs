using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Orchestrator.Nicepay;

/// <summary>
/// The per-operation resilience pipelines. Each is, outermost first: a total-budget timeout, a retry (if the
/// operation may be retried at all), and a per-attempt timeout.
/// </summary>
internal static class NicepayResilience
{
    /// <summary>
    /// Registration creates a payment code, and NICEPAY offers no idempotency key: a second attempt after one
    /// that may have arrived could create a second transaction or fail with 9009 while the first succeeded.
    /// So the only retry is after a connection that was never made (refused, DNS), when nothing was sent.
    /// </summary>
    public static void ConfigureRegistration(ResiliencePipelineBuilder<HttpResponseMessage> builder, NicepayOptions options)
    {
        builder.AddTimeout(Timeout("registration-budget", options.RegistrationTotalBudget));
        if (options.RegistrationMaxConnectAttempts > 1)
        {
            builder.AddRetry(Retry(
                "registration-connect-retry",
                options.RegistrationMaxConnectAttempts,
                options,
                static args => ValueTask.FromResult(args.Outcome.Exception is { } exception && NicepayTransport.IsNotSent(exception))));
        }

        builder.AddTimeout(Timeout("registration-attempt", options.RegistrationTimeout));
    }

    /// <summary>Inquiry reads; cancel of an unpaid code converges. Both are retried on transient failures.</summary>
    public static void ConfigureRetried(
        ResiliencePipelineBuilder<HttpResponseMessage> builder,
        string name,
        TimeSpan totalBudget,
        int maxAttempts,
        TimeSpan attemptTimeout,
        NicepayOptions options)
    {
        builder.AddTimeout(Timeout($"{name}-budget", totalBudget));
        if (maxAttempts > 1)
        {
            builder.AddRetry(Retry($"{name}-retry", maxAttempts, options, static args => ValueTask.FromResult(IsTransient(args.Outcome))));
        }

        builder.AddTimeout(Timeout($"{name}-attempt", attemptTimeout));
    }

    /// <summary>Connection errors, attempt timeouts, 5xx, 408 and 429.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => NicepayTransport.IsTransientStatus(response.StatusCode),
        _ => false,
    };

    private static HttpTimeoutStrategyOptions Timeout(string name, TimeSpan timeout) => new() { Name = name, Timeout = timeout };

    private static HttpRetryStrategyOptions Retry(
        string name,
        int maxAttempts,
        NicepayOptions options,
        Func<RetryPredicateArguments<HttpResponseMessage>, ValueTask<bool>> shouldHandle) => new()
        {
            Name = name,
            MaxRetryAttempts = maxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.DisableRetryDelays ? TimeSpan.Zero : options.RetryBaseDelay,
            MaxDelay = options.RetryMaxDelay,

            // Polly does not cap a generated delay with MaxDelay, so the built-in Retry-After support could spend the
            // whole budget on one wait. Honour the server's hint, capped like any other delay. (The setter of
            // ShouldRetryAfterHeader replaces DelayGenerator, so it must come first.)
            ShouldRetryAfterHeader = false,
            DelayGenerator = options.DisableRetryDelays
                ? null
                : args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.RetryMaxDelay)),
            ShouldHandle = shouldHandle,
        };

    /// <summary>
    /// The delay a <c>Retry-After</c> header asks for (seconds, or a date relative to the response's own
    /// <c>Date</c>), capped at <paramref name="maxDelay"/>; null when there is no usable header.
    /// </summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan maxDelay)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta
            ?? (header?.Date is { } until && response!.Headers.Date is { } sent ? until - sent : null);
        return delay is { } value ? TimeSpan.FromTicks(Math.Clamp(value.Ticks, 0, maxDelay.Ticks)) : null;
    }
}
