using System.Net;
using System.Net.Http.Headers;

namespace Orchestrator.Nicepay.Tests;

public sealed class ResilienceTests
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(120, 2)]
    [InlineData(0, 0)]
    public void RetryAfter_WithDeltaSeconds_IsCappedAtMaxDelay(int seconds, int expectedSeconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), NicepayResilience.RetryAfter(response, MaxDelay));
    }

    [Fact]
    public void RetryAfter_WithDateRelativeToResponseDate_IsCappedAtMaxDelay()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.Date = NicepayTestHost.Now;
        response.Headers.RetryAfter = new RetryConditionHeaderValue(NicepayTestHost.Now.AddSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1), NicepayResilience.RetryAfter(response, MaxDelay));

        response.Headers.RetryAfter = new RetryConditionHeaderValue(NicepayTestHost.Now.AddMinutes(5));
        Assert.Equal(MaxDelay, NicepayResilience.RetryAfter(response, MaxDelay));
    }

    [Fact]
    public void RetryAfter_WithoutUsableHeader_ReturnsNull()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Null(NicepayResilience.RetryAfter(response, MaxDelay));
        Assert.Null(NicepayResilience.RetryAfter(null, MaxDelay));

        response.Headers.RetryAfter = new RetryConditionHeaderValue(NicepayTestHost.Now);
        Assert.Null(NicepayResilience.RetryAfter(response, MaxDelay));
    }

    [Fact]
    public async Task InquireAsync_WhenServerAsksToRetryAfterTenMinutes_RetriesWithinSeconds()
    {
        using var host = new NicepayTestHost(new Dictionary<string, string?>
        {
            ["DisableRetryDelays"] = "false",
            ["RetryMaxDelay"] = "00:00:02",
        });
        host.Gateway.AnswerInSequence(
            _ =>
            {
                var busy = FakeNicepay.Json("busy", HttpStatusCode.ServiceUnavailable);
                busy.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(10));
                return Task.FromResult(busy);
            },
            FakeNicepay.Answer(Demo.InquirySuccess()));

        var call = host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest("IONPAYTEST03201804191327346753", "ORD12345", 10000));
        await host.Gateway.FirstRequest;
        var second = host.Gateway.WhenRequests(2);
        // The retry's delay timer is armed asynchronously after the first answer, so step the fake clock until the
        // second attempt arrives. Uncapped, that takes the 10 minutes asked for; capped, 2 s after the timer is armed.
        var limit = TimeSpan.FromMinutes(1);
        for (var stepped = TimeSpan.Zero; !second.IsCompleted; stepped += TimeSpan.FromMilliseconds(200))
        {
            Assert.True(stepped < limit, $"no second attempt after {stepped} of fake time: Retry-After was not capped");
            await Task.Yield();
            host.Time.Advance(TimeSpan.FromMilliseconds(200));
        }

        var result = await call;
        Assert.Equal(NicepayOutcome.Succeeded, result.Outcome);
    }
}
