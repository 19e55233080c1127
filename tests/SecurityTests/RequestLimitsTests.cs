using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Limits;
using Orchestrator.SecurityTests.Infrastructure;

namespace Orchestrator.SecurityTests;

/// <summary>
/// Body, request-line and header limits and the slow-client protections, over real HTTP (Kestrel on loopback): the
/// test server applies none of Kestrel's own limits.
/// </summary>
[Collection(SharedKestrelHost.Name)]
[Trait("Category", "Security")]
public sealed class RequestLimitsTests(KestrelHost host)
{
    [Fact]
    public void Kestrel_ConfiguredHeadersTimeout_Applies()
    {
        // Kestrel:Limits:* overrides a limit (this host: 2 s for headers) and leaves the others as the Silo sets them.
        var limits = host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(TimeSpan.FromSeconds(KestrelHost.HeadersTimeoutSeconds), limits.RequestHeadersTimeout);
        Assert.Equal(1024 * 1024, limits.MaxRequestBodySize);
        Assert.NotNull(limits.MinRequestBodyDataRate);
    }

    [Fact]
    public async Task CreateCheckout_ChunkedBodyOverTheLimit_Answers413ProblemAndCreatesNothing()
    {
        using var client = host.Client(SecurityHost.DemoKey);
        var reference = SecurityHost.NewReference("CHUNKED");
        var create = SecurityHost.CreateBody(reference);
        create["goodsName"] = new string('c', 200_000);
        var body = JsonSerializer.SerializeToUtf8Bytes(create);

        // No Content-Length: Kestrel counts the bytes as they come (the limit endpoint routing gave it).
        using var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/checkouts") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var answer = await WireAnswer.SendAsync(client, request);

        Assert.True(answer.Code == 413 && answer.ProblemDefect is null, $"Expected a 413 problem, got {answer}");
        Assert.Equal(ProblemTypes.PayloadTooLarge, answer.ProblemType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/checkouts/{reference}")).StatusCode);
    }

    [Fact]
    public async Task CreateCheckout_LargestValidRequestWithEveryCharacterEscaped_FitsTheLimit()
    {
        // Every field at its longest, in a character a client may escape as \uXXXX (six bytes each).
        const char Wide = '\u00E9';
        var reference = SecurityHost.NewReference("LARGEST");
        var create = SecurityHost.CreateBody(reference);
        create["goodsName"] = new string(Wide, 100);
        create["customer"] = new Dictionary<string, object?>
        {
            ["name"] = new string(Wide, 100),
            ["phone"] = "+" + new string('6', 15),
            ["email"] = new string(Wide, 28) + "@example.com",
        };
        create["metadata"] = Enumerable.Range(0, 20).ToDictionary(i => new string(Wide, 38) + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), _ => new string(Wide, 500));
        var body = JsonSerializer.SerializeToUtf8Bytes(create);

        using var client = host.Client(SecurityHost.DemoKey);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("v1/checkouts", content);

        Assert.InRange(body.Length, 64 * 1024, RequestBodyLimits.Api);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("v1/checkouts", RequestBodyLimits.Api)]
    [InlineData("callbacks/nicepay/demo", RequestBodyLimits.NicepayCallback)]
    public async Task Post_DeclaredLengthOverTheLimit_Answers413Problem(string path, long limit)
    {
        using var client = host.Client(SecurityHost.DemoKey);
        using var content = new ByteArrayContent(new byte[limit + 1]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        var answer = await WireAnswer.SendAsync(client, request);

        Assert.True(answer.Code == 413 && answer.ProblemDefect is null, $"Expected a 413 problem, got {answer}");
    }

    [Fact]
    public async Task AnyPath_BodyOverOneMebibyte_Answers413()
    {
        // The demo webhook receiver (development only) declares no limit of its own: Kestrel's 1 MiB applies.
        using var client = host.Client();
        using var content = new ByteArrayContent(new byte[(1024 * 1024) + 1]);

        using var response = await client.PostAsync("demo/webhooks/demo", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task RequestLineOverEightKibibytes_IsRefusedByKestrel()
    {
        using var client = host.Client(SecurityHost.DemoKey);

        using var response = await client.GetAsync($"v1/checkouts/{new string('A', 9 * 1024)}");

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    [Fact]
    public async Task HeadersOverThirtyTwoKibibytes_AreRefusedByKestrel()
    {
        using var client = host.Client(SecurityHost.DemoKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/checkouts/ORD-1");
        request.Headers.Add("X-Padding", new string('p', 40 * 1024));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task NulInThePath_IsRefusedByKestrel()
    {
        using var client = host.Client(SecurityHost.DemoKey);

        using var response = await client.GetAsync("v1/checkouts/ORD%00-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SlowClient_SendingHeadersTooSlowly_IsDisconnected()
    {
        // Slowloris: the request line, then nothing. Kestrel gives up after RequestHeadersTimeout (2 s in this host).
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, host.BaseAddress.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /health/live HTTP/1.1\r\nHost: localhost\r\n"));
        var started = System.Diagnostics.Stopwatch.StartNew();

        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(KestrelHost.HeadersTimeoutSeconds * 10));
        var received = new StringBuilder();
        int read;
        do
        {
            read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        while (read > 0);

        // Kestrel answers 408 and closes the connection.
        Assert.StartsWith("HTTP/1.1 408", received.ToString(), StringComparison.Ordinal);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(KestrelHost.HeadersTimeoutSeconds - 1), TimeSpan.FromSeconds(KestrelHost.HeadersTimeoutSeconds * 5));
    }
}
