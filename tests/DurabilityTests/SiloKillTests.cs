using System.Diagnostics;
using Orchestrator.ClusterHarness;
using Orchestrator.DurabilityTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.DurabilityTests;

/// <summary>
/// <c>kill -9</c> of the silo process hosting a checkout in the middle of its lifecycle — after registration, after
/// NICEPAY's notification, during webhook retries — and the lifecycle still completes through the surviving silos:
/// one NICEPAY registration per checkout, one event id per merchant event, nothing lost. The takeover window (kill
/// until the checkout answers again through a survivor) is measured for every checkout the killed silo hosted.
/// </summary>
[Trait("Category", "Durability")]
public sealed class SiloKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan TakeoverLimit = TimeSpan.FromSeconds(60);

    private enum Stage
    {
        AfterRegistration,
        AfterNotification,
        DuringWebhookRetries,
    }

    [Fact]
    public async Task HostingSilo_KilledMidLifecycle_LifecycleCompletesThroughTheSurvivorsWithNothingLostOrDuplicated()
    {
        var figures = new Figures(output, "kill -9 of the silo hosting a checkout, mid-lifecycle");
        var clock = Stopwatch.StartNew();
        await using var cluster = await DurabilityCluster.StartAsync(output, "kill-mid-lifecycle", DurabilityKnobs.KillSilos);
        var merchant = cluster.Merchants[0];
        var tracked = new List<TrackedCheckout>();
        var targetWindows = new List<TimeSpan>();
        var hostedWindows = new List<TimeSpan>();
        var elsewhereWindows = new List<TimeSpan>();
        var unclean = new List<string>();
        var stagesKilled = new HashSet<Stage>();
        var replacements = new List<TimeSpan>();

        for (var round = 1; round <= DurabilityKnobs.KillRounds; round++)
        {
            var target = (Stage)((round - 1) % 3);
            var (inStage, codes, faults) = await DriveIntoStagesAsync(cluster, merchant);
            var references = inStage.SelectMany(pair => pair.Value.Select(reference => (Stage: pair.Key, Reference: reference))).ToList();

            // The victim: the silo the round's target checkout is active on; and everything else it hosts.
            var (victim, _) = await cluster.FindHostAsync(merchant, inStage[target][0]);
            Assert.True(victim is not null, $"round {round}: cannot tell which silo hosts {inStage[target][0]}");
            var hosted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (stage, reference) in references)
            {
                if ((await cluster.FindHostAsync(merchant, reference)).Silo == victim)
                {
                    hosted.Add(reference);
                    stagesKilled.Add(stage);
                }
            }

            var survivors = cluster.RunningSilos.Where(silo => silo != victim).ToList();
            var killedAt = await cluster.KillSiloAsync(victim);

            // Customers keep paying (a notification for a code the dead silo registered goes nowhere: the status check
            // must find the payment), and every checkout is polled through a survivor until it answers again.
            var payments = inStage[Stage.AfterRegistration].Select(reference => cluster.Sandbox.PayOrThrowAsync(codes[reference])).ToList();
            var takeovers = await Task.WhenAll(references.Select((entry, i) =>
                MeasureUntilAnsweredAsync(cluster, survivors[i % survivors.Count], merchant, entry.Reference, killedAt)));
            await Task.WhenAll(payments);

            var line = new List<string>();
            foreach (var ((stage, reference), takeover) in references.Zip(takeovers))
            {
                (hosted.Contains(reference) ? hostedWindows : elsewhereWindows).Add(takeover.Window);
                if (reference == inStage[target][0])
                {
                    targetWindows.Add(takeover.Window);
                }

                unclean.AddRange(takeover.Unclean.Select(answer => $"round {round} {reference}: {answer}"));
                line.Add($"{stage}{(hosted.Contains(reference) ? " (on victim)" : "")} {takeover}");
            }

            figures.Add($"- kill {round}: target {target}, victim {victim} hosted {hosted.Count} of {references.Count}; answered again after: {string.Join("; ", line)}");

            // The rest of the world recovers: NICEPAY answers inquiries again, the merchant's endpoint answers 200.
            foreach (var fault in faults)
            {
                await cluster.Sandbox.RemoveFaultAsync(fault);
            }

            foreach (var reference in inStage[Stage.DuringWebhookRetries])
            {
                cluster.Webhooks.Release(reference);
            }

            tracked.AddRange(references.Select(entry => new TrackedCheckout(merchant, entry.Reference, "fulfilled")));

            // Back to full strength for the next round.
            var replacing = Stopwatch.StartNew();
            await cluster.StartSiloAsync();
            replacements.Add(replacing.Elapsed);
        }

        var membership = await cluster.WaitForMembershipAsync();
        var audit = await LifecycleAudit.SettleAndAuditAsync(cluster, tracked, DurabilityKnobs.SettleTimeout);

        figures.Add($"- takeover window of the targeted checkout (kill → first 200 through a survivor, polled every {TakeoverWindow.PollEvery.TotalMilliseconds:F0} ms): {Figures.Spread(targetWindows)}");
        figures.Add($"- every checkout the killed silo hosted: {Figures.Spread(hostedWindows)}; checkouts hosted elsewhere: {Figures.Spread(elsewhereWindows)}");
        figures.Add($"- answers while waiting: only 503 with Retry-After or no answer expected; other answers: {unclean.Count}");
        figures.Add($"- membership: {cluster.MembershipSettings()}; {DurabilityKnobs.KillSilos} silos; replacement silos ready in {Figures.Spread(replacements)}");
        figures.Add($"- membership table at the end: {membership.Count(row => row.StatusName == "Active")} Active, {membership.Count(row => row.StatusName == "Dead")} Dead");
        figures.Add($"- audit: {audit}");
        figures.Add($"- drill time {clock.Elapsed.TotalSeconds:F1} s; load average at end {Figures.LoadAverage()}");

        DurabilityCluster.AssertClean(audit);
        Assert.True(unclean.Count == 0, $"answers other than 503 + Retry-After while a silo was being replaced:{Environment.NewLine}{string.Join(Environment.NewLine, unclean)}");
        if (DurabilityKnobs.KillRounds >= 3)
        {
            Assert.True(stagesKilled.SetEquals(Enum.GetValues<Stage>()), $"stages with a checkout on a killed silo: {string.Join(", ", stagesKilled)}");
        }

        Assert.Empty(cluster.UnexpectedExits);
    }

    /// <summary>Creates checkouts (spread over the silos) and drives them into each stage.</summary>
    private static async Task<(Dictionary<Stage, List<string>> InStage, Dictionary<string, CheckoutJson> Codes, List<string> Faults)> DriveIntoStagesAsync(
        ProcessCluster cluster, HarnessMerchant merchant)
    {
        var inStage = Enum.GetValues<Stage>().ToDictionary(stage => stage, _ => new List<string>());
        var codes = new Dictionary<string, CheckoutJson>(StringComparer.Ordinal);
        var faults = new List<string>();
        var silos = cluster.RunningSilos;
        var turn = 0;
        foreach (var stage in Enum.GetValues<Stage>())
        {
            for (var i = 0; i < DurabilityKnobs.KillCheckoutsPerStage; i++)
            {
                var reference = DurabilityCluster.NewReference(stage switch
                {
                    Stage.AfterRegistration => "reg",
                    Stage.AfterNotification => "ntf",
                    _ => "hook",
                });
                if (stage == Stage.AfterNotification)
                {
                    // NICEPAY's inquiry fails until the fault is removed: the checkout stays notified, unconfirmed.
                    faults.Add(await cluster.Sandbox.AddFaultAsync(new { operation = "inquiry", kind = "fail", match = new { referenceNo = reference } }));
                }
                else if (stage == Stage.DuringWebhookRetries)
                {
                    cluster.Webhooks.Hold(reference);
                }

                var checkout = await silos[turn++ % silos.Count].CreateRegisteredAsync(merchant, CreateCheckoutBody.For(reference));
                codes[reference] = checkout;
                inStage[stage].Add(reference);
                if (stage != Stage.AfterRegistration)
                {
                    await cluster.Sandbox.PayOrThrowAsync(checkout);
                }
            }
        }

        foreach (var reference in inStage[Stage.AfterNotification])
        {
            await cluster.WaitForStatusAsync(merchant, reference, "notified");
        }

        foreach (var reference in inStage[Stage.DuringWebhookRetries])
        {
            await cluster.WaitForWebhooksAsync(merchant, reference, received => received.Count(w => w.Type == "checkout.confirmed") >= 2,
                "a delivery of checkout.confirmed and a retry, both failed");
        }

        return (inStage, codes, faults);
    }

    /// <summary>The takeover window of one checkout, polled through <paramref name="via"/>; fails the drill when it never answers.</summary>
    private static async Task<TakeoverWindow> MeasureUntilAnsweredAsync(
        ProcessCluster cluster, SiloProcess via, HarnessMerchant merchant, string reference, long killedAt)
    {
        var takeover = await TakeoverWindow.MeasureAsync(() => via, merchant, reference, killedAt, TakeoverLimit);
        if (!takeover.Answered)
        {
            Assert.Fail($"{reference} did not answer through {via} within {TakeoverLimit} of the kill; answers: {TakeoverWindow.Summarize(takeover.Seen)}{Environment.NewLine}"
                + await cluster.DescribeAsync(merchant, reference));
        }

        return takeover;
    }
}
