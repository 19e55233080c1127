using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Checkouts;
using Orchestrator.Api.Tests.Infrastructure;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;

namespace Orchestrator.Api.Tests;

/// <summary>What merchants read: the checkout, its instructions, and webhook bodies.</summary>
[Collection(SharedApiHost.Name)]
public sealed class WireFormatTests(OrchestratorApiFactory factory)
{
    private static readonly DateTimeOffset _created = new(2025, 3, 10, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Instructions_ForRegisteredCheckout_TellTheCustomerWhatToDo()
    {
        var instructions = Snapshot(CheckoutStatus.Registered).Instructions();

        Assert.NotNull(instructions);
        Assert.Equal("Rp 150.000", instructions.AmountFormatted);
        Assert.Equal("NICEPAY Demo Store", instructions.PayeeName);
        Assert.Equal(TimeSpan.FromHours(7), instructions.PayBefore.Offset);
        Assert.Equal(
            [
                "Go to any Indomaret store.",
                "Tell the cashier you want to pay a NICEPAY payment to Demo Store.",
                "Give the payment code 123456789012.",
                "Pay exactly Rp 150.000 in cash before 11 Mar 2025, 09:00 WIB (Jakarta time). "
                    + "Indomaret does not take these payments from 23:00 to 01:00 WIB.",
                "Keep the receipt as proof of payment.",
            ],
            instructions.Steps);
    }

    [Theory]
    [InlineData(CheckoutStatus.Created)]
    [InlineData(CheckoutStatus.Confirmed)]
    [InlineData(CheckoutStatus.Cancelled)]
    [InlineData(CheckoutStatus.Expired)]
    public void Instructions_WhenTheCodeCannotBePaid_AreOmitted(CheckoutStatus status)
    {
        Assert.Null(Snapshot(status).Instructions());
    }

    [Fact]
    public void EventSerializer_WritesEnvelopeWithTheCheckoutAsTheApiReturnsIt()
    {
        var serializer = factory.Services.GetRequiredService<ICheckoutEventSerializer>();
        var snapshot = Snapshot(CheckoutStatus.Confirmed) with { PaymentCode = null, PaidAt = _created.AddHours(1) };

        var json = serializer.Serialize(new CheckoutEvent("evt_1", CheckoutEventTypes.Confirmed, _created, snapshot, Anomaly: null));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(["id", "type", "createdAt", "data"], root.EnumerateObject().Select(property => property.Name));
        Assert.Equal("checkout.confirmed", root.GetProperty("type").GetString());
        var data = root.GetProperty("data");
        Assert.Equal("confirmed", data.GetProperty("status").GetString());
        Assert.Equal("indomaret", data.GetProperty("store").GetString());
        Assert.Equal(7, data.GetProperty("version").GetInt32());
        Assert.False(data.TryGetProperty("paymentCode", out _), "Null fields are omitted.");
        Assert.False(data.TryGetProperty("instructions", out _), "A confirmed checkout has nothing left to pay.");
        Assert.Contains("\"phone\":\"+6281234567890\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void EventSerializer_WithAnomaly_AddsIt()
    {
        var serializer = factory.Services.GetRequiredService<ICheckoutEventSerializer>();
        var anomaly = new Anomaly { Kind = "amount_mismatch", At = _created, Detail = "paid 100000", Version = 5 };

        var json = serializer.Serialize(new CheckoutEvent(
            "evt_2", CheckoutEventTypes.AttentionRequired, _created, Snapshot(CheckoutStatus.Notified), anomaly));

        using var document = JsonDocument.Parse(json);
        Assert.Equal("amount_mismatch", document.RootElement.GetProperty("anomaly").GetProperty("kind").GetString());
    }

    [Fact]
    public void Fingerprint_OfTheSameRequestSpelledDifferently_IsEqual()
    {
        var first = Validated(expiresAt: new DateTimeOffset(2025, 3, 11, 9, 0, 0, TimeSpan.FromHours(7)), metadata: [("a", "1"), ("b", "2")]);
        var second = Validated(expiresAt: new DateTimeOffset(2025, 3, 11, 2, 0, 0, TimeSpan.Zero), metadata: [("b", "2"), ("a", "1")]);

        Assert.Equal(RequestFingerprint.Compute(first), RequestFingerprint.Compute(second));
    }

    [Fact]
    public void Fingerprint_OfADifferentAmount_Differs()
    {
        var first = Validated(expiresAt: null, metadata: []);
        var second = first with { Command = first.Command with { Amount = first.Command.Amount + 1 } };

        Assert.NotEqual(RequestFingerprint.Compute(first), RequestFingerprint.Compute(second));
    }

    private static ValidatedCheckout Validated(DateTimeOffset? expiresAt, (string Key, string Value)[] metadata) =>
        new("ORD-1", new CreateCheckoutCommand
        {
            Amount = 150_000,
            Store = StoreNetwork.Indomaret,
            GoodsName = "Coffee",
            Customer = new Customer { Name = "Budi", Phone = "+6281234567890", Email = "budi@example.com" },
            ExpiresAt = expiresAt,
            Metadata = metadata.ToDictionary(pair => pair.Key, pair => pair.Value),
        });

    private static CheckoutSnapshot Snapshot(CheckoutStatus status) => new()
    {
        MerchantId = "demo",
        MerchantName = "Demo Store",
        ReferenceNo = "ORD-1",
        Status = status,
        Amount = 150_000,
        Currency = "IDR",
        Store = StoreNetwork.Indomaret,
        GoodsName = "Coffee",
        Customer = new Customer { Name = "Budi", Phone = "+6281234567890", Email = "budi@example.com" },
        PaymentCode = status == CheckoutStatus.Created ? null : "123456789012",
        TransactionId = status == CheckoutStatus.Created ? null : "IONPAYTEST03202503100900001234",
        ExpiresAt = _created.AddDays(1),
        CreatedAt = _created,
        UpdatedAt = _created,
        Version = 7,
    };
}
