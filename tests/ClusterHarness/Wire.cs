using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json = Orchestrator.TestSupport.Wire.Json;

namespace Orchestrator.ClusterHarness;

// The wire as a merchant, an operator and the sandbox's user read it, written from the READMEs (src/Api,
// src/NicepaySandbox), never from the orchestrator's own types: a change of the wire format fails the drills.
// The JSON options are tests/TestSupport's. The records are kept apart from tests/TestSupport/Wire on purpose: the
// drills compare checkouts with record equality across a restart (SiloRestartTests), which TestSupport's CheckoutJson
// (with its list-valued Instructions) would break; the operator view here carries ActiveOn; and WireResponse here
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

/// <summary>The customer of a create request.</summary>
public sealed record CustomerBody(string Name, string Phone, string Email);

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

/// <summary>NICEPAY's side, as operators see it.</summary>
public sealed record NicepayViewJson(string IMid, string ReferenceNo, string? TransactionId, string? PaymentCode, int RegistrationAttempts, string? LastStatus);

/// <summary>One transition.</summary>
public sealed record JournalEntryJson(int Version, string From, string To, string Trigger, string Cause, DateTimeOffset At, string? Details);

/// <summary>Pending work.</summary>
public sealed record ReminderJson(string Name, DateTimeOffset DueAt, string Purpose);

/// <summary>A webhook event in the checkout's outbox and its attempts.</summary>
public sealed record WebhookDeliveryJson(string EventId, string Type, int Version, string State, IReadOnlyList<WebhookAttemptJson> Attempts);

/// <summary>One webhook attempt.</summary>
public sealed record WebhookAttemptJson(DateTimeOffset At, int? HttpStatus, string? Error);

/// <summary>Something for an operator.</summary>
public sealed record AnomalyJson(string Kind, DateTimeOffset At, string Detail, int Version);

/// <summary>A transaction in the sandbox ledger (<c>GET /sandbox/transactions</c>).</summary>
public sealed record SandboxTransactionJson(
    string TXid,
    string IMid,
    string ReferenceNo,
    long Amount,
    string PayNo,
    string Status,
    string StatusName,
    DateTimeOffset ValidUntil,
    DateTimeOffset? PaidAt,
    string DbProcessUrl,
    IReadOnlyList<SandboxNotificationJson> Notifications)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{TXid} {ReferenceNo} {StatusName}({Status}) notifications: [{string.Join("; ", Notifications)}]";
}

/// <summary>A notification the sandbox planned or sent.</summary>
public sealed record SandboxNotificationJson(string Id, string Kind, string Url, string State, bool Delivered, IReadOnlyList<SandboxAttemptJson> Attempts)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Id} {Kind} {State} attempts=[{string.Join(", ", Attempts.Select(a => a.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? a.Error))}]";
}

/// <summary>One notification attempt.</summary>
public sealed record SandboxAttemptJson(DateTimeOffset At, int? HttpStatus, string? Error);

/// <summary>Registration requests the sandbox received for one (iMid, referenceNo) (<c>GET /sandbox/registrations</c>).</summary>
public sealed record SandboxRegistrationsJson(string IMid, string ReferenceNo, int Received, int Created, IReadOnlyDictionary<string, int> Results, IReadOnlyList<string> TXids)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{IMid}/{ReferenceNo}: received {Received}, created {Created}, results {{{string.Join(", ", Results.Select(r => $"{r.Key}: {r.Value}"))}}}";
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
