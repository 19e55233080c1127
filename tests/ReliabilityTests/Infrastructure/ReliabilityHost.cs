using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.HostingSupport;
using Orchestrator.Nicepay;
using Orchestrator.TestSupport.Secrets;
using Orchestrator.TestSupport.Webhooks;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>
/// The reliability suites' <see cref="SiloHost"/> (the host tests/EndToEndTests runs on): the real Silo on a loopback
/// port with the NICEPAY sandbox mounted in it, two merchants (<see cref="ShopA"/>, <see cref="ShopB"/>) with their own
/// iMid, API key and webhook secret, an operator key, and referenceNos that start with <c>REL-</c>. What this host adds:
/// <list type="bullet">
/// <item>every log line of the Silo (all categories, Information; <c>Orchestrator.*</c> at Debug) and of the webhook
/// receiver goes to <c>artifacts/logs/reliability/&lt;run&gt;/&lt;name&gt;-*.log</c>, nothing to the console;</item>
/// <item>its keys and secrets are in the <see cref="SecretLedger"/>; the merchant tokens of every NICEPAY request and
/// notification are recorded for the secrets scan, and every notification the sandbox sends is handed to
/// <see cref="NotificationSent"/> (the storm replays them);</item>
/// <item>per-merchant rate limiting is off: these suites drive one merchant far above its rate on purpose (the limits
/// are §1's subject).</item>
/// </list>
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public abstract class ReliabilityHost() : SiloHost(Profile)
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

    // After the fields it is made of: static fields are initialized in the order they are written.
    private static readonly SiloHostProfile Profile = new("REL", OperatorKey, [ShopA, ShopB], DefaultWait)
    {
        Settings = new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" },
    };

    private FileLoggerProvider? _siloLog;
    private FileLoggerProvider? _webhookLog;

    /// <summary>Called for every notification the sandbox sends, just before it leaves (on the sandbox's task).</summary>
    public Action<CapturedNotification>? NotificationSent { get; set; }

    /// <summary>The Silo's log file.</summary>
    public string SiloLogFile => Artifacts.LogFile($"{Name}-silo");

    protected override string? LogLocation => SiloLogFile;

    /// <summary>A unique referenceNo: <c>REL-{what}-{16 hex}</c>, 40 characters at most.</summary>
    public static string NewReference(string what) => Profile.NewReference(what);

    public override async Task InitializeAsync()
    {
        foreach (var merchant in new[] { ShopA, ShopB })
        {
            SecretLedger.Add(SecretKind.MerchantApiKey, $"{Name} host, {merchant}", merchant.ApiKey);
            SecretLedger.Add(SecretKind.MerchantNicepayKey, $"{Name} host, {merchant}", merchant.MerchantKey);
            SecretLedger.Add(SecretKind.WebhookSecret, $"{Name} host, {merchant}", merchant.WebhookSecret);
        }

        SecretLedger.Add(SecretKind.OperatorKey, $"{Name} host", OperatorKey);
        _siloLog = new FileLoggerProvider(SiloLogFile);
        _webhookLog = new FileLoggerProvider(Artifacts.LogFile($"{Name}-webhooks"));
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();

        // Registered as instances, so the hosts do not dispose them: flush and close the files here.
        _webhookLog?.Dispose();
        _siloLog?.Dispose();
    }

    /// <summary>The webhook receiver, logging to its file like every host of this assembly.</summary>
    protected override WebhookReceiver CreateWebhookReceiver()
    {
        var log = _webhookLog ?? throw new InvalidOperationException("The webhook receiver's log is opened first.");
        return new WebhookReceiver(configureLogging: logging => FileLoggerProvider.Configure(logging, log));
    }

    /// <summary>The Silo's logs in a file, and the token capture on its NICEPAY clients and the sandbox's notification client.</summary>
    protected override void ConfigureSilo(IWebHostBuilder builder)
    {
        var log = _siloLog ?? throw new InvalidOperationException("The Silo's log is opened first.");
        builder.ConfigureLogging(logging => FileLoggerProvider.Configure(logging, log));
        builder.ConfigureTestServices(services =>
        {
            foreach (var name in NicepayHttpClientNames.All)
            {
                services.AddHttpClient(name).AddHttpMessageHandler(() => new TokenCaptureHandler(name));
            }

            services.AddHttpClient(SandboxNotificationClient)
                .AddHttpMessageHandler(() => new TokenCaptureHandler(SandboxNotificationClient, captured => NotificationSent?.Invoke(captured)));
        });
    }

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
}
