using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Orchestrator.TestSupport.Webhooks;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.HostingSupport;

/// <summary>
/// The real Silo in its development profile, served by Kestrel on a free loopback port, with the NICEPAY sandbox mounted
/// in-process at the same address: the orchestrator's NICEPAY calls and the sandbox's notifications travel over real
/// loopback HTTP. The <see cref="SiloHostProfile"/>'s merchants, each with its own iMid (known to the sandbox), API key
/// and webhook secret, have their webhooks pointed at a <see cref="WebhookReceiver"/> of our own; an operator key;
/// free Orleans ports; checkout timing in seconds. A suite derives its host from this one with its profile (and its own
/// logging, services or steps through the virtual members); each host of the suite chooses the timing that its tests
/// need in <see cref="HostSettings"/>.
/// </summary>
/// <param name="profile">The suite's merchants, keys, referenceNo prefix, default wait and common settings.</param>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public abstract class SiloHost(SiloHostProfile profile) : IAsyncLifetime
{
    private const int StartAttempts = 3;

    private SiloFactory? _factory;
    private HttpClient? _http;
    private WebhookReceiver? _webhooks;

    /// <summary>The Silo's address, e.g. <c>http://127.0.0.1:41234/</c>: the API, NICEPAY (the sandbox) and the callbacks.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The merchants' webhook endpoint.</summary>
    public WebhookReceiver Webhooks => _webhooks ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>The client every call of the host goes through.</summary>
    protected HttpClient Http => _http ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>The host's name, in its Orleans cluster id (and wherever a suite names its hosts, e.g. log files).</summary>
    protected abstract string Name { get; }

    /// <summary>Settings this host adds to (or overrides in) the common ones, mostly <c>Checkouts:Timing</c>.</summary>
    protected abstract IReadOnlyDictionary<string, string?> HostSettings { get; }

    /// <summary>Where the Silo's logs can be read, for failure messages; null when they go to the usual providers.</summary>
    protected virtual string? LogLocation => null;

    public virtual async Task InitializeAsync()
    {
        _webhooks = CreateWebhookReceiver();
        await _webhooks.StartAsync();
        for (var attempt = 1; ; attempt++)
        {
            // Free ports are picked, then bound by the host: another process could take one in between, so retry.
            var port = FreeLoopbackPort();
            var factory = new SiloFactory(Settings(port, FreeLoopbackPort(), FreeLoopbackPort()), ConfigureSilo);
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

        // Generous: a call made while a storm keeps the Silo busy may take seconds; waits are bounded by DefaultWait.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        await EventuallyAsync(
            async () => (await SendAsync(HttpMethod.Get, "health/ready", apiKey: null)).StatusCode,
            status => status == HttpStatusCode.OK,
            status => Task.FromResult($"the Silo at {BaseAddress} is not ready (/health/ready answered {status}){LogHint("; its log: ")}"),
            profile.DefaultWait);
        await WarmUpAsync();
        await OnStartedAsync();
    }

    public virtual async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_webhooks is not null)
        {
            await _webhooks.DisposeAsync();
        }
    }

    /// <summary>The merchants' webhook endpoint, before it starts; by default one that logs nowhere.</summary>
    protected virtual WebhookReceiver CreateWebhookReceiver() => new();

    /// <summary>Adds to the Silo's web host (logging, test services) after the environment and the settings.</summary>
    protected virtual void ConfigureSilo(IWebHostBuilder builder)
    {
    }

    /// <summary>Runs once the host is up and warmed up, before the first test of the collection.</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    /// <summary>
    /// One checkout per merchant before any test: proves the whole loop (API, grain, NICEPAY sandbox over loopback) is
    /// wired, with a message saying what to check when it is not, and takes the first-call costs (JIT, connection
    /// set-up, grain activation) out of the tests' timing.
    /// </summary>
    private async Task WarmUpAsync()
    {
        foreach (var merchant in profile.Merchants)
        {
            var reference = profile.NewReference("warmup");
            var response = await CreateAsync(merchant, NewCheckout(reference));
            if (response.StatusCode != HttpStatusCode.Created || response.As<CheckoutJson>().PaymentCode is null)
            {
                throw new InvalidOperationException(
                    $"The test host at {BaseAddress} could not register a checkout for {merchant} at the in-process NICEPAY sandbox "
                    + $"(Nicepay:BaseUrl = {BaseAddress}). Answer: {response}{Environment.NewLine}{await DescribeAsync(merchant, reference)}"
                    + LogHint($"{Environment.NewLine}Log: "));
            }
        }
    }

    /// <summary>A valid create request; <paramref name="expiresAt"/> is sent in Jakarta time, as a merchant there would.</summary>
    public static CreateCheckoutBody NewCheckout(string referenceNo, long amount = 150_000, string store = "indomaret", DateTimeOffset? expiresAt = null) =>
        new(referenceNo, amount, store, "Coffee beans 1 kg", new CustomerBody("Budi Santoso", "+6281234567890", "budi@example.com"),
            expiresAt?.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));

    /// <summary>
    /// One HTTP call, with <c>Authorization: Bearer</c> when a key is given and <c>Idempotency-Key</c> when one is; the
    /// answer is read whole.
    /// </summary>
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
        SendAsync(HttpMethod.Post, $"ops/checkouts/{merchant.Id}/{referenceNo}/status-check", profile.OperatorKey);

    public async Task<OperatorViewJson> OperatorViewAsync(Merchant merchant, string referenceNo)
    {
        var response = await SendAsync(HttpMethod.Get, $"ops/checkouts/{merchant.Id}/{referenceNo}", profile.OperatorKey);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /ops/checkouts/{merchant}/{referenceNo}: expected 200, got {response}");
        return response.As<OperatorViewJson>();
    }

    /// <summary>Checkouts per status, from the operator read model.</summary>
    public async Task<StatsJson> StatsAsync(Merchant merchant)
    {
        var response = await SendAsync(HttpMethod.Get, $"ops/stats?merchantId={merchant.Id}", profile.OperatorKey);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /ops/stats?merchantId={merchant}: expected 200, got {response}");
        return response.As<StatsJson>();
    }

    /// <summary>Polls the merchant API until the checkout has <paramref name="status"/>; fails with the journal.</summary>
    public Task<CheckoutJson> WaitForStatusAsync(Merchant merchant, string referenceNo, string status, TimeSpan? timeout = null) =>
        EventuallyAsync(
            () => GetCheckoutAsync(merchant, referenceNo),
            checkout => checkout.Status == status,
            async last => $"{merchant}/{referenceNo} did not become '{status}' (last seen: {last}).{Environment.NewLine}{await DescribeAsync(merchant, referenceNo)}",
            timeout ?? profile.DefaultWait);

    /// <summary>Waits for webhook deliveries for a checkout; fails with what arrived and the checkout's journal.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForWebhooksAsync(
        Merchant merchant, string referenceNo, Func<IReadOnlyList<ReceivedWebhook>, bool> done, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await Webhooks.WaitForAsync(referenceNo, done, what, timeout ?? profile.DefaultWait);
        }
        catch (TimeoutException exception)
        {
            Assert.Fail($"{exception.Message}{Environment.NewLine}{await DescribeAsync(merchant, referenceNo)}");
            throw;
        }
    }

    /// <summary>Waits until a webhook of <paramref name="type"/> arrives for the checkout and returns it.</summary>
    public async Task<ReceivedWebhook> WaitForWebhookAsync(Merchant merchant, string referenceNo, string type, TimeSpan? timeout = null)
    {
        var deliveries = await WaitForWebhooksAsync(merchant, referenceNo, received => received.Any(w => w.Type == type), $"a {type} event", timeout);
        return deliveries.First(w => w.Type == type);
    }

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
        var response = await SendAsync(HttpMethod.Get, $"sandbox/transactions?iMid={merchant.IMid}{ReferenceQuery(referenceNo)}", apiKey: null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sandbox ledger: {response}");
        return response.As<List<SandboxTransactionJson>>();
    }

    /// <summary>The one transaction the sandbox holds for a checkout (asserts there is exactly one).</summary>
    public async Task<SandboxTransactionJson> SandboxTransactionAsync(Merchant merchant, string referenceNo)
    {
        var transactions = await SandboxTransactionsAsync(merchant, referenceNo);
        Assert.True(transactions.Count == 1, $"Expected one sandbox transaction for {merchant.IMid}/{referenceNo}, found {transactions.Count}: {string.Join(" | ", transactions)}");
        return transactions[0];
    }

    /// <summary>Every registration request the sandbox received, per (iMid, referenceNo), of an iMid or one referenceNo.</summary>
    public async Task<IReadOnlyList<SandboxRegistrationsJson>> SandboxRegistrationsAsync(Merchant merchant, string? referenceNo = null)
    {
        var response = await SendAsync(HttpMethod.Get, $"sandbox/registrations?iMid={merchant.IMid}{ReferenceQuery(referenceNo)}", apiKey: null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sandbox registrations: {response}");
        return response.As<List<SandboxRegistrationsJson>>();
    }

    /// <summary>Every registration request the sandbox received for (iMid, referenceNo) (asserts there is one entry).</summary>
    public async Task<SandboxRegistrationsJson> SandboxRegistrationAsync(Merchant merchant, string referenceNo)
    {
        var registrations = await SandboxRegistrationsAsync(merchant, referenceNo);
        Assert.True(registrations.Count == 1, $"Expected one registration entry for {merchant.IMid}/{referenceNo}, found {registrations.Count}.");
        return registrations[0];
    }

    /// <summary>Polls the sandbox ledger until the checkout's transaction satisfies <paramref name="done"/>.</summary>
    public Task<SandboxTransactionJson> WaitForSandboxAsync(
        Merchant merchant, string referenceNo, Func<SandboxTransactionJson, bool> done, string what, TimeSpan? timeout = null) =>
        EventuallyAsync(
            () => SandboxTransactionAsync(merchant, referenceNo),
            done,
            async last => $"The sandbox transaction of {merchant}/{referenceNo} never showed {what} (last seen: {last}).{Environment.NewLine}{await DescribeAsync(merchant, referenceNo)}",
            timeout ?? profile.DefaultWait);

    /// <summary>Everything known about a checkout, for failure messages: the operator view, the ledger, the webhooks.</summary>
    public async Task<string> DescribeAsync(Merchant merchant, string referenceNo)
    {
        var lines = new List<string>();
        try
        {
            var view = await SendAsync(HttpMethod.Get, $"ops/checkouts/{merchant.Id}/{referenceNo}", profile.OperatorKey);
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
    /// Polling (every 50 ms, or <paramref name="every"/>) is bounded by the deadline; it observes, it never stands in for
    /// an event.
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

    private static string ReferenceQuery(string? referenceNo) =>
        referenceNo is null ? "" : $"&referenceNo={Uri.EscapeDataString(referenceNo)}";

    private string LogHint(string lead) => LogLocation is { } location ? $"{lead}{location}" : "";

    private Dictionary<string, string?> Settings(int httpPort, int siloPort, int gatewayPort)
    {
        var address = $"http://127.0.0.1:{httpPort}";
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // The co-hosted silo binds real sockets: free ports, and a cluster of its own.
            ["Orleans:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = $"{profile.Prefix}-{Name}-{Guid.NewGuid():N}",
            ["Orleans:Dashboard"] = "false",

            // NICEPAY is the sandbox mounted in this very host; its notifications come back to this address.
            ["Nicepay:BaseUrl"] = address,
            ["Orchestrator:PublicBaseUrl"] = address,

            ["Operators:ApiKeys:1"] = profile.OperatorKey,

            // Validity and timing in seconds, so status checks, expiry and retries happen within a test.
            ["Checkouts:MinimumValidity"] = "00:00:02",
            ["Checkouts:Timing:ExpiryGrace"] = "00:00:01",
            ["Checkouts:Timing:RegistrationSettleDelay"] = "00:00:01",
            ["Checkouts:Timing:RegistrationBackoff:0"] = "00:00:01",
            ["Checkouts:Timing:InquiryBackoff:0"] = "00:00:01",
            ["Checkouts:Timing:WebhookRetrySchedule:0"] = "00:00:01",

            // Quiet on the default providers; a suite that routes logs elsewhere (ConfigureSilo) sets its own filters.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
        };

        foreach (var merchant in profile.Merchants)
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

        // The suite's settings, then the host's: the later one wins.
        foreach (var (key, value) in profile.Settings.Concat(HostSettings))
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
    /// The Silo's own Program, in the Development environment, with the test settings on top and then whatever the
    /// suite adds (<see cref="ConfigureSilo"/>).
    /// </summary>
    private sealed class SiloFactory(IReadOnlyDictionary<string, string?> settings, Action<IWebHostBuilder> configure) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(Environments.Development);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            configure(builder);
        }
    }
}
