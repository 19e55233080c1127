using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Orchestrator.TestSupport.Wire;

// The wire as a merchant, an operator and the sandbox's user read it: written here from the READMEs, never the
// orchestrator's own types, so a change of the wire format fails the tests that read it (the end-to-end and
// reliability suites).

/// <summary>The body of <c>POST /v1/checkouts</c>.</summary>
public sealed record CreateCheckoutBody(
    string ReferenceNo,
    long Amount,
    string Store,
    string GoodsName,
    CustomerBody Customer,
    string? ExpiresAt = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>The customer of a create request.</summary>
public sealed record CustomerBody(string Name, string Phone, string Email);

/// <summary>A checkout as the merchant API returns it (and as webhook <c>data</c>).</summary>
public sealed record CheckoutJson(
    string ReferenceNo,
    string Status,
    long Amount,
    string Currency,
    string Store,
    string? PaymentCode,
    DateTimeOffset ExpiresAt,
    string? TransactionId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    InstructionsJson? Instructions,
    DateTimeOffset? PaidAt,
    string? FailureReason,
    bool RequiresAttention)
{
    public override string ToString() => $"{ReferenceNo} {Status} v{Version} code={PaymentCode ?? "-"} tXid={TransactionId ?? "-"}";
}

/// <summary>What the customer tells the cashier and pays.</summary>
public sealed record InstructionsJson(
    string StoreName,
    string PaymentCode,
    long Amount,
    string AmountFormatted,
    string PayeeName,
    DateTimeOffset PayBefore,
    IReadOnlyList<string> Steps);

/// <summary><c>GET /ops/checkouts/{merchantId}/{referenceNo}</c>.</summary>
public sealed record OperatorViewJson(
    string MerchantId,
    CheckoutJson Checkout,
    NicepayViewJson Nicepay,
    IReadOnlyList<JournalEntryJson> Journal,
    IReadOnlyList<string> PermittedActions,
    IReadOnlyList<ReminderJson> Reminders,
    IReadOnlyList<WebhookDeliveryJson> WebhookDeliveries,
    IReadOnlyList<AnomalyJson> Anomalies)
{
    /// <summary>The journal, one line per transition, for failure messages.</summary>
    public string Describe()
    {
        var lines = new List<string> { $"checkout: {Checkout}; permitted: [{string.Join(", ", PermittedActions)}]" };
        lines.Add($"nicepay: tXid={Nicepay.TransactionId ?? "-"} attempts={Nicepay.RegistrationAttempts} lastStatus={Nicepay.LastStatus ?? "-"}");
        lines.AddRange(Journal.Select(entry => $"  journal v{entry.Version}: {entry.From} -> {entry.To} on {entry.Trigger} ({entry.Cause}) at {entry.At:HH:mm:ss.fff}: {entry.Details}"));
        lines.AddRange(Reminders.Select(reminder => $"  reminder {reminder.Name} due {reminder.DueAt:HH:mm:ss.fff}: {reminder.Purpose}"));
        lines.AddRange(WebhookDeliveries.Select(delivery =>
            $"  webhook {delivery.Type} {delivery.EventId} v{delivery.Version} {delivery.State}: [{string.Join(", ", delivery.Attempts.Select(a => a.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? a.Error))}]"));
        lines.AddRange(Anomalies.Select(anomaly => $"  anomaly {anomaly.Kind} v{anomaly.Version}: {anomaly.Detail}"));
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>NICEPAY's side, as operators see it.</summary>
public sealed record NicepayViewJson(
    string IMid,
    string ReferenceNo,
    string? TransactionId,
    string? PaymentCode,
    int RegistrationAttempts,
    string? LastStatus,
    int ConsecutiveInquiryFailures,
    string? ReceiptCode);

/// <summary>One transition.</summary>
public sealed record JournalEntryJson(int Version, string From, string To, string Trigger, string Cause, DateTimeOffset At, string? Details);

/// <summary>Pending work.</summary>
public sealed record ReminderJson(string Name, DateTimeOffset DueAt, string Purpose);

/// <summary>A webhook event and its attempts.</summary>
public sealed record WebhookDeliveryJson(
    string EventId,
    string Type,
    int Version,
    string State,
    DateTimeOffset? DeliveredAt,
    IReadOnlyList<WebhookAttemptJson> Attempts);

/// <summary>One webhook attempt.</summary>
public sealed record WebhookAttemptJson(DateTimeOffset At, int? HttpStatus, string? Error);

/// <summary>Something for an operator.</summary>
public sealed record AnomalyJson(string Kind, DateTimeOffset At, string Detail, int Version);

/// <summary><c>GET /ops/stats</c>: checkouts per status from the operator read model.</summary>
public sealed record StatsJson(IReadOnlyDictionary<string, int> ByStatus, int Total)
{
    public override string ToString() => $"total {Total}: {string.Join(", ", ByStatus.Where(s => s.Value > 0).Select(s => $"{s.Key} {s.Value}"))}";
}

/// <summary>A transaction in the sandbox ledger.</summary>
public sealed record SandboxTransactionJson(
    string TXid,
    string IMid,
    string ReferenceNo,
    long Amount,
    string MitraCd,
    string PayNo,
    string Status,
    string StatusName,
    DateTimeOffset ValidUntil,
    DateTimeOffset? PaidAt,
    DateTimeOffset? CancelledAt,
    DateTimeOffset? ReversedAt,
    string DbProcessUrl,
    IReadOnlyList<SandboxNotificationJson> Notifications)
{
    public override string ToString() =>
        $"{TXid} {ReferenceNo} {StatusName}({Status}) notifications: [{string.Join("; ", Notifications)}]";
}

/// <summary>A notification the sandbox planned or sent.</summary>
public sealed record SandboxNotificationJson(
    string Id,
    string Kind,
    string State,
    bool Delivered,
    string? Fault,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<SandboxAttemptJson> Attempts)
{
    public override string ToString() =>
        $"{Id} {Kind} {State}{(Fault is null ? "" : $" fault={Fault}")} attempts=[{string.Join(", ", Attempts.Select(a => a.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? a.Error))}]";
}

/// <summary>One notification attempt.</summary>
public sealed record SandboxAttemptJson(DateTimeOffset At, int? HttpStatus, string? Error, long ElapsedMs);

/// <summary>Registration requests the sandbox received for one (iMid, referenceNo).</summary>
public sealed record SandboxRegistrationsJson(
    string IMid,
    string ReferenceNo,
    int Received,
    int Created,
    IReadOnlyDictionary<string, int> Results,
    IReadOnlyList<string> TXids)
{
    public override string ToString() =>
        $"{IMid}/{ReferenceNo}: received {Received}, created {Created}, results {{{string.Join(", ", Results.Select(r => $"{r.Key}: {r.Value}"))}}}";
}

/// <summary>The store's receipt.</summary>
public sealed record StoreReceiptJson(
    string ReceiptCode,
    string TXid,
    string PayNo,
    long Amount,
    string Store,
    string MitraCd,
    DateTimeOffset PaidAt,
    string Status,
    DateTimeOffset? CommitsAt);

/// <summary>An answer as it came over the wire: status, headers that matter, and the body text.</summary>
public sealed record WireResponse(HttpStatusCode StatusCode, string? MediaType, Uri? Location, string Body)
{
    /// <summary>The body as <typeparamref name="T"/>.</summary>
    public T As<T>() => JsonSerializer.Deserialize<T>(Body, Json.Options)
        ?? throw new InvalidOperationException($"The body is JSON null: {Body}");

    /// <summary>The body as a JSON tree.</summary>
    public JsonNode Node() => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The body is JSON null.");

    public override string ToString() => $"{(int)StatusCode} {MediaType}: {Body}";

    /// <summary>Reads a response (and disposes it).</summary>
    public static async Task<WireResponse> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return new WireResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.Location, body);
        }
    }
}

/// <summary>JSON as the web writes it: camelCase, case-insensitive on read, nulls omitted on write.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
