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

namespace Orchestrator.EndToEndTests.Infrastructure;

/// <summary>A merchant as configured in the test host: its API key, its NICEPAY iMid and key, its webhook secret.</summary>
public sealed record Merchant(string Id, string Name, string ApiKey, string IMid, string MerchantKey, string WebhookSecret)
{
    public override string ToString() => Id;
}

/// <summary>
/// The real Silo in its development profile, served by Kestrel on a free loopback port, with the NICEPAY sandbox mounted
/// in-process at the same address: the orchestrator's NICEPAY calls and the sandbox's notifications travel over real
/// loopback HTTP. Two merchants (<see cref="ShopA"/>, <see cref="ShopB"/>) each with its own iMid (known to the sandbox),
/// API key and webhook secret, their webhooks pointed at a <see cref="WebhookReceiver"/> of our own; an operator key;
/// free Orleans ports; checkout timing in seconds. Subclasses choose the timing that their tests need.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public abstract class EndToEndHost : IAsyncLifetime
{
    public const string OperatorKey = "e2e-operator-key-0001";

    public static readonly Merchant ShopA = new(
        "shop-a", "Shop A", "shop-a-e2e-api-key-0001", "SHOPAE2E01", "shop-a-sandbox-merchant-key", "whsec_Qm7OZF1ozp+T5LwsrMm6OSKww/IPcJ+V");

    public static readonly Merchant ShopB = new(
        "shop-b", "Shop B", "shop-b-e2e-api-key-0001", "SHOPBE2E01", "shop-b-sandbox-merchant-key", "whsec_2RH9qHA2txEM7LNhrUuSxvVC8VZIWZqo");

    /// <summary>How long a wait for something that normally takes milliseconds may last before the test fails.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    private const int StartAttempts = 3;

    private SiloFactory? _factory;
    private HttpClient? _http;

    /// <summary>The Silo's address, e.g. <c>http://127.0.0.1:41234/</c>: the API, NICEPAY (the sandbox) and the callbacks.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The merchants' webhook endpoint.</summary>
    public WebhookReceiver Webhooks { get; } = new();

    private HttpClient Http => _http ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>Settings this host adds to (or overrides in) the common ones, mostly <c>Checkouts:Timing</c>.</summary>
    protected abstract IReadOnlyDictionary<string, string?> HostSettings { get; }

    public async Task InitializeAsync()
    {
        await Webhooks.StartAsync();
        for (var attempt = 1; ; attempt++)
        {
            // Free ports are picked, then bound by the host: another process could take one in between, so retry.
            var port = FreeLoopbackPort();
            var factory = new SiloFactory(Settings(port, FreeLoopbackPort(), FreeLoopbackPort()));
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

        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        await EventuallyAsync(
            async () => (await SendAsync(HttpMethod.Get, "health/ready", apiKey: null)).StatusCode,
            status => status == HttpStatusCode.OK,
            status => Task.FromResult($"the Silo at {BaseAddress} is not ready (/health/ready answered {status})"),
            DefaultWait);
        await WarmUpAsync();
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Webhooks.DisposeAsync();
    }

    /// <summary>
    /// One checkout per merchant before any test: proves the whole loop (API, grain, NICEPAY sandbox over loopback) is
    /// wired, with a message saying what to check when it is not, and takes the first-call costs (JIT, connection
    /// set-up, grain activation) out of the tests' timing.
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
                    $"The test host at {BaseAddress} could not register a checkout for {merchant} at the in-process NICEPAY sandbox "
                    + $"(Nicepay:BaseUrl = {BaseAddress}). Answer: {response}{Environment.NewLine}{await DescribeAsync(merchant, reference)}");
            }
        }
    }

    /// <summary>A unique referenceNo for one test: <c>E2E-{what}-{16 hex}</c>.</summary>
    public static string NewReference(string what) => what.Length <= 19
        ? $"E2E-{what}-{Guid.NewGuid():N}"[..(what.Length + 21)]
        : throw new ArgumentException("Keep it short: a referenceNo has at most 40 characters.", nameof(what));

    /// <summary>A valid create request; <paramref name="expiresAt"/> is sent in Jakarta time, as a merchant there would.</summary>
    public static CreateCheckoutBody NewCheckout(string referenceNo, long amount = 150_000, string store = "indomaret", DateTimeOffset? expiresAt = null) =>
        new(referenceNo, amount, store, "Coffee beans 1 kg", new CustomerBody("Budi Santoso", "+6281234567890", "budi@example.com"),
            expiresAt?.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));

    /// <summary>One HTTP call, with <c>Authorization: Bearer</c> when a key is given; the answer is read whole.</summary>
    public async Task<WireResponse> SendAsync(HttpMethod method, string path, string? apiKey, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return await WireResponse.ReadAsync(await Http.SendAsync(request));
    }

    public Task<WireResponse> PostJsonAsync<T>(string path, string? apiKey, T body) =>
        SendAsync(HttpMethod.Post, path, apiKey, JsonContent.Create(body, options: Json.Options));

    public Task<WireResponse> CreateAsync(Merchant merchant, CreateCheckoutBody body) => PostJsonAsync("v1/checkouts", merchant.ApiKey, body);

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

    public async Task<OperatorViewJson> OperatorViewAsync(Merchant merchant, string referenceNo)
    {
        var response = await SendAsync(HttpMethod.Get, $"ops/checkouts/{merchant.Id}/{referenceNo}", OperatorKey);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /ops/checkouts/{merchant}/{referenceNo}: expected 200, got {response}");
        return response.As<OperatorViewJson>();
    }

    /// <summary>Polls the merchant API until the checkout has <paramref name="status"/>; fails with the journal.</summary>
    public Task<CheckoutJson> WaitForStatusAsync(Merchant merchant, string referenceNo, string status, TimeSpan? timeout = null) =>
        EventuallyAsync(
            () => GetCheckoutAsync(merchant, referenceNo),
            checkout => checkout.Status == status,
            async last => $"{merchant}/{referenceNo} did not become '{status}' (last seen: {last}).{Environment.NewLine}{await DescribeAsync(merchant, referenceNo)}",
            timeout ?? DefaultWait);

    /// <summary>Waits for webhook deliveries for a checkout; fails with what arrived and the checkout's journal.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForWebhooksAsync(
        Merchant merchant, string referenceNo, Func<IReadOnlyList<ReceivedWebhook>, bool> done, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await Webhooks.WaitForAsync(referenceNo, done, what, timeout ?? DefaultWait);
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

    /// <summary>Adds a sandbox fault rule; returns its id.</summary>
    public async Task<string> AddFaultAsync(object rule)
    {
        var response = await PostJsonAsync("sandbox/faults", apiKey: null, rule);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Adding fault {System.Text.Json.JsonSerializer.Serialize(rule)}: expected 201, got {response}");
        return response.Node()["id"]!.GetValue<string>();
    }

    public async Task RemoveFaultAsync(string id)
    {
        var response = await SendAsync(HttpMethod.Delete, $"sandbox/faults/{id}", apiKey: null);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"Removing fault {id}: expected 204, got {response}");
    }

    /// <summary>The sandbox ledger's transactions for a referenceNo, newest first.</summary>
    public async Task<IReadOnlyList<SandboxTransactionJson>> SandboxTransactionsAsync(Merchant merchant, string referenceNo)
    {
        var response = await SendAsync(HttpMethod.Get, $"sandbox/transactions?iMid={merchant.IMid}&referenceNo={Uri.EscapeDataString(referenceNo)}", apiKey: null);
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

    /// <summary>Every registration request the sandbox received for (iMid, referenceNo).</summary>
    public async Task<SandboxRegistrationsJson> SandboxRegistrationsAsync(Merchant merchant, string referenceNo)
    {
        var response = await SendAsync(HttpMethod.Get, $"sandbox/registrations?iMid={merchant.IMid}&referenceNo={Uri.EscapeDataString(referenceNo)}", apiKey: null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sandbox registrations: {response}");
        var registrations = response.As<List<SandboxRegistrationsJson>>();
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
            timeout ?? DefaultWait);

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
    /// Polling (every 50 ms) is bounded by the deadline; it observes, it never stands in for an event.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, Func<T?, Task<string>> describe, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        var last = default(T);
        while (true)
        {
            last = await read();
            if (done(last))
            {
                return last;
            }

            if (elapsed.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout}: {await describe(last)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
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
            ["Orleans:ClusterId"] = $"e2e-{Guid.NewGuid():N}",
            ["Orleans:Dashboard"] = "false",

            // NICEPAY is the sandbox mounted in this very host; its notifications come back to this address.
            ["Nicepay:BaseUrl"] = address,
            ["Orchestrator:PublicBaseUrl"] = address,

            ["Operators:ApiKeys:1"] = OperatorKey,

            // Validity and timing in seconds, so status checks, expiry and retries happen within a test.
            ["Checkouts:MinimumValidity"] = "00:00:02",
            ["Checkouts:Timing:ExpiryGrace"] = "00:00:01",
            ["Checkouts:Timing:RegistrationSettleDelay"] = "00:00:01",
            ["Checkouts:Timing:RegistrationBackoff:0"] = "00:00:01",
            ["Checkouts:Timing:InquiryBackoff:0"] = "00:00:01",
            ["Checkouts:Timing:WebhookRetrySchedule:0"] = "00:00:01",

            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
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

    /// <summary>The Silo's own Program, in the Development environment, with the test settings on top.</summary>
    private sealed class SiloFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(Environments.Development);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
