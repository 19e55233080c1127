using System.Net;
using Microsoft.Extensions.Logging.Testing;

namespace Orchestrator.Nicepay.Tests;

public sealed class SecretsTests
{
    [Fact]
    public async Task Calls_AcrossEveryOutcome_NeverExposeMerchantKeyOrToken()
    {
        using var host = new NicepayTestHost(new Dictionary<string, string?> { ["RegistrationTimeout"] = "00:00:05" });
        var results = new List<object>();
        var exceptions = new List<Exception>();

        // Success.
        host.Gateway.AnswerAlways(Demo.RegistrationSuccess());
        results.Add(await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration()));

        // A rejection whose message quotes the key (a hostile or careless gateway); the token is quoted below.
        host.Gateway.AnswerAlways(Demo.Rejection("9010", $"Invalid Merchant Token, key {Demo.MerchantKey.Replace("/", "\\/", StringComparison.Ordinal)}"));
        results.Add(await host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest("T1", "ORD12345", 10000)));

        // Timeout.
        host.Gateway.Respond = (_, cancellationToken) => FakeNicepay.NeverAnswer(cancellationToken);
        var pending = host.Client.RegisterAsync(Demo.Credentials, Demo.Registration("ORD-TIMEOUT"));
        await host.Gateway.WhenRequests(3);
        host.Time.Advance(TimeSpan.FromSeconds(5));
        results.Add(await pending);

        // Server errors with retries, garbage, and a broken connection.
        host.Gateway.AnswerAlways("internal error", HttpStatusCode.InternalServerError);
        results.Add(await host.Client.CancelAsync(Demo.Credentials, new CvsCancelRequest("T2", 10000)));
        host.Gateway.AnswerAlways("not json");
        results.Add(await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration("ORD-GARBAGE")));
        host.Gateway.AnswerInSequence(FakeNicepay.Fail(HttpRequestError.ResponseEnded));
        results.Add(await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration("ORD-LOST")));

        // Invalid arguments.
        exceptions.Add(await Assert.ThrowsAsync<ArgumentException>(
            () => host.Client.RegisterAsync(Demo.Credentials, Demo.Registration() with { Cart = [new NicepayCartItem { Name = "x", Amount = 1 }] })));
        exceptions.Add(await Assert.ThrowsAsync<ArgumentException>(
            () => host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest("T3", " ", 10000))));

        var tokens = host.Gateway.Requests.Select(request => request.Fields["merchantToken"]).Distinct().ToList();
        // Six calls sent, one token each: the cancel's three attempts re-send the same signed body.
        Assert.Equal(8, host.Gateway.Requests.Count);
        Assert.Equal(6, tokens.Count);
        var secrets = tokens.Prepend(Demo.MerchantKey).ToList();

        var records = host.Logs.GetSnapshot();
        Assert.Contains(records, record => record.Message.Contains("resultCd 9010", StringComparison.Ordinal));
        Assert.Contains(records, record => record.Message.Contains("Timeout", StringComparison.Ordinal));
        var texts = records.SelectMany(Texts)
            .Concat(results.Select(result => result.ToString()!))
            .Concat(exceptions.Select(exception => exception.ToString()));
        foreach (var text in texts)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task RejectionMessage_QuotingTheToken_IsRedacted()
    {
        using var host = new NicepayTestHost();
        var token = MerchantToken.ForRegistration("20221202152801", Demo.IMid, "Order12345", "5000", Demo.MerchantKey);
        host.Gateway.AnswerAlways(Demo.Rejection("9010", $"token {token} does not match"));

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(token, Assert.Single(host.Gateway.Requests).Fields["merchantToken"]);
        Assert.Equal("token *** does not match", result.Rejection!.Message);
    }

    private static IEnumerable<string> Texts(FakeLogRecord record)
    {
        yield return record.Message;
        yield return record.Category ?? string.Empty;
        if (record.Exception is not null)
        {
            yield return record.Exception.ToString();
        }

        foreach (var (key, value) in record.StructuredState ?? [])
        {
            yield return $"{key}={value}";
        }

        foreach (var scope in record.Scopes)
        {
            yield return scope?.ToString() ?? string.Empty;
        }
    }
}
