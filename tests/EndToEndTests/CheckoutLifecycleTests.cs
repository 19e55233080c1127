using System.Net;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>
/// The whole happy path over the wire: create, pay at the store counter, NICEPAY's notification, the confirming inquiry,
/// the signed webhook, fulfilment. It runs on the <see cref="ValidityHost"/>, whose regular status check is minutes
/// away, so the path is exactly the one NICEPAY's notification drives (no scheduled check can confirm first).
/// </summary>
[Collection(ValidityFlows.Name)]
public sealed class CheckoutLifecycleTests(ValidityHost host)
{
    private static readonly Merchant Shop = EndToEndHost.ShopA;

    [Fact]
    public async Task CreateThenPayAtIndomaret_WithExactAmount_ConfirmsSendsVerifiableWebhookAndFulfils()
    {
        var reference = EndToEndHost.NewReference("life");

        var created = await host.CreateAsync(Shop, EndToEndHost.NewCheckout(reference, amount: 150_000));

        Assert.True(created.StatusCode == HttpStatusCode.Created, $"expected 201, got {created}");
        Assert.Equal("application/json", created.MediaType);
        Assert.Equal($"/v1/checkouts/{reference}", created.Location?.OriginalString);
        var checkout = created.As<CheckoutJson>();
        Assert.Equal(reference, checkout.ReferenceNo);
        Assert.Equal("registered", checkout.Status);
        Assert.Equal(150_000, checkout.Amount);
        Assert.Equal("IDR", checkout.Currency);
        Assert.Equal("indomaret", checkout.Store);
        Assert.Matches("^[0-9]{12,20}$", checkout.PaymentCode);
        Assert.StartsWith(Shop.IMid, checkout.TransactionId, StringComparison.Ordinal);
        var instructions = Assert.IsType<InstructionsJson>(checkout.Instructions);
        Assert.Equal(checkout.PaymentCode, instructions.PaymentCode);
        Assert.Equal(150_000, instructions.Amount);
        Assert.Equal("Rp 150.000", instructions.AmountFormatted);
        Assert.Equal($"NICEPAY {Shop.Name}", instructions.PayeeName);
        Assert.Equal(TimeSpan.FromHours(7), instructions.PayBefore.Offset);
        Assert.Contains(instructions.Steps, step => step.Contains(checkout.PaymentCode!, StringComparison.Ordinal));
        Assert.Contains(instructions.Steps, step => step.Contains("Rp 150.000", StringComparison.Ordinal));

        // The Location names the checkout the merchant can read back.
        var located = await host.SendAsync(HttpMethod.Get, created.Location!.OriginalString, Shop.ApiKey);
        var readBack = located.As<CheckoutJson>();
        Assert.Equal(checkout with { Instructions = null }, readBack with { Instructions = null });
        Assert.Equal(instructions.Steps, readBack.Instructions?.Steps);

        var receipt = await host.PayOrFailAsync("indomaret", checkout);
        Assert.Equal("0", receipt.Status);
        Assert.Equal(checkout.TransactionId, receipt.TXid);

        var confirmedEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.confirmed");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, confirmedEvent, DateTimeOffset.UtcNow));
        Assert.Equal(confirmedEvent.WebhookId, confirmedEvent.EventId);
        Assert.Equal("application/json", System.Net.Http.Headers.MediaTypeHeaderValue.Parse(confirmedEvent.ContentType!).MediaType);
        Assert.Equal("confirmed", confirmedEvent.DataStatus);
        Assert.Equal(checkout.PaymentCode, confirmedEvent.Json!["data"]!["paymentCode"]!.GetValue<string>());

        var fulfilled = await host.WaitForStatusAsync(Shop, reference, "fulfilled");
        Assert.NotNull(fulfilled.PaidAt);
        Assert.Null(fulfilled.Instructions);
        Assert.True(checkout.Version < confirmedEvent.DataVersion && confirmedEvent.DataVersion < fulfilled.Version,
            $"versions must increase: created {checkout.Version}, confirmed {confirmedEvent.DataVersion}, fulfilled {fulfilled.Version}");

        var view = await host.OperatorViewAsync(Shop, reference);
        var journal = view.Journal;
        Assert.Equal(Enumerable.Range(1, journal.Count), journal.Select(entry => entry.Version));
        Assert.Equal(
            [("created", "merchant_call"), ("registered", "merchant_call"), ("notified", "notification"), ("confirmed", "status_check"), ("fulfilled", "webhook_delivery")],
            journal.Select(entry => (entry.To, entry.Cause)));
        Assert.Equal(confirmedEvent.DataVersion, journal.Single(entry => entry.To == "confirmed").Version);
        Assert.Equal(fulfilled.Version, journal[^1].Version);
        Assert.Equal(fulfilled, view.Checkout);
        Assert.Equal(checkout.TransactionId, view.Nicepay.TransactionId);
        Assert.Equal(receipt.ReceiptCode, view.Nicepay.ReceiptCode);
        Assert.DoesNotContain(view.PermittedActions, action => action is "cancel" or "fulfil");
        Assert.Empty(view.Reminders);
        var delivery = Assert.Single(view.WebhookDeliveries);
        Assert.Equal(("checkout.confirmed", confirmedEvent.EventId, "delivered"), (delivery.Type, delivery.EventId, delivery.State));
        Assert.Equal([200], delivery.Attempts.Select(attempt => attempt.HttpStatus));

        // The sandbox saw one registration and delivered its one notification.
        var transaction = await host.SandboxTransactionAsync(Shop, reference);
        Assert.Equal("paid", transaction.StatusName);
        Assert.Equal([200], Assert.Single(transaction.Notifications).Attempts.Select(attempt => attempt.HttpStatus));
    }

    [Fact]
    public async Task WebhookSignature_WhenBodyOrSecretDiffers_IsRejectedByTheIndependentVerifier()
    {
        var reference = EndToEndHost.NewReference("sig");
        var checkout = await host.CreateRegisteredAsync(Shop, EndToEndHost.NewCheckout(reference));
        await host.PayOrFailAsync("indomaret", checkout);
        var delivery = await host.WaitForWebhookAsync(Shop, reference, "checkout.confirmed");
        var now = DateTimeOffset.UtcNow;
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, delivery, now));

        var amountTampered = delivery with { Body = delivery.Body.Replace("\"amount\":150000", "\"amount\":1500", StringComparison.Ordinal) };
        var statusTampered = delivery with { Body = delivery.Body.Replace("\"confirmed\"", "\"cancelled\"", StringComparison.Ordinal) };
        var replayedWithOtherId = delivery with { WebhookId = "evt_replayed" };
        var replayedLater = delivery with { WebhookTimestamp = (long.Parse(delivery.WebhookTimestamp!, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };

        Assert.NotEqual(delivery.Body, amountTampered.Body);
        Assert.NotEqual(delivery.Body, statusTampered.Body);
        Assert.NotNull(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, amountTampered, now));
        Assert.NotNull(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, statusTampered, now));
        Assert.NotNull(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, replayedWithOtherId, now));
        Assert.NotNull(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, replayedLater, now));
        Assert.NotNull(StandardWebhooksVerifier.Problem(EndToEndHost.ShopB.WebhookSecret, delivery, now));
        Assert.NotNull(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, delivery, now.AddMinutes(10)));
    }
}
