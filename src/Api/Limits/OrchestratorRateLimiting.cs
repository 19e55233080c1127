using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Authentication;
using Orchestrator.Api.Errors;
using Orchestrator.Contracts.Merchants;

namespace Orchestrator.Api.Limits;

/// <summary>The rate-limiting policies endpoints opt into with <c>RequireRateLimiting</c>.</summary>
public static class OrchestratorRateLimitPolicies
{
    /// <summary>
    /// <c>/v1</c>, <c>/ops</c> and <c>/dashboard</c>: one bucket per merchant (merchant keys), per operator key, or per
    /// client IP address (no valid key), sized by <c>RateLimiting:Merchant</c>, <c>:Operator</c> and
    /// <c>:Unauthenticated</c>.
    /// </summary>
    public const string Caller = "caller";

    /// <summary>The NICEPAY callback: one bucket per client IP address and merchant (<c>RateLimiting:NicepayCallback</c>).</summary>
    public const string NicepayCallback = "nicepay-callback";
}

/// <summary>
/// ASP.NET Core's rate limiter with token buckets. Runs after authentication, so a merchant's bucket is found by the
/// merchant id of its key, not by an address that many merchants may share. Rejections are 429 ProblemDetails with
/// <c>Retry-After</c> in seconds; they are counted by ASP.NET Core's <c>aspnetcore.rate_limiting.requests</c> metric
/// (<c>rate_limiting.result = endpoint_limiter</c>) rather than logged, so a flood does not flood the logs too.
/// </summary>
internal static class OrchestratorRateLimiting
{
    private const string Unknown = "-";

    public static IServiceCollection AddOrchestratorRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitingOptions>().Bind(configuration.GetSection(RateLimitingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>());
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
            options.AddPolicy(OrchestratorRateLimitPolicies.Caller, ByCaller);
            options.AddPolicy(OrchestratorRateLimitPolicies.NicepayCallback, ByNicepayAddress);
        });
        return services;
    }

    private static RateLimitPartition<string> ByCaller(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        if (!limits.Enabled)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        var user = context.User;
        if (user.FindFirstValue(OrchestratorClaims.MerchantId) is { } merchantId)
        {
            return Bucket($"merchant:{merchantId}", limits.Merchant);
        }

        if (user.IsInRole(OrchestratorClaims.OperatorRole))
        {
            // The key's configuration path ("Operators:ApiKeys:0"), never the key.
            return Bucket($"operator:{user.FindFirstValue(OrchestratorClaims.KeyId)}", limits.Operator);
        }

        return Bucket($"anonymous:{Address(context)}", limits.Unauthenticated);
    }

    private static RateLimitPartition<string> ByNicepayAddress(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        if (!limits.Enabled)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        // The merchant id comes from the path: only configured ones get their own bucket, so inventing ids cannot make
        // new buckets (memory) or escape the limit; unknown merchants share one and are answered 404 anyway.
        var merchantId = context.GetRouteValue("merchantId") as string;
        var merchants = context.RequestServices.GetRequiredService<IOptionsMonitor<MerchantsOptions>>().CurrentValue.Merchants;
        var merchant = merchantId is not null && merchants.ContainsKey(merchantId) ? merchantId : Unknown;
        return Bucket($"nicepay:{Address(context)}:{merchant}", limits.NicepayCallback);
    }

    /// <summary>
    /// The client's address as the server saw it. Behind a reverse proxy that is the proxy's, unless the host applies
    /// <c>X-Forwarded-For</c> from known proxies (ForwardedHeadersOptions); the limits are generous enough for that.
    /// </summary>
    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? Unknown;

    private static RateLimitPartition<string> Bucket(string key, TokenBucketLimit limit) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = limit.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            AutoReplenishment = true,

            // No queue: a caller over its rate is told to come back (429 + Retry-After), not kept waiting on a thread.
            QueueLimit = 0,
        });

    private static async ValueTask RejectAsync(OnRejectedContext rejection, CancellationToken cancellationToken)
    {
        var context = rejection.HttpContext;
        var seconds = rejection.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.TooManyRequests,
                Title = "Too many requests",
                Detail = $"The request rate limit was reached; nothing was done. Retry in {seconds} second(s).",
            },
        });
    }
}
