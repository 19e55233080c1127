using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>NICEPAY's notifications as they really come: forged, duplicated, out of order, or not at all.</summary>
[Collection(PaymentFlows.Name)]
public sealed class NotificationTests(PaymentFlowsHost host)
{
    private static readonly Merchant Shop = EndToEndHost.ShopA;

    [Fact]
    public async Task NicepayCallback_WithForgedMerchantToken_Returns401AndChangesNothing()
    {
        var reference = EndToEndHost.NewReference("forged");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        var before = await host.OperatorViewAsync(Shop, reference);

        // A complete deposit notification, as NICEPAY would post it, signed with a key that is not the merchant's.
        var forged = DepositNotification(checkout, ForgedToken(checkout));
        var response = await host.PostNotificationAsync(Shop.Id, forged);

        var problem = Problems.Expect(response, HttpStatusCode.Unauthorized, "forged notification");
        Assert.Equal("unauthorized", Problems.TypeName(problem));
        var after = await host.OperatorViewAsync(Shop, reference);
        Assert.Equal(before.Checkout with { Instructions = null }, after.Checkout with { Instructions = null });
        Assert.Equal(before.Journal, after.Journal);
        Assert.Equal(before.Anomalies, after.Anomalies);
        Assert.Empty(after.WebhookDeliveries);

        // Nothing of the forgery lingers: the real payment's notification is accepted and confirms.
        await host.PayOrFailAsync("indomaret", checkout);
        await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        var transaction = await host.SandboxTransactionAsync(Shop, reference);
        Assert.Equal([200], Assert.Single(transaction.Notifications).Attempts.Select(attempt => attempt.HttpStatus));
    }

    [Fact]
    public async Task NicepayCallback_GenuineNotificationReplayedToAnotherMerchant_Returns401AndChangesNothing()
    {
        var reference = EndToEndHost.NewReference("replay");
        var owners = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        await host.CreateRegisteredAsync(EndToEndHost.ShopB, EndToEndHost.NewCheckout(reference));
        await host.PayOrFailAsync("indomaret", owners);
        await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        var genuine = Assert.Single((await host.SandboxTransactionAsync(Shop, reference)).Notifications).Fields;
        var before = await host.OperatorViewAsync(EndToEndHost.ShopB, reference);

        // The same reference exists at the other merchant, but NICEPAY signed this notification with the owner's key.
        var response = await host.PostNotificationAsync(EndToEndHost.ShopB.Id, genuine);

        Problems.Expect(response, HttpStatusCode.Unauthorized, "a notification replayed to another merchant's callback");
        var after = await host.OperatorViewAsync(EndToEndHost.ShopB, reference);
        Assert.Equal(before.Checkout with { Instructions = null }, after.Checkout with { Instructions = null });
        Assert.Equal(before.Journal, after.Journal);
        Assert.Equal("unpaid", (await host.SandboxTransactionAsync(EndToEndHost.ShopB, reference)).StatusName);
    }

    [Fact]
    public async Task Notification_DeliveredThreeTimes_ConfirmsOnceWithOneConfirmedEventId()
    {
        var reference = EndToEndHost.NewReference("dup");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        await host.AddFaultAsync(new { operation = "notification", kind = "duplicate", copies = 3, match = new { referenceNo = reference } });

        await host.PayOrFailAsync("indomaret", checkout);

        var transaction = await host.WaitForSandboxAsync(Shop, reference,
            t => t.Notifications.Count == 3 && t.Notifications.All(n => n.Delivered), "three delivered copies of the deposit notification");
        Assert.All(transaction.Notifications, n =>
        {
            Assert.Equal("duplicate", n.Fault);
            Assert.Equal([200], n.Attempts.Select(a => a.HttpStatus));
        });
        await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        await AssertConfirmedExactlyOnceAsync(Shop, reference);
    }

    [Fact]
    public async Task Notification_ReorderedBehindAnotherCheckouts_ConfirmsEachOnceWithOneConfirmedEventId()
    {
        var first = EndToEndHost.NewReference("reorder-a");
        var second = EndToEndHost.NewReference("reorder-b");
        var firstCheckout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(first));
        var secondCheckout = await host.CreateRegisteredAsync(EndToEndHost.ShopB, EndToEndHost.NewCheckout(second, amount: 99_000));

        // The first payment's notification is held until the next notification (the second payment's) was sent.
        await host.AddFaultAsync(new { operation = "notification", kind = "reorder", delayMs = 15_000, match = new { referenceNo = first } });
        await host.PayOrFailAsync("indomaret", firstCheckout);
        await host.PayOrFailAsync("indomaret", secondCheckout);

        var held = await host.WaitForSandboxAsync(Shop, first, t => t.Notifications.Any(n => n.Delivered), "the held notification delivered");
        var overtaking = await host.WaitForSandboxAsync(EndToEndHost.ShopB, second, t => t.Notifications.Any(n => n.Delivered), "the other notification delivered");
        var heldAttempt = Assert.Single(Assert.Single(held.Notifications).Attempts);
        var overtakingAttempt = Assert.Single(Assert.Single(overtaking.Notifications).Attempts);
        Assert.Equal("reorder", held.Notifications[0].Fault);
        Assert.True(heldAttempt.At >= overtakingAttempt.At,
            $"the first payment's notification must arrive after the second's: {heldAttempt.At:O} vs {overtakingAttempt.At:O}");

