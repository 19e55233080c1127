using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

[Collection(CheckoutClusterDefinition.Name)]
public sealed partial class InquiryBackoffTests(CheckoutClusterFixture fixture)
{
    private static readonly TestMerchant Merchant = ClusterFixture.MerchantOne;

    [Fact]
    public async Task StatusInquiry_WhenNicepayKeepsFailing_IsJournaledAndRetriedWithGrowingDelaysUntilItAnswers()
    {
        var reference = ClusterFixture.NewReference("backoff");
        var (checkout, _) = await fixture.CreateRegisteredAsync(Merchant, reference);
        fixture.Nicepay.SetOutage(NicepayOperation.Inquire, reference, NicepayFault.Timeout);
        var paid = fixture.Nicepay.Pay(Merchant.IMid, reference);
        await checkout.HandleNotificationAsync(NicepayNotifications.For(paid, Merchant.MerchantKey));

        var failing = await fixture.WaitForAsync(checkout,
            d => d.Journal.Count(e => e.Trigger == "RecordInquiryFailure") >= 3, "three failed inquiries journaled");

        var failures = failing.Journal.Where(e => e.Trigger == "RecordInquiryFailure").Take(3).ToList();
        Assert.All(failures, e => Assert.Equal((CheckoutStatus.Notified, CheckoutCause.StatusCheck), (e.To, e.Cause)));
        var delays = failures.Select(e => NextCheckIn(e.Details!)).ToList();
        Assert.Equal([TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1600)], delays);
        for (var i = 1; i < failures.Count; i++)
        {
            // Timers may fire a hair early; the gap still reflects the announced delay.
            Assert.True(failures[i].At - failures[i - 1].At >= delays[i - 1] - TimeSpan.FromMilliseconds(20),
                $"retry {i + 1} came {failures[i].At - failures[i - 1].At} after retry {i}, announced {delays[i - 1]}");
        }

        Assert.True(failing.Nicepay.ConsecutiveInquiryFailures >= 3);
        var requested = await checkout.CheckStatusAsync(CheckoutCause.Operator);
        Assert.Equal(CommandOutcome.GatewayUnavailable, requested.Outcome);

        fixture.Nicepay.SetOutage(NicepayOperation.Inquire, reference, null);
        var details = await fixture.WaitForStatusAsync(checkout, CheckoutStatus.Fulfilled);
        Assert.Equal(0, details.Nicepay.ConsecutiveInquiryFailures);
        Assert.Equal(CheckoutCause.StatusCheck, Assert.Single(details.Journal, e => e.Trigger == "ConfirmPayment").Cause);
        CheckoutLifecycleTests.AssertJournalIsContiguous(details);
    }

    private static TimeSpan NextCheckIn(string details)
    {
        var match = NextCheckPattern().Match(details);
        Assert.True(match.Success, $"no 'next check in' in: {details}");
        return TimeSpan.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"next check in ([0-9:.]+)")]
    private static partial Regex NextCheckPattern();
}
