using System.Text.Json.Serialization;
using Orchestrator.Api.Checkouts;
using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Api.Operations;

/// <summary>Everything about one checkout, for operators: <c>GET /ops/checkouts/{merchantId}/{referenceNo}</c>.</summary>
public sealed record OperatorCheckoutResponse
{
    /// <summary>The merchant that owns the checkout.</summary>
    public required string MerchantId { get; init; }

    /// <summary>The checkout exactly as the merchant sees it.</summary>
    public required CheckoutResponse Checkout { get; init; }

    /// <summary>NICEPAY's identifiers and our dealings with it.</summary>
    public required NicepayResponse Nicepay { get; init; }

    /// <summary>Every transition, oldest first.</summary>
    public required IReadOnlyList<JournalEntryResponse> Journal { get; init; }

    /// <summary>What the state machine permits now.</summary>
    public required IReadOnlyList<string> PermittedActions { get; init; }

    /// <summary>Reminders pending.</summary>
    public required IReadOnlyList<ReminderResponse> Reminders { get; init; }

    /// <summary>Webhook events and every delivery attempt.</summary>
    public required IReadOnlyList<WebhookDeliveryResponse> WebhookDeliveries { get; init; }

    /// <summary>What needs an operator's attention.</summary>
    public required IReadOnlyList<AnomalyResponse> Anomalies { get; init; }

    /// <summary>The silo the checkout is active on right now (Orleans runtime identity).</summary>
    public string? ActiveOn { get; init; }
}

/// <summary>NICEPAY's side of a checkout.</summary>
public sealed record NicepayResponse
{
    /// <summary>The NICEPAY merchant id (iMid).</summary>
    public required string IMid { get; init; }

    /// <summary>The reference sent to NICEPAY.</summary>
    public required string ReferenceNo { get; init; }

    /// <summary>NICEPAY's transaction id (tXid).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TransactionId { get; init; }

    /// <summary>The payment code (payNo).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PaymentCode { get; init; }

    /// <summary>Registration requests sent.</summary>
    public required int RegistrationAttempts { get; init; }

    /// <summary>The last raw status NICEPAY reported.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LastStatus { get; init; }

    /// <summary>When NICEPAY was last asked.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LastInquiryAt { get; init; }

    /// <summary>Consecutive failed inquiries.</summary>
    public required int ConsecutiveInquiryFailures { get; init; }

    /// <summary>The store receipt code, once paid.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReceiptCode { get; init; }
}

/// <summary>One transition.</summary>
public sealed record JournalEntryResponse
{
    /// <summary>The version this transition produced.</summary>
    public required int Version { get; init; }

    /// <summary>The status before.</summary>
    public required string From { get; init; }

    /// <summary>The status after.</summary>
    public required string To { get; init; }

    /// <summary>The state machine trigger.</summary>
    public required string Trigger { get; init; }

    /// <summary>merchant_call, notification, status_check, expiry, operator, webhook_delivery or registration_recovery.</summary>
    public required string Cause { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Details.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Details { get; init; }
}

/// <summary>A pending reminder.</summary>
public sealed record ReminderResponse(string Name, DateTimeOffset DueAt, string Purpose);

/// <summary>A webhook event and its deliveries.</summary>
public sealed record WebhookDeliveryResponse
{
    /// <summary>The event id (the webhook-id header).</summary>
    public required string EventId { get; init; }

    /// <summary>The event type.</summary>
    public required string Type { get; init; }

    /// <summary>The checkout version the event carries.</summary>
    public required int Version { get; init; }

    /// <summary>When the event was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>pending, delivered, abandoned or skipped.</summary>
    public required string State { get; init; }

    /// <summary>When it was delivered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>When the next attempt is due.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Every attempt so far.</summary>
    public required IReadOnlyList<WebhookAttemptResponse> Attempts { get; init; }
}

/// <summary>One delivery attempt.</summary>
public sealed record WebhookAttemptResponse
{
    /// <summary>When it started.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The merchant's HTTP status, if it answered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? HttpStatus { get; init; }

    /// <summary>Why it failed without an answer.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>How long it took.</summary>
    public required double DurationMs { get; init; }
}

/// <summary>Something an operator must look at.</summary>
public sealed record AnomalyResponse(string Kind, DateTimeOffset At, string Detail, int Version);

/// <summary>Maps grain details to the wire.</summary>
public static class OperatorResponseMapping
{
    /// <summary>The wire name of a cause (snake_case, like anomaly kinds).</summary>
    public static string WireName(this CheckoutCause cause) => cause switch
    {
        CheckoutCause.MerchantCall => "merchant_call",
        CheckoutCause.Notification => "notification",
        CheckoutCause.StatusCheck => "status_check",
        CheckoutCause.Expiry => "expiry",
        CheckoutCause.Operator => "operator",
        CheckoutCause.WebhookDelivery => "webhook_delivery",
        CheckoutCause.RegistrationRecovery => "registration_recovery",
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, "Unknown cause."),
    };

    /// <summary>The operator's view.</summary>
    public static OperatorCheckoutResponse AsResponse(this CheckoutDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var nicepay = details.Nicepay;
        return new OperatorCheckoutResponse
        {
            MerchantId = details.Checkout.MerchantId,
            Checkout = details.Checkout.AsResponse(),
            Nicepay = new NicepayResponse
            {
                IMid = nicepay.IMid,
                ReferenceNo = nicepay.ReferenceNo,
                TransactionId = nicepay.TransactionId,
                PaymentCode = nicepay.PaymentCode,
                RegistrationAttempts = nicepay.RegistrationAttempts,
                LastStatus = nicepay.LastStatus,
                LastInquiryAt = nicepay.LastInquiryAt,
                ConsecutiveInquiryFailures = nicepay.ConsecutiveInquiryFailures,
                ReceiptCode = nicepay.ReceiptCode,
            },
            Journal = [.. details.Journal.Select(entry => new JournalEntryResponse
            {
                Version = entry.Version,
                From = entry.From.WireName(),
                To = entry.To.WireName(),
                Trigger = entry.Trigger,
                Cause = entry.Cause.WireName(),
                At = entry.At,
                Details = entry.Details,
            })],
            PermittedActions = [.. details.PermittedActions.Select(CheckoutCommandResults.ToCamelCase)],
            Reminders = [.. details.Reminders.Select(reminder => new ReminderResponse(reminder.Name, reminder.DueAt, reminder.Purpose))],
            WebhookDeliveries = [.. details.WebhookDeliveries.Select(delivery => new WebhookDeliveryResponse
            {
                EventId = delivery.EventId,
                Type = delivery.Type,
                Version = delivery.Version,
                CreatedAt = delivery.CreatedAt,
                State = delivery.State,
                DeliveredAt = delivery.DeliveredAt,
                NextAttemptAt = delivery.NextAttemptAt,
                Attempts = [.. delivery.Attempts.Select(attempt => new WebhookAttemptResponse
                {
                    At = attempt.At,
                    HttpStatus = attempt.HttpStatus,
                    Error = attempt.Error,
                    DurationMs = attempt.DurationMs,
                })],
            })],
            Anomalies = [.. details.Anomalies.Select(AsResponse)],
            ActiveOn = details.ActiveOn,
        };
    }

    /// <summary>An anomaly on the wire.</summary>
    public static AnomalyResponse AsResponse(this Anomaly anomaly)
    {
        ArgumentNullException.ThrowIfNull(anomaly);
        return new AnomalyResponse(anomaly.Kind, anomaly.At, anomaly.Detail, anomaly.Version);
    }
}
