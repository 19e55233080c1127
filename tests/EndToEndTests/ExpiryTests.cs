using System.Net;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>
/// The end of validity. On the <see cref="ValidityHost"/> no status check runs while the payment is awaited except the
/// final inquiry, 1 s after the end of validity; so whatever happens at expiry is that inquiry's doing. Checkouts ask
/// for a validity of a few seconds (the host's minimum is 2 s).
/// </summary>
[Collection(ValidityFlows.Name)]
public sealed class ExpiryTests(ValidityHost host)
{
    private static readonly Merchant Shop = EndToEndHost.ShopA;

    [Fact]
    public async Task Checkout_UnpaidWhenValidityEnds_ExpiresAfterTheFinalInquiryAndTellsTheMerchant()
    {
        var reference = EndToEndHost.NewReference("expiry");
        var expiresAt = WholeSecondsFromNow(3);
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference, expiresAt: expiresAt));
        Assert.Equal(expiresAt, checkout.ExpiresAt);
        Assert.Equal(expiresAt, checkout.Instructions!.PayBefore);

        var expiredEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.expired");

        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, expiredEvent, DateTimeOffset.UtcNow));
        Assert.Equal("expired", expiredEvent.DataStatus);
        var expired = await host.GetCheckoutAsync(Shop, reference);
        Assert.Equal(("expired", expiredEvent.DataVersion), (expired.Status, (int?)expired.Version));
        Assert.Null(expired.Instructions);
        // Nothing is left to do once the event is delivered: no status check, no expiry, no webhook, no pulse.
        var view = await EndToEndHost.EventuallyAsync(
            () => host.OperatorViewAsync(Shop, reference),
            v => v.Reminders.Count == 0,
            async _ => $"reminders remain on the expired checkout {reference}:{Environment.NewLine}{await host.DescribeAsync(Shop, reference)}",
            EndToEndHost.DefaultWait);
        var last = view.Journal[^1];
        Assert.Equal(("registered", "expired", "expiry"), (last.From, last.To, last.Cause));
        Assert.True(last.At >= expiresAt, $"expired at {last.At:O}, before the end of validity {expiresAt:O}");
        Assert.Equal("expired", (await host.SandboxTransactionAsync(Shop, reference)).StatusName);
        var refused = await host.PayAsync("indomaret", checkout.PaymentCode!, checkout.Amount);
        Assert.Equal("expired", Problems.Expect(refused, HttpStatusCode.Conflict, "paying an expired code")["reason"]?.GetValue<string>());
        Assert.DoesNotContain(host.Webhooks.For(reference), w => w.Type == "checkout.confirmed");
    }

    [Fact]
    public async Task Payment_InTheLastSecondsWithItsNotificationLost_IsConfirmedByTheFinalInquiryInsteadOfExpiring()
    {
        var reference = EndToEndHost.NewReference("lastminute");
        var expiresAt = WholeSecondsFromNow(5);
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference, expiresAt: expiresAt));
        await host.AddFaultAsync(new { operation = "notification", kind = "lost", match = new { referenceNo = reference } });

        // The customer reaches the till two seconds before the code expires.
        await WaitForClockAsync(expiresAt.AddSeconds(-2));
        var receipt = await host.PayOrFailAsync("indomaret", checkout);
        Assert.True(receipt.PaidAt < expiresAt, $"paid at {receipt.PaidAt:O}, not before the end of validity {expiresAt:O}");

        var confirmedEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.confirmed");

        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, confirmedEvent, DateTimeOffset.UtcNow));
        await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        var view = await host.OperatorViewAsync(Shop, reference);
        Assert.DoesNotContain(view.Journal, entry => entry.To is "expired" or "notified");
        var confirmation = Assert.Single(view.Journal, entry => entry.To == "confirmed" && entry.From != "confirmed");
        Assert.Equal(("registered", "expiry"), (confirmation.From, confirmation.Cause));
        Assert.True(confirmation.At >= expiresAt, $"confirmed at {confirmation.At:O}: not by the final inquiry after {expiresAt:O}");
        Assert.Equal("suppressed", Assert.Single((await host.SandboxTransactionAsync(Shop, reference)).Notifications).State);
        Assert.DoesNotContain(host.Webhooks.For(reference), w => w.Type == "checkout.expired");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Payment_ReportedPaidOnlyAfterLocalExpiry_ConfirmsTheExpiredCheckoutAsLate(bool firstNotificationLost)
    {
        var reference = EndToEndHost.NewReference(firstNotificationLost ? "late-lost" : "late-stale");
        var expiresAt = WholeSecondsFromNow(3);
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference, expiresAt: expiresAt));

        // Paid in time, but NICEPAY's inquiry lags ("unpaid") through the end of validity, and its notification is lost
        // (or arrives, and is contradicted by every inquiry until the final one).
        if (firstNotificationLost)
        {
            await host.AddFaultAsync(new { operation = "notification", kind = "lost", match = new { referenceNo = reference } });
        }

        var stale = await host.AddFaultAsync(new { operation = "inquiry", kind = "stale", match = new { referenceNo = reference } });
        await host.PayOrFailAsync("indomaret", checkout);
        var expiredEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.expired");
        Assert.Equal("expired", (await host.GetCheckoutAsync(Shop, reference)).Status);
        Assert.Equal("paid", (await host.SandboxTransactionAsync(Shop, reference)).StatusName);

        // NICEPAY catches up and notifies the payment (again).
        await host.RemoveFaultAsync(stale);
        var resent = await host.ResendNotificationAsync(checkout.TransactionId!);
        Assert.True(resent.StatusCode == HttpStatusCode.Accepted, $"the sandbox did not resend: {resent}");

        var confirmedEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.confirmed");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, confirmedEvent, DateTimeOffset.UtcNow));
        Assert.True(expiredEvent.Sequence < confirmedEvent.Sequence && expiredEvent.DataVersion < confirmedEvent.DataVersion,
            "checkout.expired must precede checkout.confirmed");
        var fulfilled = await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        Assert.True(fulfilled.RequiresAttention);
        var view = await host.OperatorViewAsync(Shop, reference);
        var confirmation = Assert.Single(view.Journal, entry => entry.To == "confirmed" && entry.From != "confirmed");
        Assert.Equal("expired", confirmation.From);
        Assert.Contains("late", confirmation.Details, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(view.Anomalies, anomaly => anomaly.Kind == "late_payment");
        if (firstNotificationLost)
        {
            Assert.Contains(view.Journal, entry => entry is { From: "expired", To: "expired", Cause: "notification" }
                && entry.Details!.Contains("late", StringComparison.OrdinalIgnoreCase));
        }
        else
        {
            var expiry = Assert.Single(view.Journal, entry => entry.To == "expired" && entry.From != "expired");
            Assert.Equal(("notified", "expiry"), (expiry.From, expiry.Cause));
        }
    }

    /// <summary>A validity that ends on a whole second (NICEPAY's payValidTm has no fractions).</summary>
    private static DateTimeOffset WholeSecondsFromNow(int seconds)
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(seconds + 1);
    }

    /// <summary>
    /// Places the scenario at a moment on the wall clock (the customer walks in late). This is not synchronisation
    /// with the system under test: nothing is awaited but the clock itself.
    /// </summary>
    private static async Task WaitForClockAsync(DateTimeOffset moment)
    {
        var wait = moment - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}
