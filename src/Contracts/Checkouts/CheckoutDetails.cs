namespace Orchestrator.Contracts.Checkouts;

/// <summary>One transition of a checkout, as recorded in its journal.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.journal-entry")]
public sealed record JournalEntry
{
    /// <summary>The checkout version this transition produced.</summary>
    [Id(0)] public required int Version { get; init; }

    /// <summary>The status before.</summary>
    [Id(1)] public required CheckoutStatus From { get; init; }

    /// <summary>The status after (equal to <see cref="From"/> for a transition that records without moving).</summary>
    [Id(2)] public required CheckoutStatus To { get; init; }

    /// <summary>The state machine trigger.</summary>
    [Id(3)] public required string Trigger { get; init; }

    /// <summary>What caused it.</summary>
    [Id(4)] public required CheckoutCause Cause { get; init; }

    /// <summary>When it happened.</summary>
    [Id(5)] public required DateTimeOffset At { get; init; }

    /// <summary>Human-readable details (never secrets).</summary>
    [Id(6)] public string? Details { get; init; }
}

/// <summary>Something about a checkout that an operator must look at.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.anomaly")]
public sealed record Anomaly
{
    /// <summary>Machine-readable kind: amount_mismatch, reversal, inquiry_contradicts_notification, late_payment, registration_unresolved, …</summary>
    [Id(0)] public required string Kind { get; init; }

    /// <summary>When it was recorded.</summary>
    [Id(1)] public required DateTimeOffset At { get; init; }

    /// <summary>What was seen.</summary>
    [Id(2)] public required string Detail { get; init; }

    /// <summary>The checkout version that recorded it.</summary>
    [Id(3)] public required int Version { get; init; }
}

/// <summary>One attempt to deliver a webhook event.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.webhook-attempt")]
public sealed record WebhookAttemptView
{
    /// <summary>When the attempt started.</summary>
    [Id(0)] public required DateTimeOffset At { get; init; }

    /// <summary>The HTTP status the merchant answered, if it answered.</summary>
    [Id(1)] public int? HttpStatus { get; init; }

    /// <summary>Why it failed without an HTTP answer (timeout, connection refused…).</summary>
    [Id(2)] public string? Error { get; init; }

    /// <summary>How long it took.</summary>
    [Id(3)] public required double DurationMs { get; init; }
}

/// <summary>A webhook event and its deliveries.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.webhook-delivery")]
public sealed record WebhookDeliveryView
{
    /// <summary>The event id (stable for the logical event; the <c>webhook-id</c> header).</summary>
    [Id(0)] public required string EventId { get; init; }

    /// <summary>The event type, e.g. checkout.confirmed.</summary>
    [Id(1)] public required string Type { get; init; }

    /// <summary>The checkout version the event carries.</summary>
    [Id(2)] public required int Version { get; init; }

    /// <summary>When the event was created.</summary>
    [Id(3)] public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>pending, delivered, or abandoned (retry schedule exhausted), or skipped (no endpoint configured).</summary>
    [Id(4)] public required string State { get; init; }

    /// <summary>When it was delivered.</summary>
    [Id(5)] public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>When the next attempt is due, while pending.</summary>
    [Id(6)] public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Every attempt so far.</summary>
    [Id(7)] public IReadOnlyList<WebhookAttemptView> Attempts { get; init; } = [];
}

/// <summary>A reminder the checkout has pending.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.reminder-view")]
public sealed record ReminderView
{
    /// <summary>The reminder's name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>When it is next due.</summary>
    [Id(1)] public required DateTimeOffset DueAt { get; init; }

    /// <summary>What it does.</summary>
    [Id(2)] public required string Purpose { get; init; }
}

/// <summary>NICEPAY's identifiers and our dealings with it for one checkout.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.nicepay-view")]
public sealed record NicepayView
{
    /// <summary>The NICEPAY merchant id the checkout was registered under.</summary>
    [Id(0)] public required string IMid { get; init; }

    /// <summary>The reference sent to NICEPAY.</summary>
    [Id(1)] public required string ReferenceNo { get; init; }

    /// <summary>NICEPAY's transaction id.</summary>
    [Id(2)] public string? TransactionId { get; init; }

    /// <summary>The payment code.</summary>
    [Id(3)] public string? PaymentCode { get; init; }

    /// <summary>How many registration requests were sent.</summary>
    [Id(4)] public required int RegistrationAttempts { get; init; }

    /// <summary>The last status NICEPAY reported (raw code), if any.</summary>
    [Id(5)] public string? LastStatus { get; init; }

    /// <summary>When NICEPAY was last asked.</summary>
    [Id(6)] public DateTimeOffset? LastInquiryAt { get; init; }

    /// <summary>Consecutive failed inquiries (drives the back-off).</summary>
    [Id(7)] public required int ConsecutiveInquiryFailures { get; init; }

    /// <summary>The store receipt code, once paid.</summary>
    [Id(8)] public string? ReceiptCode { get; init; }
}

/// <summary>The whole state of a checkout, for operators.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.checkout-details")]
public sealed record CheckoutDetails
{
    /// <summary>The checkout.</summary>
    [Id(0)] public required CheckoutSnapshot Checkout { get; init; }

    /// <summary>NICEPAY's side.</summary>
    [Id(1)] public required NicepayView Nicepay { get; init; }

    /// <summary>Every transition, oldest first.</summary>
    [Id(2)] public required IReadOnlyList<JournalEntry> Journal { get; init; }

    /// <summary>What the state machine permits now.</summary>
    [Id(3)] public required IReadOnlyList<string> PermittedActions { get; init; }

    /// <summary>Pending reminders.</summary>
    [Id(4)] public required IReadOnlyList<ReminderView> Reminders { get; init; }

    /// <summary>Webhook events and their deliveries.</summary>
    [Id(5)] public required IReadOnlyList<WebhookDeliveryView> WebhookDeliveries { get; init; }

    /// <summary>Anomalies recorded.</summary>
    [Id(6)] public required IReadOnlyList<Anomaly> Anomalies { get; init; }

    /// <summary>The silo the checkout's grain is active on (Orleans runtime identity), for operators and drills.</summary>
    [Id(7)] public string? ActiveOn { get; init; }
}
