using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.NicepaySandbox.Tests.Infrastructure;

/// <summary>One POST the merchant's dbProcessUrl received.</summary>
public sealed record ReceivedNotification(
    int Sequence,
    string Key,
    string? ContentType,
    string? UserAgent,
    IReadOnlyDictionary<string, string> Form,
    int AnsweredStatus);

/// <summary>
/// A merchant's dbProcessUrl: a second minimal app on loopback port 0 that records every form POST. The path picks the
/// answer: <c>/notify/ok/{key}</c> 200, <c>/notify/fail/{key}</c> 500, <c>/notify/flaky-N/{key}</c> 500 N times then 200.
/// </summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedNotification> _received = [];
    private readonly Dictionary<string, int> _callsPerKey = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public string Url(string scenario, string key) => new Uri(BaseAddress, $"/notify/{scenario}/{key}").ToString();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/notify/{scenario}/{key}", ReceiveAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address);
    }

    public IReadOnlyList<ReceivedNotification> For(string key)
    {
        lock (_gate)
        {
            return [.. _received.Where(r => r.Key == key)];
        }
    }

    /// <summary>Waits until the posts for <paramref name="key"/> satisfy <paramref name="done"/>; a barrier, not a sleep.</summary>
    public async Task<IReadOnlyList<ReceivedNotification>> WaitForAsync(
        string key, Func<IReadOnlyList<ReceivedNotification>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? Eventually.DefaultTimeout;
        while (true)
        {
            Task changed;
            IReadOnlyList<ReceivedNotification> posts;
            lock (_gate)
            {
                changed = _changed.Task;
                posts = [.. _received.Where(r => r.Key == key)];
            }

            if (done(posts))
            {
                return posts;
            }

            var remaining = limit - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Receiver got {posts.Count} post(s) for '{key}' and the condition still does not hold.");
            }

            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }

    public Task<IReadOnlyList<ReceivedNotification>> WaitForCountAsync(string key, int count, TimeSpan? timeout = null) =>
        WaitForAsync(key, posts => posts.Count >= count, timeout);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveAsync(string scenario, string key, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        TaskCompletionSource changed;
        int status;
        lock (_gate)
        {
            var calls = _callsPerKey[key] = _callsPerKey.GetValueOrDefault(key) + 1;
            status = scenario switch
            {
                "ok" => 200,
                "fail" => 500,
                _ when scenario.StartsWith("flaky-", StringComparison.Ordinal) => calls <= int.Parse(scenario["flaky-".Length..], System.Globalization.CultureInfo.InvariantCulture) ? 500 : 200,
                _ => 404,
            };
            _received.Add(new ReceivedNotification(
                _received.Count + 1,
                key,
                request.ContentType,
                request.Headers.UserAgent.ToString(),
                form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal),
                status));
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return Results.Text(status == 200 ? "OK" : "FAIL", statusCode: status);
    }
}