        await host.WaitForStatusAsync(Shop, first, "fulfilled");
        await host.WaitForStatusAsync(EndToEndHost.ShopB, second, "fulfilled");
        await AssertConfirmedExactlyOnceAsync(Shop, first);
        await AssertConfirmedExactlyOnceAsync(EndToEndHost.ShopB, second);
    }

    [Fact]
    public async Task Notification_WithAnAmountOtherThanTheCheckouts_IsFlaggedForOperatorsAndToldToTheMerchant()
    {
        var reference = EndToEndHost.NewReference("mismatch");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        // NICEPAY notifies Rp 1,000 more than the checkout's amount (matchCl 2, "over"), correctly signed.
        await host.AddFaultAsync(new { operation = "notification", kind = "amount-mismatch", matchCl = 2, match = new { referenceNo = reference } });

        await host.PayOrFailAsync("indomaret", checkout);

        var attention = await host.WaitForWebhookAsync(Shop, reference, "checkout.attention_required");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, attention, DateTimeOffset.UtcNow));
        Assert.Equal("amount_mismatch", attention.Json!["anomaly"]?["kind"]?.GetValue<string>());
        Assert.True(attention.Json!["data"]?["requiresAttention"]?.GetValue<bool>(), "the event's checkout must say it requires attention");
        var view = await EndToEndHost.EventuallyAsync(
            () => host.OperatorViewAsync(Shop, reference),
            v => v.Anomalies.Any(a => a.Kind == "amount_mismatch"),
            async _ => $"no amount_mismatch anomaly on {reference}:{Environment.NewLine}{await host.DescribeAsync(Shop, reference)}",
            EndToEndHost.DefaultWait);
        Assert.True(view.Checkout.RequiresAttention);
        Assert.Contains(view.Journal, entry => entry.Details?.Contains("amount_mismatch", StringComparison.Ordinal) == true);
        // The notified amount never confirms anything: only NICEPAY's inquiry (paid, for the exact amount) does.
        Assert.DoesNotContain(view.Journal, entry => entry.To == "confirmed" && entry.Cause == "notification");
    }

    [Fact]
    public async Task Notification_Lost_ScheduledStatusCheckConfirms()
    {
        var reference = EndToEndHost.NewReference("lost");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        await host.AddFaultAsync(new { operation = "notification", kind = "lost", match = new { referenceNo = reference } });

        await host.PayOrFailAsync("indomaret", checkout);

        var confirmed = await host.WaitForWebhookAsync(Shop, reference, "checkout.confirmed");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, confirmed, DateTimeOffset.UtcNow));
        await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        var notification = Assert.Single((await host.SandboxTransactionAsync(Shop, reference)).Notifications);
        Assert.Equal(("suppressed", 0), (notification.State, notification.Attempts.Count));
        var view = await host.OperatorViewAsync(Shop, reference);
        Assert.DoesNotContain(view.Journal, entry => entry.To == "notified");
        var confirmation = Assert.Single(view.Journal, entry => entry.To == "confirmed" && entry.From != "confirmed");
        Assert.Equal(("registered", "status_check"), (confirmation.From, confirmation.Cause));
    }

    private async Task AssertConfirmedExactlyOnceAsync(Merchant merchant, string reference)
    {
        var view = await host.OperatorViewAsync(merchant, reference);
        Assert.True(view.Journal.Count(entry => entry.To == "confirmed" && entry.From != "confirmed") == 1,
            $"{merchant}/{reference} must be confirmed exactly once:{Environment.NewLine}{view.Describe()}");
        Assert.Single(view.WebhookDeliveries, delivery => delivery.Type == "checkout.confirmed");
        var received = host.Webhooks.For(reference).Where(w => w.Type == "checkout.confirmed").ToList();
        Assert.NotEmpty(received);
        Assert.Single(received.Select(w => w.EventId).Distinct());
        Assert.All(received, w => Assert.Null(StandardWebhooksVerifier.Problem(merchant.WebhookSecret, w, DateTimeOffset.UtcNow)));
    }

    private static string ForgedToken(CheckoutJson checkout) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            Shop.IMid + checkout.TransactionId + checkout.Amount.ToString(CultureInfo.InvariantCulture) + "a-guessed-merchant-key")));

    /// <summary>The fields of NICEPAY's deposit notification (contract §5.2) for a checkout.</summary>
    private static Dictionary<string, string> DepositNotification(CheckoutJson checkout, string merchantToken)
    {
        var jakarta = TimeSpan.FromHours(7);
        var validUntil = checkout.ExpiresAt.ToOffset(jakarta);
        var created = checkout.CreatedAt.ToOffset(jakarta);
        var now = DateTimeOffset.UtcNow.ToOffset(jakarta);
        return new Dictionary<string, string>
        {
            ["tXid"] = checkout.TransactionId!,
            ["merchantToken"] = merchantToken,
            ["referenceNo"] = checkout.ReferenceNo,
            ["payMethod"] = "03",
            ["mitraCd"] = "INDO",
            ["payNo"] = checkout.PaymentCode!,
            ["payValidDt"] = validUntil.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            ["payValidTm"] = validUntil.ToString("HHmmss", CultureInfo.InvariantCulture),
            ["amt"] = checkout.Amount.ToString(CultureInfo.InvariantCulture),
            ["transDt"] = created.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            ["transTm"] = created.ToString("HHmmss", CultureInfo.InvariantCulture),
            ["currency"] = "IDR",
            ["goodsNm"] = "Coffee beans 1 kg",
            ["billingNm"] = "Budi Santoso",
            ["matchCl"] = "1",
            ["status"] = "0",
            ["receiptCode"] = "INDO000000000001",
            ["depositDt"] = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            ["depositTm"] = now.ToString("HHmmss", CultureInfo.InvariantCulture),
        };
    }
}
