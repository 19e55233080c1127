using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;

namespace Orchestrator.EndToEndTests;

/// <summary>
/// NICEPAY must not wait on our inquiry: the callback is answered once the notification is recorded. On the
/// <see cref="ValidityHost"/> no scheduled status check is in flight, so the only inquiry is the one the notification asks for.
/// </summary>
[Collection(ValidityFlows.Name)]
public sealed class NotificationResponseTests(ValidityHost host)
{
    private const int SlowInquiryMs = 3_000;
    private static readonly Merchant Shop = EndToEndHost.ShopA;

    [Fact]
    public async Task Notification_WhileNicepayInquiryIsSlow_IsAnsweredWithoutWaitingForTheInquiry()
    {
        var reference = EndToEndHost.NewReference("fast-ack");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        await host.AddFaultAsync(new { operation = "inquiry", kind = "slow", delayMs = SlowInquiryMs, match = new { referenceNo = reference } });

        await host.PayOrFailAsync("indomaret", checkout);

        var transaction = await host.WaitForSandboxAsync(Shop, reference, t => t.Notifications.Any(n => n.Delivered), "the deposit notification delivered");
        var attempt = Assert.Single(Assert.Single(transaction.Notifications).Attempts);
        Assert.True(attempt.ElapsedMs < SlowInquiryMs / 2, $"the callback took {attempt.ElapsedMs} ms: it waited for the {SlowInquiryMs} ms inquiry");
        await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        var confirmation = Assert.Single((await host.OperatorViewAsync(Shop, reference)).Journal, entry => entry.To == "confirmed" && entry.From != "confirmed");
        Assert.True(confirmation.At - attempt.At >= TimeSpan.FromMilliseconds(SlowInquiryMs - 500),
            $"confirmed {confirmation.At - attempt.At} after the notification: the slow inquiry was not the one that confirmed");
    }
}
