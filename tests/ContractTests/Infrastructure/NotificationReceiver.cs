using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.ContractTests.Infrastructure;

/// <summary>One POST the merchant's dbProcessUrl received: the decoded form, as a merchant's endpoint would read it.</summary>
public sealed record ReceivedNotification(string? ContentType, string? UserAgent, IReadOnlyDictionary<string, string?> Form);

/// <summary>
/// The merchant's dbProcessUrl: a minimal app on loopback port 0 that records every form POST to
/// <c>/notify/{key}</c> and answers 200. Each registration gets a key of its own, so tests never see each other's posts.
/// </summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ReceivedNotification>> _byKey = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A fresh dbProcessUrl and the key its posts are filed under.</summary>
    public (Uri Url, string Key) NewEndpoint()
    {
        var key = Guid.NewGuid().ToString("N");
        return (new Uri(BaseAddress, $"/notify/{key}"), key);
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/notify/{key}", ReceiveAsync);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    /// <summary>Waits until <paramref name="count"/> posts arrived for <paramref name="key"/>: a barrier, not a sleep.</summary>
    public async Task<IReadOnlyList<ReceivedNotification>> WaitForAsync(string key, int count, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            IReadOnlyList<ReceivedNotification> posts;
            lock (_gate)
            {
                changed = _changed.Task;
                posts = _byKey.TryGetValue(key, out var list) ? [.. list] : [];
            }

            if (posts.Count >= count)
            {
                return posts;
            }

            var remaining = limit - elapsed.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"dbProcessUrl '{key}' received {posts.Count} post(s) within {limit}; {count} expected.");
            }

            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveAsync(string key, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var received = new ReceivedNotification(
            request.ContentType,
            request.Headers.UserAgent.ToString(),
            form.ToDictionary(field => field.Key, field => (string?)field.Value.ToString(), StringComparer.Ordinal));
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (!_byKey.TryGetValue(key, out var list))
            {
                _byKey[key] = list = [];
            }

            list.Add(received);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return Results.Text("OK");
    }
}
