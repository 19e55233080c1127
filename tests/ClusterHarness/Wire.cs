using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomalyJson = Orchestrator.TestSupport.Wire.AnomalyJson;
using CustomerBody = Orchestrator.TestSupport.Wire.CustomerBody;
using JournalEntryJson = Orchestrator.TestSupport.Wire.JournalEntryJson;
using Json = Orchestrator.TestSupport.Wire.Json;
using NicepayViewJson = Orchestrator.TestSupport.Wire.NicepayViewJson;
using ReminderJson = Orchestrator.TestSupport.Wire.ReminderJson;
using WebhookDeliveryJson = Orchestrator.TestSupport.Wire.WebhookDeliveryJson;

namespace Orchestrator.ClusterHarness;

// The wire as a merchant, an operator and the sandbox's user read it, written from the READMEs (src/Api,
// src/NicepaySandbox), never from the orchestrator's own types: a change of the wire format fails the drills.
// Everything the drills read as tests/TestSupport/Wire does is taken from there (the JSON options, the operator
// view's parts, the sandbox ledger). Four shapes are the drills' own, on purpose: the create body has a factory with
// the drills' defaults; CheckoutJson leaves out the list-valued instructions, because the drills compare checkouts
// with record equality across a restart (SiloRestartTests); the operator view carries ActiveOn; and WireResponse here
// may hold no status at all (refused, reset, too slow) and times every answer.

/// <summary>The body of <c>POST /v1/checkouts</c>.</summary>
public sealed record CreateCheckoutBody(
    string ReferenceNo,
    long Amount,
    string Store,
    string GoodsName,
    CustomerBody Customer,
    string? ExpiresAt = null)
{
    /// <summary>A valid request; <paramref name="expiresAt"/> is sent in Jakarta time, as a merchant there would.</summary>
    public static CreateCheckoutBody For(string referenceNo, long amount = 150_000, string store = "indomaret", DateTimeOffset? expiresAt = null) =>
        new(referenceNo, amount, store, "Coffee beans 1 kg", new CustomerBody("Budi Santoso", "+6281234567890", "budi@example.com"),
            expiresAt?.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
}

/// <summary>A checkout as the merchant API returns it (and as webhook <c>data</c>).</summary>
public sealed record CheckoutJson(
    string ReferenceNo,
    string Status,
    long Amount,
    string Store,
    string? PaymentCode,
    DateTimeOffset ExpiresAt,
    string? TransactionId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    DateTimeOffset? PaidAt,
    string? FailureReason,
    bool RequiresAttention)
{
    /// <inheritdoc />
    public override string ToString() => $"{ReferenceNo} {Status} v{Version} code={PaymentCode ?? "-"} tXid={TransactionId ?? "-"}";
}

/// <summary><c>GET /ops/checkouts/{merchantId}/{referenceNo}</c>.</summary>
public sealed record OperatorViewJson(
    string MerchantId,
    CheckoutJson Checkout,
    NicepayViewJson Nicepay,
    IReadOnlyList<JournalEntryJson> Journal,
    IReadOnlyList<string> PermittedActions,
    IReadOnlyList<ReminderJson> Reminders,
    IReadOnlyList<WebhookDeliveryJson> WebhookDeliveries,
    IReadOnlyList<AnomalyJson> Anomalies,
    string? ActiveOn)
{
    /// <summary>The checkout's story, one line per fact, for failure messages and artifacts.</summary>
    public string Describe()
    {
        var lines = new List<string>
        {
            $"checkout: {Checkout}; active on {ActiveOn ?? "-"}; permitted: [{string.Join(", ", PermittedActions)}]",
            $"nicepay: tXid={Nicepay.TransactionId ?? "-"} attempts={Nicepay.RegistrationAttempts} lastStatus={Nicepay.LastStatus ?? "-"}",
        };
        lines.AddRange(Journal.Select(entry =>
            $"  journal v{entry.Version}: {entry.From} -> {entry.To} on {entry.Trigger} ({entry.Cause}) at {entry.At:HH:mm:ss.fff}: {entry.Details}"));
        lines.AddRange(Reminders.Select(reminder => $"  pending {reminder.Name} due {reminder.DueAt:HH:mm:ss.fff}: {reminder.Purpose}"));
        lines.AddRange(WebhookDeliveries.Select(delivery =>
            $"  webhook {delivery.Type} {delivery.EventId} v{delivery.Version} {delivery.State}: "
            + $"[{string.Join(", ", delivery.Attempts.Select(a => a.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? a.Error))}]"));
        lines.AddRange(Anomalies.Select(anomaly => $"  anomaly {anomaly.Kind} v{anomaly.Version}: {anomaly.Detail}"));
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>
/// An answer as it came over the wire, or the lack of one: <see cref="StatusCode"/> is null when the request got no
/// HTTP answer (connection refused or reset, or no answer within the request's bound; <see cref="Error"/> says which).
/// </summary>
public sealed record WireResponse(HttpStatusCode? StatusCode, string? MediaType, string? RetryAfter, string Body, TimeSpan Elapsed, string? Error)
{
    /// <summary>The status as a number, 0 when there was no answer.</summary>
    public int Status => StatusCode is { } code ? (int)code : 0;

    /// <summary>The body as <typeparamref name="T"/>.</summary>
    public T As<T>() => JsonSerializer.Deserialize<T>(Body, Json.Options)
        ?? throw new InvalidOperationException($"The body is JSON null: {Body}");

    /// <summary>The body as a JSON tree.</summary>
    public JsonNode Node() => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The body is JSON null.");

    /// <inheritdoc />
    public override string ToString() => StatusCode is null
        ? $"no answer after {Elapsed.TotalMilliseconds:F0} ms ({Error})"
        : $"{Status} {MediaType}{(RetryAfter is null ? "" : $" Retry-After: {RetryAfter}")} after {Elapsed.TotalMilliseconds:F0} ms: {Truncate(Body)}";

    private static string Truncate(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
