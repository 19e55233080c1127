using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Checkouts;
using Orchestrator.Api.Operations;
using Orchestrator.Contracts.Webhooks;

namespace Orchestrator.Api.Webhooks;

/// <summary>The body of a webhook event, as merchants receive it.</summary>
/// <param name="Id">Stable id of the logical event (also the <c>webhook-id</c> header).</param>
/// <param name="Type">One of the checkout event types, e.g. <c>checkout.confirmed</c>.</param>
/// <param name="CreatedAt">When the event happened.</param>
/// <param name="Data">The checkout exactly as the merchant API returns it, with its version.</param>
/// <param name="Anomaly">For attention events: what needs attention.</param>
public sealed record CheckoutEventBody(
    string Id,
    string Type,
    DateTimeOffset CreatedAt,
    CheckoutResponse Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AnomalyResponse? Anomaly);

/// <summary>
/// Writes events with the serializer options the API answers with, so <c>data</c> is byte-for-byte the shape of
/// <c>GET /v1/checkouts/{referenceNo}</c>.
/// </summary>
internal sealed class CheckoutEventSerializer(IOptions<JsonOptions> jsonOptions) : ICheckoutEventSerializer
{
    public string Serialize(CheckoutEvent checkoutEvent)
    {
        ArgumentNullException.ThrowIfNull(checkoutEvent);
        var body = new CheckoutEventBody(
            checkoutEvent.Id,
            checkoutEvent.Type,
            checkoutEvent.CreatedAt,
            checkoutEvent.Checkout.AsResponse(),
            checkoutEvent.Anomaly?.AsResponse());
        return JsonSerializer.Serialize(body, jsonOptions.Value.SerializerOptions);
    }
}
