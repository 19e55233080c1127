using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Grains.Checkouts;

/// <summary>
/// Everything a checkout remembers, persisted as one grain-state record. Written only after a transition (or a
/// webhook attempt), so storage always holds a state the journal explains. Evolve it by adding members with new ids;
/// never renumber or retype (see docs/state-evolution.md).
/// </summary>
[GenerateSerializer, Alias("orchestrator.checkout-state")]
public sealed class CheckoutState
{
    /// <summary>The current status (the state machine's state).</summary>
    [Id(0)] public CheckoutStatus Status { get; set; } = CheckoutStatus.Created;

    /// <summary>Increases by one per journaled transition.</summary>
    [Id(1)] public int Version { get; set; }

    /// <summary>The owning merchant.</summary>
    [Id(2)] public string MerchantId { get; set; } = "";

    /// <summary>The merchant's reference.</summary>
    [Id(3)] public string ReferenceNo { get; set; } = "";

    /// <summary>The create request as the merchant sent it (compared on repeats).</summary>
    [Id(4)] public CreateCheckoutCommand? Request { get; set; }

    /// <summary>When the payment code stops being payable.</summary>
    [Id(5)] public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When the checkout was created.</summary>
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the last transition happened.</summary>
    [Id(7)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Our dealings with NICEPAY.</summary>
    [Id(8)] public NicepayRecord Nicepay { get; set; } = new();

    /// <summary>Every transition, oldest first.</summary>
    [Id(9)] public List<JournalEntry> Journal { get; set; } = [];

    /// <summary>What operators must look at.</summary>
    [Id(10)] public List<Anomaly> Anomalies { get; set; } = [];

    /// <summary>Merchant events: the outbox and its delivery history, in order.</summary>
    [Id(11)] public List<WebhookRecord> Webhooks { get; set; } = [];

    /// <summary>Why the checkout failed, when it did.</summary>
    [Id(12)] public string? FailureReason { get; set; }

    /// <summary>True once an anomaly needing a human was recorded.</summary>
    [Id(13)] public bool RequiresAttention { get; set; }

    /// <summary>Fingerprints of the verified notifications already applied (duplicates are absorbed).</summary>
    [Id(14)] public List<string> NotificationFingerprints { get; set; } = [];

    /// <summary>When the payment was made, as NICEPAY reports it.</summary>
    [Id(15)] public DateTimeOffset? PaidAt { get; set; }

    /// <summary>The merchant's display name when the checkout was created.</summary>
    [Id(16)] public string MerchantName { get; set; } = "";
}

/// <summary>How the last registration attempt ended, for the recovery step.</summary>
public enum RegistrationProgress
{
    /// <summary>Not attempted yet, or the payment code is issued.</summary>
    None = 0,

    /// <summary>NICEPAY definitely did not register it (busy, unreachable): sending it again is safe.</summary>
    NotRegistered = 1,

    /// <summary>We do not know whether NICEPAY registered it: look it up before sending again.</summary>
    OutcomeUnknown = 2,
}

/// <summary>NICEPAY's identifiers and the bookkeeping of our calls.</summary>
[GenerateSerializer, Alias("orchestrator.nicepay-record")]
public sealed class NicepayRecord
{
    /// <summary>The NICEPAY merchant id used.</summary>
    [Id(0)] public string IMid { get; set; } = "";

    /// <summary>The reference sent to NICEPAY (the merchant's reference: iMids are never shared between merchants).</summary>
    [Id(1)] public string ReferenceNo { get; set; } = "";

    /// <summary>NICEPAY's transaction id, once known.</summary>
    [Id(2)] public string? TransactionId { get; set; }

    /// <summary>The payment code, once issued.</summary>
    [Id(3)] public string? PaymentCode { get; set; }

    /// <summary>Registration requests sent.</summary>
    [Id(4)] public int RegistrationAttempts { get; set; }

    /// <summary>Where the registration stands while no payment code is known.</summary>
    [Id(5)] public RegistrationProgress Registration { get; set; }

    /// <summary>When the registration should be tried or looked up again.</summary>
    [Id(6)] public DateTimeOffset? NextRegistrationAttemptAt { get; set; }

    /// <summary>When NICEPAY should next be asked for the status.</summary>
    [Id(7)] public DateTimeOffset? NextStatusCheckAt { get; set; }

    /// <summary>Consecutive failed (or contradicting) inquiries: drives the back-off.</summary>
    [Id(8)] public int ConsecutiveInquiryFailures { get; set; }

    /// <summary>The last status NICEPAY reported (raw), when a transition recorded it.</summary>
    [Id(9)] public string? LastStatus { get; set; }

    /// <summary>When NICEPAY was last asked, when a transition recorded it.</summary>
    [Id(10)] public DateTimeOffset? LastInquiryAt { get; set; }

    /// <summary>The store receipt code.</summary>
    [Id(11)] public string? ReceiptCode { get; set; }

    /// <summary>When the payment code was issued.</summary>
    [Id(12)] public DateTimeOffset? RegisteredAt { get; set; }

    /// <summary>A verified notification an inquiry has not yet borne out (deposit or reversal); null when none.</summary>
    [Id(13)] public PendingNotice? PendingNotice { get; set; }
}

/// <summary>What a verified notification claimed, until a status inquiry bears it out.</summary>
public enum PendingNotice
{
    /// <summary>NICEPAY notified a payment.</summary>
    Deposit = 0,

    /// <summary>NICEPAY notified a reversal.</summary>
    Reversal = 1,
}

/// <summary>Delivery state of one merchant event.</summary>
public enum WebhookDeliveryState
{
    /// <summary>Waiting for (another) attempt.</summary>
    Pending = 0,

    /// <summary>The merchant answered 2xx.</summary>
    Delivered = 1,

    /// <summary>The retry schedule is exhausted.</summary>
    Abandoned = 2,

    /// <summary>The merchant has no webhook endpoint configured: recorded, not sent.</summary>
    Skipped = 3,
}

/// <summary>One merchant event, its frozen body, and its attempts.</summary>
[GenerateSerializer, Alias("orchestrator.webhook-record")]
public sealed class WebhookRecord
{
    /// <summary>The stable event id.</summary>
    [Id(0)] public string EventId { get; set; } = "";

    /// <summary>The event type.</summary>
    [Id(1)] public string Type { get; set; } = "";

    /// <summary>The checkout version the event carries.</summary>
    [Id(2)] public int Version { get; set; }

    /// <summary>When the event happened.</summary>
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The JSON body, serialized once so every attempt sends the same bytes.</summary>
    [Id(4)] public string Body { get; set; } = "";

    /// <summary>Delivery state.</summary>
    [Id(5)] public WebhookDeliveryState State { get; set; }

    /// <summary>When the next attempt is due, while pending.</summary>
    [Id(6)] public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>When it was delivered.</summary>
    [Id(7)] public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Every attempt.</summary>
    [Id(8)] public List<WebhookAttemptView> Attempts { get; set; } = [];
}
