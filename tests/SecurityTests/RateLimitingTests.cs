using System.Net;
using System.Net.Http.Json;
using Orchestrator.Api.Errors;
using Orchestrator.SecurityTests.Infrastructure;

namespace Orchestrator.SecurityTests;

/// <summary>
/// Token buckets of 3 requests refilled by 1 a second (<see cref="RateLimitedHost"/>). Buckets refill on a timer, so each
/// test first drains the bucket it is about ("until a 429") and then checks what shares it and what does not; a test
/// that happens to straddle a refill tries again.
/// </summary>
[Collection(SharedRateLimitedHost.Name)]
[Trait("Category", "Security")]
public sealed class RateLimitingTests(RateLimitedHost host)
{
    private const int Attempts = 5;

    [Fact]
    public async Task MerchantApi_OverTheBurst_Answers429ProblemWithRetryAfterAndDoesNothing()
    {
        using var client = host.Client(RateLimitedHost.SoloKey);
        var references = new List<string>();

        var answers = new List<WireAnswer>();
        for (var i = 0; i < 20 && answers.All(answer => answer.Code != 429); i++)
        {
            var reference = SecurityHost.NewReference("RATE");
            references.Add(reference);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/checkouts") { Content = JsonContent.Create(SecurityHost.CreateBody(reference)) };
            answers.Add(await WireAnswer.SendAsync(client, request));
        }

        var rejected = answers[^1];
        Assert.True(rejected.Code == 429, $"No 429 after {answers.Count} creates: {string.Join(", ", answers.Select(answer => answer.Code))}");
        Assert.True(answers.Count > RateLimitedHost.Burst, $"The burst ({RateLimitedHost.Burst}) should pass before the first 429, got {answers.Count - 1}.");
        Assert.Null(rejected.ProblemDefect);
        Assert.Equal(ProblemTypes.TooManyRequests, rejected.ProblemType);
        var retryAfter = Assert.Single(rejected.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds >= 1, $"Retry-After should be whole seconds, got '{retryAfter}'");

        // The refused create did nothing (asked through the operator's bucket, which other tests may have drained).
        var details = 429;
        for (var i = 0; i < 30 && details == 429; i++)
        {
            details = await SendAsync(SecurityHost.OperatorKey, $"/ops/checkouts/solo/{references[^1]}");
            if (details == 429)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }

        Assert.Equal((int)HttpStatusCode.NotFound, details);
    }

    [Fact]
    public async Task MerchantBucket_IsSharedByTheMerchantsKeys_AndNotByOtherMerchants()
    {
        await RetryAcrossRefillsAsync(async () =>
        {
            await DrainAsync(SecurityHost.DemoKey, "/v1/checkouts/NOPE-1");
            var rotated = await SendAsync(SecurityHost.DemoRotatedKey, "/v1/checkouts/NOPE-1");
            var acme = await SendAsync(SecurityHost.AcmeKey, "/v1/checkouts/NOPE-1");
            return rotated != 429
                ? (false, $"demo's second key after demo's first drained the bucket: {rotated}")
                : (acme == 404, $"acme while demo is limited: {acme}");
        });
    }

    [Fact]
    public async Task OperatorBucket_IsSeparateFromMerchants()
    {
        await RetryAcrossRefillsAsync(async () =>
        {
            await DrainAsync(SecurityHost.DemoKey, "/v1/checkouts/NOPE-2");
            var operatorAnswer = await SendAsync(SecurityHost.OperatorKey, "/ops/stats");
            return (operatorAnswer == 200, $"the operator while demo is limited: {operatorAnswer}");
        });

        var drained = await DrainAsync(SecurityHost.OperatorKey, "/ops/stats");
        Assert.True(drained, "The operator key has a bucket of its own and reaches its limit too.");
    }

    [Fact]
    public async Task RequestsWithoutAValidKey_AreLimitedByAddress()
    {
        var drained = await DrainAsync(apiKey: null, "/v1/checkouts/NOPE-3");

        Assert.True(drained, "Requests without a key should reach the unauthenticated limit (429 instead of 401).");
        Assert.Equal(429, await SendAsync("not-a-configured-key-0001", "/ops/stats"));
    }

    [Fact]
    public async Task NicepayCallback_IsLimitedPerMerchant_AndUnknownMerchantsShareOneBucket()
    {
        await RetryAcrossRefillsAsync(async () =>
        {
            await DrainCallbackAsync("demo");
            var acme = await CallbackAsync("acme");
            return (acme == 400, $"acme's callback while demo's is limited: {acme}");
        });

        await RetryAcrossRefillsAsync(async () =>
        {
            await DrainCallbackAsync("nobody-1");
            var other = await CallbackAsync("nobody-2");
            return (other == 429, $"an invented merchant id after another drained the shared bucket: {other}");
        });
    }

    /// <summary>Sends until a 429 (true) or 30 requests (false).</summary>
    private async Task<bool> DrainAsync(string? apiKey, string path)
    {
        for (var i = 0; i < 30; i++)
        {
            if (await SendAsync(apiKey, path) == 429)
            {
                return true;
            }
        }

        return false;
    }

    private async Task DrainCallbackAsync(string merchantId)
    {
        for (var i = 0; i < 30 && await CallbackAsync(merchantId) != 429; i++)
        {
        }
    }

    private async Task<int> SendAsync(string? apiKey, string path)
    {
        using var client = host.Client(apiKey);
        using var response = await client.GetAsync(path);
        return (int)response.StatusCode;
    }

    /// <summary>A notification without a referenceNo: 400 when let through.</summary>
    private async Task<int> CallbackAsync(string merchantId)
    {
        using var client = host.Client();
        using var response = await client.PostAsync($"/callbacks/nicepay/{merchantId}", new FormUrlEncodedContent([new("tXid", "X")]));
        return (int)response.StatusCode;
    }

    /// <summary>
    /// Runs a drain-then-check step until it holds; a bucket refilled between the drain and the check (once a second)
    /// makes one attempt inconclusive, never several in a row.
    /// </summary>
    private static async Task RetryAcrossRefillsAsync(Func<Task<(bool Holds, string Observed)>> step)
    {
        var observed = "";
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            (var holds, observed) = await step();
            if (holds)
            {
                return;
            }
        }

        Assert.Fail($"After {Attempts} attempts: {observed}");
    }
}
