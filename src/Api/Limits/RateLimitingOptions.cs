using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Limits;

/// <summary>
/// Request rate limits, bound from <c>RateLimiting</c>. Each caller has its own token bucket: it holds up to
/// <see cref="TokenBucketLimit.Burst"/> requests and refills by <see cref="TokenBucketLimit.PermitsPerSecond"/> every
/// second. The limits are per silo: behind a load balancer that spreads requests over N silos a caller gets up to N times
/// these. Read at start-up.
/// </summary>
public sealed class RateLimitingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RateLimiting";

    /// <summary>False turns every limit off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Per merchant on <c>/v1</c>. All of a merchant's keys share one bucket, so rotating keys does not double the
    /// allowance.
    /// </summary>
    public TokenBucketLimit Merchant { get; set; } = new() { PermitsPerSecond = 50, Burst = 100 };

    /// <summary>Per operator key on <c>/ops</c> and <c>/dashboard</c> (the dashboard polls several times a second).</summary>
    public TokenBucketLimit Operator { get; set; } = new() { PermitsPerSecond = 20, Burst = 100 };

    /// <summary>Per client IP address, for requests to <c>/v1</c>, <c>/ops</c> and <c>/dashboard</c> without a valid key.</summary>
    public TokenBucketLimit Unauthenticated { get; set; } = new() { PermitsPerSecond = 10, Burst = 20 };

    /// <summary>
    /// Per client IP address and merchant on the NICEPAY callback. Generous on purpose: NICEPAY sends one notification
    /// per payment and documents no retries, so this only stops floods. A notification refused anyway is not a lost
    /// payment: the checkout's status checks ask NICEPAY until it expires.
    /// </summary>
    public TokenBucketLimit NicepayCallback { get; set; } = new() { PermitsPerSecond = 100, Burst = 1000 };
}

/// <summary>One token bucket.</summary>
public sealed class TokenBucketLimit
{
    /// <summary>Requests added back every second.</summary>
    public int PermitsPerSecond { get; set; }

    /// <summary>The most requests accepted at once after a quiet spell (the size of the bucket).</summary>
    public int Burst { get; set; }
}

/// <summary>Checks <c>RateLimiting</c> at start-up, naming each key to fix.</summary>
internal sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
{
    private const int Most = 1_000_000;

    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
    {
        var failures = new List<string>();
        Check(nameof(RateLimitingOptions.Merchant), options.Merchant, failures);
        Check(nameof(RateLimitingOptions.Operator), options.Operator, failures);
        Check(nameof(RateLimitingOptions.Unauthenticated), options.Unauthenticated, failures);
        Check(nameof(RateLimitingOptions.NicepayCallback), options.NicepayCallback, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string caller, TokenBucketLimit? limit, List<string> failures)
    {
        var path = $"{RateLimitingOptions.SectionName}:{caller}";
        if (limit is null)
        {
            failures.Add($"{path} is required.");
            return;
        }

        if (limit.PermitsPerSecond is < 1 or > Most)
        {
            failures.Add($"{path}:PermitsPerSecond must be a whole number from 1 to {Most}.");
        }

        if (limit.Burst is < 1 or > Most)
        {
            failures.Add($"{path}:Burst must be a whole number from 1 to {Most}.");
        }
    }
}
