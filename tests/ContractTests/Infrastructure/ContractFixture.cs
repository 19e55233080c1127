using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Nicepay;
using Orchestrator.NicepaySandbox;

namespace Orchestrator.ContractTests.Infrastructure;

/// <summary>The contract tier's one collection: every test shares one sandbox and runs one at a time (the sandbox clock is shared).</summary>
[CollectionDefinition(Name)]
public sealed class ContractTier : ICollectionFixture<ContractFixture>
{
    public const string Name = "Client against sandbox";
}

/// <summary>
/// Our client (<see cref="NicepayServiceCollectionExtensions.AddNicepayClient"/>, real named HttpClients and resilience
/// pipelines, system clock) pointed at our sandbox (<see cref="Program.CreateApp"/> on loopback port 0, with a
/// <see cref="FakeTimeProvider"/> the tests move), plus a merchant dbProcessUrl on loopback port 0. Nothing in between
/// but HTTP. Control of the sandbox (store counter, faults, ledger) goes through its HTTP endpoints too.
/// </summary>
public sealed class ContractFixture : IAsyncLifetime
{
    /// <summary>NICEPAY's public sandbox merchant and demo key (contract §4.1).</summary>
    public static readonly NicepayCredentials Demo = new(
        "IONPAYTEST", "33F49GnCMS1mFYlGXisbUDzVf2ATWCl9k3R++d5hDd3Frmuos/XLx8XhXpe+LDYAbpGKZYSwtlyyLOtS/8aD7A==");

    /// <summary>A second merchant whose duplicate-reference check (ORD_NO_DUP_CHK_FLG) is off.</summary>
    public static readonly NicepayCredentials NoDuplicateCheck = new("NODUPTEST1", "contract-tests-no-duplicate-check-key");

    /// <summary>Monday 10 March 2025, 10:00 in Jakarta: inside every store's opening hours.</summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 10, 10, 0, 0, JakartaTime.Offset);

    /// <summary>The sandbox's Alfa-group commit window (its default).</summary>
    public static readonly TimeSpan ReadyToCommitWindow = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Short client timeouts so the timeout cases cost seconds, yet long enough that a loaded machine running other test
    /// assemblies in parallel never turns a normal loopback answer into a timeout; no backoff delays.
    /// </summary>
    public static readonly NicepayOptions ClientOptions = new()
    {
        RegistrationTimeout = TimeSpan.FromSeconds(2),
        RegistrationTotalBudget = TimeSpan.FromSeconds(3),
        RegistrationMaxConnectAttempts = 2,
        InquiryAttemptTimeout = TimeSpan.FromSeconds(2),
        InquiryMaxAttempts = 3,
        InquiryTotalBudget = TimeSpan.FromSeconds(7),
        CancelAttemptTimeout = TimeSpan.FromSeconds(2),
        CancelMaxAttempts = 3,
        CancelTotalBudget = TimeSpan.FromSeconds(7),
        DisableRetryDelays = true,
    };

    private WebApplication? _sandbox;
    private ServiceProvider? _clientServices;
    private ServiceProvider? _unreachableServices;

    /// <summary>The sandbox's clock. Only tests move it, so within the collection its time is exact and predictable.</summary>
    public FakeTimeProvider SandboxClock { get; } = new(Start);

    /// <summary>The sandbox's now, in Jakarta's offset.</summary>
    public DateTimeOffset SandboxNow => SandboxClock.GetUtcNow().ToOffset(JakartaTime.Offset);

    public NotificationReceiver Receiver { get; } = new();

    public Uri SandboxAddress { get; private set; } = null!;

    /// <summary>The client, configured with the sandbox as its base URL.</summary>
    public INicepayClient Client { get; private set; } = null!;

    /// <summary>The same client configured with a loopback port nothing listens on.</summary>
    public INicepayClient UnreachableClient { get; private set; } = null!;

    /// <summary>Plain HTTP to the sandbox's own endpoints (store counter, faults, ledger).</summary>
    public HttpClient Sandbox { get; private set; } = null!;

    public static string NewReference() => "CT-" + Guid.NewGuid().ToString("N")[..24];

