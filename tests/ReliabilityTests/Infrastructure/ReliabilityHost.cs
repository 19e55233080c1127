using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Nicepay;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>A merchant as configured in the test host: its API key, its NICEPAY iMid and key, its webhook secret.</summary>
public sealed record Merchant(string Id, string Name, string ApiKey, string IMid, string MerchantKey, string WebhookSecret)
{
    public override string ToString() => Id;
}

/// <summary>
/// The real Silo in its development profile on Kestrel on a free loopback port, with the NICEPAY sandbox mounted
/// in-process at the same address (the design of tests/EndToEndTests' <c>EndToEndHost</c>): the orchestrator's NICEPAY
/// calls and the sandbox's notifications travel over real loopback HTTP; two merchants with their own iMid, API key and
/// webhook secret, their webhooks pointed at a <see cref="WebhookReceiver"/> of our own; an operator key; free Orleans
/// ports; checkout timing in seconds. What this host adds:
/// <list type="bullet">
/// <item>every log line of the Silo (all categories, Information; <c>Orchestrator.*</c> at Debug) and of the webhook
/// receiver goes to <c>artifacts/logs/reliability/&lt;run&gt;/&lt;name&gt;-*.log</c>, nothing to the console;</item>
/// <item>the merchant tokens of every NICEPAY request and notification are recorded for the secrets scan, and every
/// notification the sandbox sends is handed to <see cref="NotificationSent"/> (the storm replays them);</item>
/// <item>per-merchant rate limiting is off: these suites drive one merchant far above its rate on purpose (the limits
/// are §1's subject).</item>
/// </list>
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public abstract class ReliabilityHost : IAsyncLifetime
{
    public const string OperatorKey = "rel-operator-key-7d1f0c2a";

    /// <summary>The sandbox's notification client (src/NicepaySandbox/README.md, "Notifications").</summary>
    public const string SandboxNotificationClient = "Orchestrator.NicepaySandbox.Notifications";

    public static readonly Merchant ShopA = new(
        "shop-a", "Shop A", "rel-shop-a-api-key-3b9e61d4", "SHOPAREL01", "rel-shop-a-nicepay-key-e5c04f9b", "whsec_A8hS0e5ZpWiug48qwQZqdz4RNzyE8PQy");

    public static readonly Merchant ShopB = new(
        "shop-b", "Shop B", "rel-shop-b-api-key-82f7aa13", "SHOPBREL01", "rel-shop-b-nicepay-key-1d6b3e70", "whsec_+qp5n800pDvkatHy1qJNktvy1WYRViIx");

    /// <summary>How long a wait for something that normally takes milliseconds may last before the test fails.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private const int StartAttempts = 3;

    private SiloFactory? _factory;
    private HttpClient? _http;
    private FileLoggerProvider? _log;

    /// <summary>The Silo's address: the API, NICEPAY (the sandbox) and the callbacks.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The merchants' webhook endpoint.</summary>
    public WebhookReceiver Webhooks { get; private set; } = null!;

    /// <summary>Called for every notification the sandbox sends, just before it leaves (on the sandbox's task).</summary>
    public Action<CapturedNotification>? NotificationSent { get; set; }

    /// <summary>The Silo's log file.</summary>
    public string SiloLogFile => Artifacts.LogFile($"{Name}-silo");

    /// <summary>The host's name in log file names.</summary>
    protected abstract string Name { get; }

    /// <summary>Settings this host adds to (or overrides in) the common ones, mostly <c>Checkouts:Timing</c>.</summary>
    protected abstract IReadOnlyDictionary<string, string?> HostSettings { get; }

    private HttpClient Http => _http ?? throw new InvalidOperationException("The host is not started.");

    public async Task InitializeAsync()
    {
        foreach (var merchant in new[] { ShopA, ShopB })
        {
            SecretLedger.Add(SecretKind.MerchantApiKey, $"{Name} host, {merchant}", merchant.ApiKey);
            SecretLedger.Add(SecretKind.MerchantNicepayKey, $"{Name} host, {merchant}", merchant.MerchantKey);
            SecretLedger.Add(SecretKind.WebhookSecret, $"{Name} host, {merchant}", merchant.WebhookSecret);
        }

        SecretLedger.Add(SecretKind.OperatorKey, $"{Name} host", OperatorKey);
        _log = new FileLoggerProvider(SiloLogFile);
        Webhooks = new WebhookReceiver(Artifacts.LogFile($"{Name}-webhooks"));
        await Webhooks.StartAsync();
        for (var attempt = 1; ; attempt++)
        {
            // Free ports are picked, then bound by the host: another process could take one in between, so retry.
            var port = FreeLoopbackPort();
            var factory = new SiloFactory(Settings(port, FreeLoopbackPort(), FreeLoopbackPort()), _log, captured => NotificationSent?.Invoke(captured));
            factory.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
            try
            {
                factory.StartServer();
                _factory = factory;
                BaseAddress = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (Exception exception) when (attempt < StartAttempts && IsAddressInUse(exception))
            {
                await factory.DisposeAsync();
            }
        }

        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        await EventuallyAsync(
            async () => (await SendAsync(HttpMethod.Get, "health/ready", apiKey: null)).StatusCode,
            status => status == HttpStatusCode.OK,
            status => Task.FromResult($"the Silo at {BaseAddress} is not ready (/health/ready answered {status}); its log: {SiloLogFile}"),
            DefaultWait);
        await WarmUpAsync();
        await OnStartedAsync();
    }

    /// <summary>Runs once the host is up and warmed up, before the first test of the collection.</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (Webhooks is not null)
        {
            await Webhooks.DisposeAsync();
        }

        // Registered as an instance, so the host does not dispose it: flush and close the file here.
        _log?.Dispose();
    }

    /// <summary>
    /// One checkout per merchant before any test: proves the loop (API, grain, NICEPAY sandbox over loopback) is wired,
    /// with a message saying what to check when it is not, and takes the first-call costs out of the tests' timing.
    /// </summary>
    private async Task WarmUpAsync()
    {
        foreach (var merchant in new[] { ShopA, ShopB })
        {
            var reference = NewReference("warmup");
            var response = await CreateAsync(merchant, NewCheckout(reference));
            if (response.StatusCode != HttpStatusCode.Created || response.As<CheckoutJson>().PaymentCode is null)
            {
                throw new InvalidOperationException(
                    $"The test host at {BaseAddress} could not register a checkout for {merchant} at the in-process NICEPAY sandbox. "
                    + $"Answer: {response}{Environment.NewLine}{await DescribeAsync(merchant, reference)}{Environment.NewLine}Log: {SiloLogFile}");
            }
        }
    }

    /// <summary>A unique referenceNo: <c>REL-{what}-{hex}</c>, 40 characters at most.</summary>
    public static string NewReference(string what) => what.Length <= 19
        ? $"REL-{what}-{Guid.NewGuid():N}"[..(what.Length + 21)]
        : throw new ArgumentException("Keep it short: a referenceNo has at most 40 characters.", nameof(what));

    /// <summary>A valid create request; <paramref name="expiresAt"/> is sent in Jakarta time, as a merchant there would.</summary>
    public static CreateCheckoutBody NewCheckout(string referenceNo, long amount = 150_000, string store = "indomaret", DateTimeOffset? expiresAt = null) =>
        new(referenceNo, amount, store, "Coffee beans 1 kg", new CustomerBody("Budi Santoso", "+6281234567890", "budi@example.com"),
            expiresAt?.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));

    /// <summary>One HTTP call, with <c>Authorization: Bearer</c> when a key is given; the answer is read whole.</summary>
    public async Task<WireResponse> SendAsync(HttpMethod method, string path, string? apiKey, HttpContent? content = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await WireResponse.ReadAsync(await Http.SendAsync(request));
    }

    public Task<WireResponse> PostJsonAsync<T>(string path, string? apiKey, T body, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, apiKey, JsonContent.Create(body, options: Json.Options), idempotencyKey);

    public Task<WireResponse> CreateAsync(Merchant merchant, CreateCheckoutBody body, string? idempotencyKey = null) =>
        PostJsonAsync("v1/checkouts", merchant.ApiKey, body, idempotencyKey);

    /// <summary>Creates a checkout and asserts the 201 with a payment code (NICEPAY registered it within the call).</summary>
    public async Task<CheckoutJson> CreateRegisteredAsync(Merchant merchant, CreateCheckoutBody body)
    {
        var response = await CreateAsync(merchant, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating {merchant}/{body.ReferenceNo}: expected 201, got {response}");
        var checkout = response.As<CheckoutJson>();
        Assert.True(checkout.Status == "registered" && checkout.PaymentCode is not null, $"Creating {merchant}/{body.ReferenceNo}: expected a registered checkout with a payment code, got {checkout}");
        return checkout;
    }

    public async Task<CheckoutJson> GetCheckoutAsync(Merchant merchant, string referenceNo)
    {
        var response = await SendAsync(HttpMethod.Get, $"v1/checkouts/{referenceNo}", merchant.ApiKey);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {merchant}/{referenceNo}: expected 200, got {response}");
        return response.As<CheckoutJson>();
    }

    public Task<WireResponse> CancelAsync(Merchant merchant, string referenceNo) =>
        SendAsync(HttpMethod.Post, $"v1/checkouts/{referenceNo}/cancel", merchant.ApiKey);

    public Task<WireResponse> FulfilAsync(Merchant merchant, string referenceNo) =>
        SendAsync(HttpMethod.Post, $"v1/checkouts/{referenceNo}/fulfil", merchant.ApiKey);

    /// <summary>An operator asks NICEPAY for the status now.</summary>
    public Task<WireResponse> StatusCheckAsync(Merchant merchant, string referenceNo) =>
        SendAsync(HttpMethod.Post, $"ops/checkouts/{merchant.Id}/{referenceNo}/status-check", OperatorKey);

    public async Task<OperatorViewJson> OperatorViewAsync(Merchant merchant, string referenceNo)
    {
        var response = await SendAsync(HttpMethod.Get, $"ops/checkouts/{merchant.Id}/{referenceNo}", OperatorKey);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /ops/checkouts/{merchant}/{referenceNo}: expected 200, got {response}");
        return response.As<OperatorViewJson>();
    }

    /// <summary>Checkouts per status, from the operator read model.</summary>
    public async Task<StatsJson> StatsAsync(Merchant merchant)
    {
        var response = await SendAsync(HttpMethod.Get, $"ops/stats?merchantId={merchant.Id}", OperatorKey);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /ops/stats?merchantId={merchant}: expected 200, got {response}");
        return response.As<StatsJson>();
    }

    /// <summary>Polls the merchant API until the checkout has <paramref name="status"/>; fails with the journal.</summary>
    public Task<CheckoutJson> WaitForStatusAsync(Merchant merchant, string referenceNo, string status, TimeSpan? timeout = null) =>
        EventuallyAsync(
            () => GetCheckoutAsync(merchant, referenceNo),
            checkout => checkout.Status == status,
            async last => $"{merchant}/{referenceNo} did not become '{status}' (last seen: {last}).{Environment.NewLine}{await DescribeAsync(merchant, referenceNo)}",
            timeout ?? DefaultWait);

    /// <summary>The customer pays at a sandbox store counter.</summary>
    public Task<WireResponse> PayAsync(string store, string payNo, long amount) =>
        PostJsonAsync($"sandbox/stores/{store}/payments", apiKey: null, new { payNo, amount });

    /// <summary>Pays and asserts the store took the cash.</summary>
    public async Task<StoreReceiptJson> PayOrFailAsync(string store, CheckoutJson checkout)
    {
        var response = await PayAsync(store, checkout.PaymentCode!, checkout.Amount);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Paying {checkout} at {store}: expected 200, got {response}");
        return response.As<StoreReceiptJson>();
    }

    /// <summary>NICEPAY reverses a committed payment (sandbox operator action); 409 <c>not-paid</c> before the commit.</summary>
    public Task<WireResponse> ReverseAsync(string tXid) =>
        SendAsync(HttpMethod.Post, $"sandbox/transactions/{tXid}/reversal", apiKey: null);

    /// <summary>NICEPAY sends a paid transaction's deposit notification again, now (sandbox operator action).</summary>
    public Task<WireResponse> ResendNotificationAsync(string tXid) =>
        SendAsync(HttpMethod.Post, $"sandbox/transactions/{tXid}/notifications", apiKey: null);

    /// <summary>Posts a form-encoded notification to a merchant's NICEPAY callback, as NICEPAY's notifier does.</summary>
    public Task<WireResponse> PostNotificationAsync(string merchantId, IEnumerable<KeyValuePair<string, string>> fields) =>
        SendAsync(HttpMethod.Post, $"callbacks/nicepay/{merchantId}", apiKey: null, new FormUrlEncodedContent(fields));

    /// <summary>Posts a captured notification again, byte for byte, to where it first went.</summary>
    public async Task<HttpStatusCode> ReplayAsync(CapturedNotification notification)
    {
        using var content = new ByteArrayContent(notification.Body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(notification.ContentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, notification.Url) { Content = content };
        request.Headers.TryAddWithoutValidation("User-Agent", "Jakarta Commons-HttpClient/3.1");
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Adds a sandbox fault rule; returns its id.</summary>
    public async Task<string> AddFaultAsync(object rule)
    {
        var response = await PostJsonAsync("sandbox/faults", apiKey: null, rule);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Adding fault {System.Text.Json.JsonSerializer.Serialize(rule)}: expected 201, got {response}");
        return response.Node()["id"]!.GetValue<string>();
    }

    /// <summary>Removes a sandbox fault rule.</summary>
    public async Task RemoveFaultAsync(string id)
    {
        var response = await SendAsync(HttpMethod.Delete, $"sandbox/faults/{id}", apiKey: null);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"Removing fault {id}: expected 204, got {response}");
    }

    /// <summary>The sandbox ledger's transactions (of an iMid, optionally of one referenceNo), newest first.</summary>
    public async Task<IReadOnlyList<SandboxTransactionJson>> SandboxTransactionsAsync(Merchant merchant, string? referenceNo = null)
    {
        var query = referenceNo is null ? "" : $"&referenceNo={Uri.EscapeDataString(referenceNo)}";
        var response = await SendAsync(HttpMethod.Get, $"sandbox/transactions?iMid={merchant.IMid}{query}", apiKey: null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sandbox ledger: {response}");
        return response.As<List<SandboxTransactionJson>>();
    }

    /// <summary>Every registration request the sandbox received, per (iMid, referenceNo), of an iMid or one referenceNo.</summary>
    public async Task<IReadOnlyList<SandboxRegistrationsJson>> SandboxRegistrationsAsync(Merchant merchant, string? referenceNo = null)
    {
        var query = referenceNo is null ? "" : $"&referenceNo={Uri.EscapeDataString(referenceNo)}";
        var response = await SendAsync(HttpMethod.Get, $"sandbox/registrations?iMid={merchant.IMid}{query}", apiKey: null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sandbox registrations: {response}");
        return response.As<List<SandboxRegistrationsJson>>();
    }

    /// <summary>Everything known about a checkout, for failure messages: the operator view, the ledger, the webhooks.</summary>
    public async Task<string> DescribeAsync(Merchant merchant, string referenceNo)
    {
        var lines = new List<string>();
        try
        {
            var view = await SendAsync(HttpMethod.Get, $"ops/checkouts/{merchant.Id}/{referenceNo}", OperatorKey);
            lines.Add(view.StatusCode == HttpStatusCode.OK ? view.As<OperatorViewJson>().Describe() : $"operator view: {view}");
            var ledger = await SendAsync(HttpMethod.Get, $"sandbox/transactions?referenceNo={Uri.EscapeDataString(referenceNo)}", apiKey: null);
            lines.AddRange(ledger.As<List<SandboxTransactionJson>>().Select(t => $"sandbox: {t}"));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            lines.Add($"(could not read the checkout's state: {exception.Message})");
        }

        lines.AddRange(Webhooks.For(referenceNo).Select(w => $"received webhook {w}"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// Reads until <paramref name="done"/> holds or the deadline passes, then fails with <paramref name="describe"/>.
    /// Polling is bounded by the deadline; it observes, it never stands in for an event.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, Func<T?, Task<string>> describe, TimeSpan timeout, TimeSpan? every = null)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var last = await read();
            if (done(last))
            {
                return last;
            }

            if (elapsed.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout}: {await describe(last)}");
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(50));
        }
    }

    private Dictionary<string, string?> Settings(int httpPort, int siloPort, int gatewayPort)
    {
        var address = $"http://127.0.0.1:{httpPort}";
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // The co-hosted silo binds real sockets: free ports, and a cluster of its own.
            ["Orleans:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = $"rel-{Name}-{Guid.NewGuid():N}",
            ["Orleans:Dashboard"] = "false",

            // NICEPAY is the sandbox mounted in this very host; its notifications come back to this address.
            ["Nicepay:BaseUrl"] = address,
            ["Orchestrator:PublicBaseUrl"] = address,

            ["Operators:ApiKeys:1"] = OperatorKey,
            ["RateLimiting:Enabled"] = "false",

            // Validity and timing in seconds, so status checks, expiry and retries happen within a test.
            ["Checkouts:MinimumValidity"] = "00:00:02",
            ["Checkouts:Timing:ExpiryGrace"] = "00:00:01",
            ["Checkouts:Timing:RegistrationSettleDelay"] = "00:00:01",
            ["Checkouts:Timing:RegistrationBackoff:0"] = "00:00:01",
            ["Checkouts:Timing:InquiryBackoff:0"] = "00:00:01",
            ["Checkouts:Timing:WebhookRetrySchedule:0"] = "00:00:01",
        };

        foreach (var merchant in new[] { ShopA, ShopB })
        {
            var path = $"Merchants:{merchant.Id}";
            settings[$"{path}:Name"] = merchant.Name;
            settings[$"{path}:ApiKey"] = merchant.ApiKey;
            settings[$"{path}:WebhookUrl"] = Webhooks.UrlFor(merchant.Id).ToString();
            settings[$"{path}:WebhookSecret"] = merchant.WebhookSecret;
            settings[$"{path}:Nicepay:IMid"] = merchant.IMid;
            settings[$"{path}:Nicepay:MerchantKey"] = merchant.MerchantKey;
            settings[$"Sandbox:Merchants:{merchant.IMid}:Name"] = merchant.Name;
            settings[$"Sandbox:Merchants:{merchant.IMid}:MerchantKey"] = merchant.MerchantKey;
        }

        foreach (var (key, value) in HostSettings)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsAddressInUse(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || current.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The Silo's own Program, in the Development environment, with the test settings on top, its logs in a file, and the
    /// token capture on its NICEPAY clients and the sandbox's notification client.
    /// </summary>
    private sealed class SiloFactory(
        IReadOnlyDictionary<string, string?> settings, FileLoggerProvider log, Action<CapturedNotification> notified) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(Environments.Development);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => FileLoggerProvider.Configure(logging, log));
            builder.ConfigureTestServices(services =>
            {
                foreach (var name in NicepayHttpClientNames.All)
                {
                    services.AddHttpClient(name).AddHttpMessageHandler(() => new TokenCaptureHandler(name));
                }

                services.AddHttpClient(SandboxNotificationClient).AddHttpMessageHandler(() => new TokenCaptureHandler(SandboxNotificationClient, notified));
            });
        }
    }
}
