using System.Diagnostics;
using System.Net;
using Orchestrator.ClusterHarness;
using Orchestrator.TestSupport.Webhooks;
using Xunit.Abstractions;

namespace Orchestrator.DurabilityTests.Infrastructure;

/// <summary>Starting a harness for a drill, and the few steps every drill takes, with failure messages that tell the story.</summary>
public static class DurabilityCluster
{
    /// <summary>This run's artifacts: one folder per drill (process logs, harness log) and <c>figures.md</c>.</summary>
    public static string ArtifactsRoot { get; } = ArtifactsLocation.RunRoot("durability");

    /// <summary>How long something that normally takes a moment may take before a drill fails.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    /// <summary>Starts a harness named after the drill, narrating into the test's output.</summary>
    public static Task<ProcessCluster> StartAsync(ITestOutputHelper output, string name, int silos)
    {
        var settings = ProcessClusterOptions.DefaultSiloSettings();
        settings["Orleans:Membership:ProbeTimeout"] = DurabilityKnobs.ProbeTimeout;
        settings["Orleans:Membership:NumMissedProbesLimit"] = DurabilityKnobs.MissedProbes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            Name = name,
            Silos = silos,
            ArtifactsDirectory = ArtifactsRoot,
            SiloSettings = settings,
            Log = output.WriteLine,
        });
    }

    /// <summary>A unique referenceNo: <c>DUR-{what}-{hex}</c>, at most 40 characters.</summary>
    public static string NewReference(string what) => $"DUR-{what}-{Guid.NewGuid():N}"[..Math.Min(40, what.Length + 21)];

    /// <summary>Creates a checkout through <paramref name="silo"/> and asserts the 201 with a payment code.</summary>
    public static async Task<CheckoutJson> CreateRegisteredAsync(this SiloProcess silo, HarnessMerchant merchant, CreateCheckoutBody body)
    {
        var response = await silo.CreateAsync(merchant, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating {merchant}/{body.ReferenceNo} through {silo}: expected 201, got {response}");
        var checkout = response.As<CheckoutJson>();
        Assert.True(checkout.Status == "registered" && checkout.PaymentCode is not null, $"Creating {merchant}/{body.ReferenceNo}: expected registered with a payment code, got {checkout}");
        return checkout;
    }

    /// <summary>The operator view through <paramref name="silo"/>; asserts 200.</summary>
    public static async Task<OperatorViewJson> ViewAsync(this ProcessCluster cluster, SiloProcess silo, HarnessMerchant merchant, string referenceNo)
    {
        var response = await silo.OperatorViewAsync(cluster.OperatorKey, merchant, referenceNo);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /ops/checkouts/{merchant.Id}/{referenceNo} through {silo}: expected 200, got {response}");
        return response.As<OperatorViewJson>();
    }

    /// <summary>Polls the merchant API (through running silos in turn) until the checkout has <paramref name="status"/>.</summary>
    public static async Task<CheckoutJson> WaitForStatusAsync(
        this ProcessCluster cluster, HarnessMerchant merchant, string referenceNo, string status, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? DefaultWait;
        WireResponse? last = null;
        for (var turn = 0; clock.Elapsed < limit; turn++)
        {
            var silos = cluster.RunningSilos;
            last = await silos[turn % silos.Count].GetAsync(merchant, referenceNo, TimeSpan.FromSeconds(10));
            if (last.StatusCode == HttpStatusCode.OK && last.As<CheckoutJson>().Status == status)
            {
                return last.As<CheckoutJson>();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        Assert.Fail($"{merchant}/{referenceNo} did not become '{status}' within {limit} (last answer: {last}).{Environment.NewLine}{await cluster.DescribeAsync(merchant, referenceNo)}");
        throw new UnreachableException();
    }

    /// <summary>Waits for webhook deliveries for a checkout; fails with what arrived and the checkout's story.</summary>
    public static async Task<IReadOnlyList<ReceivedWebhook>> WaitForWebhooksAsync(
        this ProcessCluster cluster, HarnessMerchant merchant, string referenceNo,
        Func<IReadOnlyList<ReceivedWebhook>, bool> done, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await cluster.Webhooks.WaitForAsync(referenceNo, done, what, timeout ?? DefaultWait);
        }
        catch (TimeoutException exception)
        {
            Assert.Fail($"{exception.Message}{Environment.NewLine}{await cluster.DescribeAsync(merchant, referenceNo)}");
            throw;
        }
    }

    /// <summary>Asserts an audit found nothing, listing every violation otherwise.</summary>
    public static void AssertClean(AuditResult audit) =>
        Assert.True(audit.Violations.Count == 0,
            $"{audit}:{Environment.NewLine}{string.Join(Environment.NewLine + Environment.NewLine, audit.Violations)}");

    /// <summary>The membership settings in effect, for the figures.</summary>
    public static string MembershipSettings(this ProcessCluster cluster) =>
        string.Join(", ", cluster.SiloSettings.Where(pair => pair.Key.StartsWith("Orleans:Membership:", StringComparison.Ordinal))
            .Select(pair => $"{pair.Key["Orleans:Membership:".Length..]}={pair.Value}"));

    /// <summary>The checkout timing in effect, for the figures.</summary>
    public static string TimingSettings(this ProcessCluster cluster) =>
        string.Join(", ", cluster.SiloSettings
            .Where(pair => pair.Key.StartsWith("Checkouts:Timing:", StringComparison.Ordinal) && !pair.Key.Contains("WebhookRetrySchedule:", StringComparison.Ordinal))
            .Select(pair => $"{pair.Key["Checkouts:Timing:".Length..]}={pair.Value}"))
        + $", WebhookRetrySchedule={cluster.SiloSettings.Count(pair => pair.Key.Contains("WebhookRetrySchedule:", StringComparison.Ordinal))}×1s"
        + $", MinimumReminderPeriod={cluster.SiloSettings["Orleans:MinimumReminderPeriod"]}";
}
