using System.Diagnostics;
using System.Net;
using Orchestrator.ClusterHarness;
using Orchestrator.DurabilityTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.DurabilityTests;

/// <summary>
/// Silo processes on loopback form one cluster through PostgreSQL membership alone (no other discovery), and any of
/// them serves any checkout: reads it, and changes it, whichever silo created it and wherever it is active.
/// </summary>
[Trait("Category", "Durability")]
public sealed class ClusterFormationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SiloProcesses_TwoThenThree_FormOneClusterAndServeEveryCheckoutThroughEverySilo()
    {
        var figures = new Figures(output, "Cluster formation: two, then three silo processes");
        var clock = Stopwatch.StartNew();
        await using var cluster = await DurabilityCluster.StartAsync(output, "cluster-formation", silos: 2);
        var merchant = cluster.Merchants[0];
        figures.Add($"- `migrate` (run as a process): {cluster.MigrateOutput.Split('\n')[^1].Trim()}");
        figures.Add($"- 2 silos ready (PostgreSQL, schema, sandbox, receiver, silos) in {clock.Elapsed.TotalSeconds:F1} s");
        AssertEveryRunningSiloActive(cluster, await cluster.WaitForMembershipAsync());
        figures.Add($"- membership with 2: {string.Join("; ", await cluster.MembershipAsync())}");

        // Two silos: a checkout created through each is served through both.
        var created = new List<(string Reference, SiloProcess Through)>();
        foreach (var silo in cluster.RunningSilos)
        {
            var reference = DurabilityCluster.NewReference("form");
            await silo.CreateRegisteredAsync(merchant, CreateCheckoutBody.For(reference));
            created.Add((reference, silo));
        }

        await AssertServedByEverySiloAsync(cluster, merchant, created.Select(c => c.Reference));

        // A third silo joins through the membership table alone.
        var joining = Stopwatch.StartNew();
        var third = await cluster.StartSiloAsync();
        AssertEveryRunningSiloActive(cluster, await cluster.WaitForMembershipAsync());
        figures.Add($"- a third silo joined (process start to Active in the table) in {joining.Elapsed.TotalSeconds:F1} s");
        figures.Add($"- membership with 3: {string.Join("; ", await cluster.MembershipAsync())}");
        var fromThird = DurabilityCluster.NewReference("form");
        await third.CreateRegisteredAsync(merchant, CreateCheckoutBody.For(fromThird));
        created.Add((fromThird, third));
        await AssertServedByEverySiloAsync(cluster, merchant, created.Select(c => c.Reference));

        // Actionable through every silo: each one changes a checkout another silo created.
        var silos = cluster.RunningSilos;
        var (cancelled, paidAndFulfilled, fulfilledByMerchant) = (created[0].Reference, created[1].Reference, created[2].Reference);

        var cancel = await silos[1].CancelAsync(merchant, cancelled);
        Assert.True(cancel.StatusCode == HttpStatusCode.OK && cancel.As<CheckoutJson>().Status == "cancelled",
            $"cancel of {cancelled} (created through {created[0].Through}) through {silos[1]}: {cancel}");

        var check = await silos[2].StatusCheckAsync(cluster.OperatorKey, merchant, paidAndFulfilled);
        Assert.True(check.StatusCode == HttpStatusCode.OK, $"status-check of {paidAndFulfilled} through {silos[2]}: {check}");
        await cluster.Sandbox.PayOrThrowAsync((await silos[0].GetAsync(merchant, paidAndFulfilled)).As<CheckoutJson>());

        cluster.Webhooks.Hold(fulfilledByMerchant);
        await cluster.Sandbox.PayOrThrowAsync((await silos[1].GetAsync(merchant, fulfilledByMerchant)).As<CheckoutJson>());
        await cluster.WaitForStatusAsync(merchant, fulfilledByMerchant, "confirmed");
        var fulfil = await silos[0].FulfilAsync(merchant, fulfilledByMerchant);
        Assert.True(fulfil.StatusCode == HttpStatusCode.OK && fulfil.As<CheckoutJson>().Status == "fulfilled",
            $"fulfil of {fulfilledByMerchant} (created through {third}) through {silos[0]}: {fulfil}");
        cluster.Webhooks.Release(fulfilledByMerchant);

        var audit = await LifecycleAudit.SettleAndAuditAsync(cluster,
            [
                new TrackedCheckout(merchant, cancelled, "cancelled"),
                new TrackedCheckout(merchant, paidAndFulfilled, "fulfilled"),
                new TrackedCheckout(merchant, fulfilledByMerchant, "fulfilled"),
            ],
            DurabilityKnobs.SettleTimeout);
        DurabilityCluster.AssertClean(audit);
        await AssertServedByEverySiloAsync(cluster, merchant, created.Select(c => c.Reference));
        figures.Add($"- each of 3 checkouts read through all 3 silos with one activation; cancelled, status-checked and fulfilled each through a silo that did not create it");
        figures.Add($"- audit: {audit}");
        figures.Add($"- drill time {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Empty(cluster.UnexpectedExits);
    }

    private static void AssertEveryRunningSiloActive(ProcessCluster cluster, IReadOnlyList<MembershipRow> membership)
    {
        var active = membership.Where(row => row.StatusName == "Active").Select(row => row.Port).Order();
        Assert.Equal(cluster.RunningSilos.Select(silo => silo.SiloPort).Order(), active);
        Assert.All(membership, row => Assert.Equal("127.0.0.1", row.Address));
    }

    /// <summary>Every running silo answers for every checkout with the same version, and names the same single activation.</summary>
    private static async Task AssertServedByEverySiloAsync(ProcessCluster cluster, HarnessMerchant merchant, IEnumerable<string> references)
    {
        foreach (var reference in references)
        {
            var answers = new List<string>();
            foreach (var silo in cluster.RunningSilos)
            {
                var checkout = await silo.GetAsync(merchant, reference);
                Assert.True(checkout.StatusCode == HttpStatusCode.OK, $"GET {reference} through {silo}: {checkout}");
                var view = await cluster.ViewAsync(silo, merchant, reference);
                answers.Add($"v{checkout.As<CheckoutJson>().Version} {checkout.As<CheckoutJson>().Status} on {view.ActiveOn}");
                Assert.Contains(cluster.RunningSilos, running => running.Hosts(view.ActiveOn));
            }

            Assert.True(answers.Distinct(StringComparer.Ordinal).Count() == 1, $"{reference} looks different through different silos: {string.Join(" | ", answers)}");
        }
    }
}
