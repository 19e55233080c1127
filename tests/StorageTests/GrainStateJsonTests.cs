using System.Text;
using System.Text.Json;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Grains.Checkouts;
using Orchestrator.Storage.Hosting;
using Orchestrator.StorageTests.Grains;

namespace Orchestrator.StorageTests;

/// <summary>The stored state format (no database): what the rows contain and how old rows read after code changes.</summary>
public sealed class GrainStateJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 30, 0, TimeSpan.FromHours(7));

    [Fact]
    public void CheckoutState_FullyPopulated_RoundTripsThroughTheStoredFormat()
    {
        var serializer = GrainStateJson.CreateSerializer();
        var state = FullCheckoutState();

        var stored = serializer.Serialize(state);
        var read = serializer.Deserialize<CheckoutState>(stored);

        Assert.NotNull(read);
        Assert.Equal(stored.ToString(), serializer.Serialize(read).ToString());
        Assert.Equal((CheckoutStatus.Notified, 3, "m-1", "ref-1"), (read.Status, read.Version, read.MerchantId, read.ReferenceNo));
        Assert.Equal("tx-1", read.Nicepay.TransactionId);
        Assert.Equal(PendingNotice.Deposit, read.Nicepay.PendingNotice);
        Assert.Equal("blue", read.Request!.Metadata["colour"]);
        Assert.Equal(2, read.Journal.Count);
        Assert.Equal(503, read.Webhooks[0].Attempts[0].HttpStatus);
    }

    [Fact]
    public void CheckoutState_IsStoredAsPlainJsonWithPropertyNamesAndEnumNumbers()
    {
        var json = GrainStateJson.CreateSerializer().Serialize(FullCheckoutState()).ToString();

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal((int)CheckoutStatus.Notified, root.GetProperty("Status").GetInt32());
        Assert.Equal("ref-1", root.GetProperty("ReferenceNo").GetString());
        Assert.Equal("2026-11-24T09:30:00+07:00", root.GetProperty("CreatedAt").GetString());
        Assert.False(root.TryGetProperty("FailureReason", out _), "null members are omitted");
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
    }

    [Fact]
    public void StoredState_WithUnknownAndMissingMembers_StillReads()
    {
        // A row written by an older or newer build: "Removed" no longer exists, "Count" and "Items" were not there yet.
        var old = """{"Text":"old row","Removed":42,"Color":2}""";

        var read = GrainStateJson.CreateSerializer().Deserialize<ProbeState>(new BinaryData(Encoding.UTF8.GetBytes(old)));

        Assert.NotNull(read);
        Assert.Equal(("old row", 0, ProbeColor.Green), (read.Text, read.Count, read.Color));
        Assert.Empty(read.Items);
    }

    [Fact]
    public void StoredState_MissingARequiredMember_StillReads()
    {
        // JournalEntry.Trigger is `required`: enforced when code builds one, not when an older row is read.
        var old = """{"Version":1,"From":0,"To":1,"Cause":0,"At":"2026-11-24T09:30:00+07:00"}""";

        var read = JsonSerializer.Deserialize<JournalEntry>(old, GrainStateJson.CreateOptions());

        Assert.NotNull(read);
        Assert.Equal((1, CheckoutStatus.Registered), (read.Version, read.To));
        Assert.Null(read.Trigger);
    }

    private static CheckoutState FullCheckoutState() => new()
    {
        Status = CheckoutStatus.Notified,
        Version = 3,
        MerchantId = "m-1",
        ReferenceNo = "ref-1",
        MerchantName = "Toko Satu",
        Request = new CreateCheckoutCommand
        {
            Amount = 150_000,
            Store = StoreNetwork.Alfamart,
            GoodsName = "Sepatu",
            Customer = new Customer { Name = "Budi", Phone = "0812", Email = "budi@example.com" },
            ExpiresAt = At.AddDays(1),
            Metadata = new Dictionary<string, string> { ["colour"] = "blue" },
        },
        ExpiresAt = At.AddDays(1),
        CreatedAt = At,
        UpdatedAt = At.AddMinutes(5),
        PaidAt = At.AddMinutes(4),
        RequiresAttention = true,
        Nicepay = new NicepayRecord
        {
            IMid = "IONPAYTEST",
            ReferenceNo = "ref-1",
            TransactionId = "tx-1",
            PaymentCode = "PC123",
            RegistrationAttempts = 1,
            Registration = RegistrationProgress.None,
            NextStatusCheckAt = At.AddMinutes(10),
            PendingNotice = PendingNotice.Deposit,
        },
        Journal =
        [
            new JournalEntry { Version = 1, From = CheckoutStatus.Created, To = CheckoutStatus.Registered, Trigger = "Register", Cause = CheckoutCause.MerchantCall, At = At },
            new JournalEntry { Version = 2, From = CheckoutStatus.Registered, To = CheckoutStatus.Notified, Trigger = "RecordNotification", Cause = CheckoutCause.MerchantCall, At = At.AddMinutes(4), Details = "paid" },
        ],
        Anomalies = [new Anomaly { Kind = "late_payment", At = At, Detail = "after expiry", Version = 3 }],
        Webhooks =
        [
            new WebhookRecord
            {
                EventId = "evt-1",
                Type = "checkout.notified",
                Version = 2,
                CreatedAt = At,
                Body = """{"a":1}""",
                State = WebhookDeliveryState.Pending,
                NextAttemptAt = At.AddMinutes(1),
                Attempts = [new WebhookAttemptView { At = At, HttpStatus = 503, DurationMs = 12.5 }],
            },
        ],
        NotificationFingerprints = ["fp-1"],
    };
}