    public async Task InitializeAsync()
    {
        await Receiver.StartAsync();

        var settings = new Dictionary<string, string?>
        {
            [$"Sandbox:Merchants:{Demo.IMid}:MerchantKey"] = Demo.MerchantKey,
            [$"Sandbox:Merchants:{Demo.IMid}:Name"] = "Toko Kontrak",
            [$"Sandbox:Merchants:{NoDuplicateCheck.IMid}:MerchantKey"] = NoDuplicateCheck.MerchantKey,
            [$"Sandbox:Merchants:{NoDuplicateCheck.IMid}:DuplicateReferenceCheck"] = "false",
            ["Sandbox:ReadyToCommitWindow"] = ReadyToCommitWindow.ToString("c", CultureInfo.InvariantCulture),
        };
        _sandbox = Program.CreateApp(
            ["--urls", "http://127.0.0.1:0"],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Services.AddSingleton<TimeProvider>(SandboxClock);
                builder.Logging.ClearProviders();
            });
        await _sandbox.StartAsync();
        SandboxAddress = new Uri(_sandbox.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        Sandbox = new HttpClient { BaseAddress = SandboxAddress, Timeout = TimeSpan.FromSeconds(15) };

        _clientServices = BuildClient(SandboxAddress);
        Client = _clientServices.GetRequiredService<INicepayClient>();
        _unreachableServices = BuildClient(new Uri($"http://127.0.0.1:{ClosedPort()}"));
        UnreachableClient = _unreachableServices.GetRequiredService<INicepayClient>();

        await WarmUpAsync();
    }

    public async Task DisposeAsync()
    {
        Sandbox?.Dispose();
        if (_clientServices is not null)
        {
            await _clientServices.DisposeAsync();
        }

        if (_unreachableServices is not null)
        {
            await _unreachableServices.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        await Receiver.DisposeAsync();
    }

    /// <summary>A complete registration request whose notification goes to a dbProcessUrl of its own.</summary>
    public (CvsRegistrationRequest Request, string NotifyKey) NewRequest(
        CvsPartner partner = CvsPartner.Indomaret, long amount = 150_000, DateTimeOffset? validUntil = null, string? referenceNo = null)
    {
        var (url, key) = Receiver.NewEndpoint();
        var request = new CvsRegistrationRequest
        {
            ReferenceNo = referenceNo ?? NewReference(),
            Amount = amount,
            Partner = partner,
            GoodsName = "Coffee beans 1 kg",
            Billing = new NicepayBilling { Name = "Budi Santoso", Phone = "081234567890", Email = "budi@example.com" },
            NotificationUrl = url,
            ValidUntil = validUntil,
        };
        return (request, key);
    }

    /// <summary>Registers through the client and asserts it succeeded.</summary>
    public async Task<CvsRegistration> RegisterAsync(
        CvsPartner partner = CvsPartner.Indomaret, long amount = 150_000, DateTimeOffset? validUntil = null, NicepayCredentials? credentials = null)
    {
        var (request, _) = NewRequest(partner, amount, validUntil);
        return await RegisterAsync(request, credentials);
    }

    public async Task<CvsRegistration> RegisterAsync(CvsRegistrationRequest request, NicepayCredentials? credentials = null)
    {
        var result = await Client.RegisterAsync(credentials ?? Demo, request);
        Assert.True(result.IsSuccess, $"registration of {request.ReferenceNo}: {result}");
        return result.Value;
    }

    public Task<NicepayResult<CvsStatus>> InquireAsync(CvsRegistration registration, NicepayCredentials? credentials = null) =>
        Client.InquireAsync(credentials ?? Demo, new CvsInquiryRequest(registration.TransactionId, registration.ReferenceNo, registration.Amount));

    /// <summary>Inquires through the client and asserts it succeeded.</summary>
    public async Task<CvsStatus> StatusOfAsync(CvsRegistration registration)
    {
        var result = await InquireAsync(registration);
        Assert.True(result.IsSuccess, $"inquiry of {registration.TransactionId}: {result}");
        return result.Value;
    }

    public Task<NicepayResult<CvsCancellation>> CancelAsync(CvsRegistration registration, long? amount = null, NicepayCredentials? credentials = null) =>
        Client.CancelAsync(
            credentials ?? Demo,
            new CvsCancelRequest(registration.TransactionId, amount ?? registration.Amount, registration.ReferenceNo, "Customer changed their mind"));

    /// <summary>The store for a registration's network: Indomaret for INDO, Alfamart for the Alfa group.</summary>
    public static string StoreFor(CvsPartner partner) => partner == CvsPartner.Indomaret ? "indomaret" : "alfamart";

    /// <summary>The customer hands the cashier the exact amount.</summary>
    public async Task<HttpResponseMessage> PayAtStoreAsync(CvsRegistration registration, string? store = null, long? amount = null) =>
        await Sandbox.PostAsJsonAsync(
            $"/sandbox/stores/{store ?? StoreFor(registration.Partner)}/payments",
            new { payNo = registration.PaymentCode, amount = amount ?? registration.Amount });

    /// <summary>Pays and asserts the till took it; returns the receipt.</summary>
    public async Task<JsonElement> PayAsync(CvsRegistration registration)
    {
        using var response = await PayAtStoreAsync(registration);
        return await ReadJsonAsync(response, $"payment of {registration.PaymentCode}");
    }

    /// <summary>Pays, and for the Alfa group moves the sandbox clock past the commit window, so the payment is final.</summary>
    public async Task<JsonElement> PayAndCommitAsync(CvsRegistration registration)
    {
        var receipt = await PayAsync(registration);
        if (registration.Partner == CvsPartner.AlfaGroup)
        {
            SandboxClock.Advance(ReadyToCommitWindow);
        }

        return receipt;
    }

    /// <summary>
    /// Moves the sandbox clock in steps until <paramref name="task"/> completes. Steps, not one jump: the sandbox may
    /// start waiting on its clock a moment after a fault fired. Whole seconds only: NICEPAY's times have no fractions, so
    /// the clock stays on whole seconds and every expected time is exact.
    /// </summary>
    public async Task<T> AdvanceUntilCompletedAsync<T>(Task<T> task, TimeSpan step)
    {
        Assert.True(step.Ticks % TimeSpan.TicksPerSecond == 0, "advance the sandbox clock by whole seconds");
        var elapsed = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (elapsed.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("the call did not complete while the sandbox clock advanced");
            }

            SandboxClock.Advance(step);
            await Task.WhenAny(task, Task.Delay(20));
        }

        return await task;
    }

