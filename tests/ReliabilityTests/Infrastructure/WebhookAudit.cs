using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>What the merchants' webhook endpoint received, judged as Standard Webhooks and as logical events.</summary>
/// <param name="Deliveries">POSTs received.</param>
/// <param name="Events">Distinct event ids.</param>
/// <param name="Redeliveries">Deliveries of an id already received (at-least-once delivery: allowed, same id).</param>
/// <param name="Violations">Signature failures, ids that disagree, and duplicate logical events.</param>
public sealed record WebhookAuditReport(int Deliveries, int Events, int Redeliveries, IReadOnlyList<string> Violations);

/// <summary>
/// Checks every webhook delivery: its signature verifies with the merchant's secret (an independent verifier), the
/// <c>webhook-id</c> header is the body's <c>id</c>, one logical event (merchant + checkout + type + version) was
/// only ever sent under one id, and one id only ever carried one logical event with one body.
/// </summary>
public static class WebhookAudit
{
    public static WebhookAuditReport Check(IReadOnlyList<ReceivedWebhook> deliveries, IReadOnlyList<Merchant> merchants)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var secrets = merchants.ToDictionary(merchant => merchant.Id, merchant => merchant.WebhookSecret, StringComparer.Ordinal);
        var violations = new List<string>();
        foreach (var delivery in deliveries)
        {
            // The signature is checked against the time it arrived: a later check would see an old timestamp.
            var problem = secrets.TryGetValue(delivery.MerchantId, out var secret)
                ? StandardWebhooksVerifier.Problem(secret, delivery.WebhookId, delivery.WebhookTimestamp, delivery.WebhookSignature, delivery.Body, delivery.ReceivedAt, StandardWebhooksVerifier.DefaultTolerance)
                : $"no secret for merchant {delivery.MerchantId}";
            if (problem is not null)
            {
                violations.Add($"{delivery}: signature does not verify: {problem}");
            }

            if (!string.Equals(delivery.WebhookId, delivery.EventId, StringComparison.Ordinal))
            {
                violations.Add($"{delivery}: webhook-id header {delivery.WebhookId} is not the body's id {delivery.EventId}");
            }
        }

        foreach (var logical in deliveries.GroupBy(d => (d.MerchantId, d.ReferenceNo, d.Type, d.DataVersion)))
        {
            var ids = logical.Select(d => d.EventId).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count > 1)
            {
                violations.Add($"one logical event {logical.Key} was sent with {ids.Count} ids: {string.Join(", ", ids)}");
            }
        }

        foreach (var byId in deliveries.GroupBy(d => d.EventId ?? "", StringComparer.Ordinal))
        {
            var logical = byId.Select(d => (d.MerchantId, d.ReferenceNo, d.Type, d.DataVersion)).Distinct().ToList();
            var bodies = byId.Select(d => d.Body).Distinct(StringComparer.Ordinal).Count();
            if (logical.Count > 1 || bodies > 1)
            {
                violations.Add($"id {byId.Key} was reused: {logical.Count} logical event(s) {string.Join(" | ", logical)}, {bodies} different bodies");
            }
        }

        var events = deliveries.Select(d => d.EventId).Distinct(StringComparer.Ordinal).Count();
        return new WebhookAuditReport(deliveries.Count, events, deliveries.Count - events, violations);
    }
}
