using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Orchestrator.NicepaySandbox.Tests.Infrastructure;

/// <summary>A registered transaction, as the merchant knows it from the registration answer.</summary>
public sealed record Registered(string TXid, string PayNo, string ReferenceNo, long Amount, string NotifyKey, JsonElement Response);

/// <summary>
/// Starts the sandbox exactly as the Silo or a developer would (<see cref="Program.CreateApp"/>) on a loopback port 0 over
/// real HTTP, with a <see cref="FakeTimeProvider"/> and a notification receiver. One per test class; subclasses change
/// the configuration.
/// </summary>
public class SandboxFixture : IAsyncLifetime
{
    /// <summary>Monday 10 March 2025, 10:00 in Jakarta: inside every store's opening hours.</summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 10, 10, 0, 0, TimeSpan.FromHours(7));

    private WebApplication? _app;

    public SandboxFixture()
        : this(Start)
    {
    }

    protected SandboxFixture(DateTimeOffset start) => Time = new FakeTimeProvider(start);

    public FakeTimeProvider Time { get; }

    public NotificationReceiver Receiver { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Receiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            [$"Sandbox:Merchants:{Wire.IMid}:MerchantKey"] = Wire.Key,
            [$"Sandbox:Merchants:{Wire.IMid}:Name"] = "Toko Sandbox",
            [$"Sandbox:Merchants:{Wire.NoDupIMid}:MerchantKey"] = Wire.NoDupKey,
            [$"Sandbox:Merchants:{Wire.NoDupIMid}:Name"] = "No Dup Check",
            [$"Sandbox:Merchants:{Wire.NoDupIMid}:DuplicateReferenceCheck"] = "false",
        };
        Configure(settings);
        _app = Program.CreateApp(
            ["--urls", "http://127.0.0.1:0"],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Services.AddSingleton<TimeProvider>(Time);
                builder.Logging.ClearProviders();
            });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await Receiver.DisposeAsync();
    }

    /// <summary>Sandbox settings for this fixture, as configuration keys (Sandbox:...).</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public string NotifyUrl(string scenario, string key) => Receiver.Url(scenario, key);

    public HttpClient ClientWithTimeout(TimeSpan timeout) => new() { BaseAddress = BaseAddress, Timeout = timeout };

    /// <summary>POSTs a NICEPAY request as JSON and returns the parsed answer (which must be HTTP 200 JSON).</summary>
    public async Task<JsonElement> PostNicepayAsync(string operation, object body, string? contentType = "application/json")
    {
        using var response = await SendNicepayAsync(operation, body, contentType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    public async Task<HttpResponseMessage> SendNicepayAsync(string operation, object body, string? contentType = "application/json", HttpClient? client = null)
    {
        var json = body as string ?? JsonSerializer.Serialize(body);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return await (client ?? Client).PostAsync($"/nicepay/direct/v2/{operation}", content);
    }

    /// <summary>Registers a fresh transaction whose notifications go to the receiver under a key of its own.</summary>
    public async Task<Registered> RegisterAsync(
        string mitraCd = "INDO",
        long amount = 150_000,
        string scenario = "ok",
        string iMid = Wire.IMid,
        string key = Wire.Key,
        string? referenceNo = null,
        Action<Dictionary<string, object?>>? tweak = null)
    {
        referenceNo ??= Wire.NewReference();
        var notifyKey = Guid.NewGuid().ToString("N");
        var body = Wire.Registration(referenceNo, NotifyUrl(scenario, notifyKey), mitraCd, amount, iMid, key);
        if (tweak is not null)
        {
            tweak(body);
            Wire.SignRegistration(body, key);
        }

        var response = await PostNicepayAsync("registration", body);
        Assert.True(response.Str("resultCd") == "0000", $"registration failed: {response}");
        return new Registered(response.Str("tXid")!, response.Str("payNo")!, referenceNo, amount, notifyKey, response);
    }

    public Task<JsonElement> InquireAsync(Registered tx, string iMid = Wire.IMid, string key = Wire.Key) =>
        PostNicepayAsync("inquiry", Wire.Inquiry(tx.TXid, tx.ReferenceNo, tx.Amount, iMid, key));

    public Task<JsonElement> CancelAsync(Registered tx, long? amount = null) =>
        PostNicepayAsync("cancel", Wire.Cancel(tx.TXid, amount ?? tx.Amount));

    public Task<HttpResponseMessage> PayAsync(string store, string payNo, long amount) =>
        Client.PostAsJsonAsync($"/sandbox/stores/{store}/payments", new { payNo, amount });

    /// <summary>Pays and asserts the till accepted it.</summary>
    public async Task<JsonElement> PayOkAsync(Registered tx, string? store = null)
    {
        using var response = await PayAsync(store ?? (tx.Response.Str("mitraCd") == "INDO" ? "indomaret" : "alfamart"), tx.PayNo, tx.Amount);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"payment refused: HTTP {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: HTTP {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    public Task<JsonElement> GetTransactionAsync(string tXid) => GetJsonAsync($"/sandbox/transactions/{tXid}");

    public Task<JsonElement> WaitForTransactionAsync(string tXid, Func<JsonElement, bool> done, string what) =>
        Eventually.WaitAsync(() => GetTransactionAsync(tXid), done, $"{what} on {tXid}");

    /// <summary>Adds a fault rule and returns it (201 asserted).</summary>
    public async Task<JsonElement> AddFaultAsync(object fault)
    {
        using var response = await Client.PostAsJsonAsync("/sandbox/faults", fault);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, $"fault not added: HTTP {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    public Task<JsonElement> WaitForFaultFiredAsync(string id, int times = 1) =>
        Eventually.WaitAsync(() => GetJsonAsync($"/sandbox/faults/{id}"), f => f.GetProperty("fired").GetInt32() >= times, $"fault {id} to fire");

    /// <summary>Moves the sandbox clock forward to the next given Jakarta wall-clock time.</summary>
    public void AdvanceToJakarta(int hour, int minute)
    {
        var now = Time.GetUtcNow().ToOffset(TimeSpan.FromHours(7));
        var target = new DateTimeOffset(now.Year, now.Month, now.Day, hour, minute, 0, now.Offset);
        if (target <= now)
        {
            target = target.AddDays(1);
        }

        Time.SetUtcNow(target);
    }

    /// <summary>
    /// Advances the fake clock in steps until <paramref name="task"/> completes. Stepping (rather than one jump) covers the
    /// moment between a fault firing and the sandbox starting its wait on the clock.
    /// </summary>
    public async Task<T> AdvanceUntilCompletedAsync<T>(Task<T> task, TimeSpan step)
    {
        var deadline = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (deadline.Elapsed > Eventually.DefaultTimeout)
            {
                throw new TimeoutException("The request did not complete while the clock advanced.");
            }

            Time.Advance(step);
            await Task.WhenAny(task, Task.Delay(20));
        }

        return await task;
    }

    public static string Jakarta(DateTimeOffset instant, string format) =>
        instant.ToOffset(TimeSpan.FromHours(7)).ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>Store hours enforced (Alfa group closed 22:00–01:00, Indomaret 23:00–01:00).</summary>
public sealed class StoreHoursFixture : SandboxFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Sandbox:EnforceStoreHours"] = "true";
}

/// <summary>Notifications retried 5 s and then 30 s after a failed attempt.</summary>
public sealed class RetryFixture : SandboxFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Sandbox:NotificationRetrySchedule:0"] = "00:00:05";
        settings["Sandbox:NotificationRetrySchedule:1"] = "00:00:30";
    }
}
