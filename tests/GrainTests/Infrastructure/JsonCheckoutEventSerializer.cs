using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.Webhooks;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>
/// A plain System.Text.Json event body for the grain tier (<c>{"id","type","createdAt","data","anomaly"}</c>); the
/// API's own serializer, which owns the real wire shape, is covered by the API tests.
/// </summary>
public sealed class JsonCheckoutEventSerializer : ICheckoutEventSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <inheritdoc />
    public string Serialize(CheckoutEvent checkoutEvent)
    {
        ArgumentNullException.ThrowIfNull(checkoutEvent);
        return JsonSerializer.Serialize(
            new
            {
                id = checkoutEvent.Id,
                type = checkoutEvent.Type,
                createdAt = checkoutEvent.CreatedAt,
                data = checkoutEvent.Checkout,
                anomaly = checkoutEvent.Anomaly,
            },
            Options);
    }
}