    public async Task<JsonElement> ReverseAsync(string tXid)
    {
        using var response = await Sandbox.PostAsync($"/sandbox/transactions/{tXid}/reversal", content: null);
        return await ReadJsonAsync(response, $"reversal of {tXid}");
    }

    public Task<JsonElement> TransactionAsync(string tXid) => GetJsonAsync($"/sandbox/transactions/{tXid}");

    /// <summary>The sandbox's transactions with this referenceNo (newest first).</summary>
    public async Task<IReadOnlyList<JsonElement>> TransactionsAsync(string referenceNo, string? iMid = null) =>
        [.. (await GetJsonAsync($"/sandbox/transactions?referenceNo={Uri.EscapeDataString(referenceNo)}&iMid={iMid ?? Demo.IMid}")).EnumerateArray()];

    /// <summary>The registration requests the sandbox received for (iMid, referenceNo); null when none arrived at all.</summary>
    public async Task<JsonElement?> RegistrationRequestsAsync(string referenceNo, string? iMid = null)
    {
        var all = await GetJsonAsync($"/sandbox/registrations?referenceNo={Uri.EscapeDataString(referenceNo)}&iMid={iMid ?? Demo.IMid}");
        return all.GetArrayLength() switch
        {
            0 => null,
            1 => all[0],
            _ => throw new Xunit.Sdk.XunitException($"more than one registration counter for {referenceNo}: {all}"),
        };
    }

    /// <summary>Adds a fault rule (201 asserted) and returns its id.</summary>
    public async Task<string> AddFaultAsync(object rule)
    {
        using var response = await Sandbox.PostAsJsonAsync("/sandbox/faults", rule);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"fault not added: HTTP {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text).GetProperty("id").GetString()!;
    }

    /// <summary>How many times a fault rule fired.</summary>
    public async Task<int> FaultFiredAsync(string id) => (await GetJsonAsync($"/sandbox/faults/{id}")).GetProperty("fired").GetInt32();

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Sandbox.GetAsync(path);
        return await ReadJsonAsync(response, $"GET {path}");
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{what}: HTTP {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    private static ServiceProvider BuildClient(Uri baseUrl)
    {
        var options = ClientOptions;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Nicepay:BaseUrl"] = baseUrl.ToString(),
                ["Nicepay:RegistrationTimeout"] = Format(options.RegistrationTimeout),
                ["Nicepay:RegistrationTotalBudget"] = Format(options.RegistrationTotalBudget),
                ["Nicepay:RegistrationMaxConnectAttempts"] = Format(options.RegistrationMaxConnectAttempts),
                ["Nicepay:InquiryAttemptTimeout"] = Format(options.InquiryAttemptTimeout),
                ["Nicepay:InquiryMaxAttempts"] = Format(options.InquiryMaxAttempts),
                ["Nicepay:InquiryTotalBudget"] = Format(options.InquiryTotalBudget),
                ["Nicepay:CancelAttemptTimeout"] = Format(options.CancelAttemptTimeout),
                ["Nicepay:CancelMaxAttempts"] = Format(options.CancelMaxAttempts),
                ["Nicepay:CancelTotalBudget"] = Format(options.CancelTotalBudget),
                ["Nicepay:DisableRetryDelays"] = "true",
            })
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddNicepayClient();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        static string Format(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
    }

    /// <summary>A loopback port that was free a moment ago and has no listener: connecting to it is refused.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// One registration, inquiry and cancel before the first test, so JIT and connection set-up never eat into the
    /// short attempt timeouts the tests rely on.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var registration = await RegisterAsync();
        Assert.True((await InquireAsync(registration)).IsSuccess, "warm-up inquiry");
        Assert.True((await CancelAsync(registration)).IsSuccess, "warm-up cancel");
    }
}
