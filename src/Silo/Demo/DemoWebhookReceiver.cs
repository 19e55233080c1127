using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Merchants;

namespace Orchestrator.Silo.Demo;

/// <summary>A webhook call the demo receiver got.</summary>
internal sealed record ReceivedWebhook
{
    public required DateTimeOffset ReceivedAt { get; init; }

    public required string MerchantId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WebhookId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Type { get; init; }

    public required bool Verified { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? VerificationError { get; init; }

    /// <summary>The body as JSON when it parses; otherwise the raw text.</summary>
    public required JsonElement Payload { get; init; }
}

/// <summary>The last webhook calls received, newest first. Development only, in memory, bounded.</summary>
internal sealed class DemoWebhookInbox
{
    private const int Capacity = 500;
    private readonly LinkedList<ReceivedWebhook> _received = new();
    private readonly Lock _lock = new();

    public void Add(ReceivedWebhook webhook)
    {
        lock (_lock)
        {
            _received.AddFirst(webhook);
            if (_received.Count > Capacity)
            {
                _received.RemoveLast();
            }
        }
    }

    public IReadOnlyList<ReceivedWebhook> List(string? merchantId)
    {
        lock (_lock)
        {
            return [.. _received.Where(webhook => merchantId is null || webhook.MerchantId == merchantId)];
        }
    }
}

/// <summary>
/// A stand-in for merchants' webhook endpoints in the development profile: <c>POST /demo/webhooks/{merchantId}</c>
/// verifies the Standard Webhooks signature with that merchant's secret and records the event (2xx only when it
/// verifies, as a real endpoint would); <c>GET /demo/webhooks</c> lists what arrived, newest first.
/// </summary>
internal static class DemoWebhookReceiver
{
    public static RouteGroupBuilder MapDemoWebhookReceiver(this IEndpointRouteBuilder app)
    {
        var demo = app.MapGroup("/demo/webhooks").WithTags("Demo").AllowAnonymous();
        demo.MapPost("/{merchantId}", ReceiveWebhookAsync).WithName("ReceiveDemoWebhook");
        demo.MapGet("", ListWebhooks).WithName("ListDemoWebhooks");
        return demo;
    }

    public static async Task<Results<NoContent, NotFound, UnauthorizedHttpResult>> ReceiveWebhookAsync(
        string merchantId, HttpRequest request, DemoWebhookInbox inbox, IOptionsMonitor<MerchantsOptions> merchants, TimeProvider time)
    {
        if (!merchants.CurrentValue.Merchants.TryGetValue(merchantId, out var merchant))
        {
            return TypedResults.NotFound();
        }

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var headers = request.Headers;
        var error = string.IsNullOrEmpty(merchant.WebhookSecret)
            ? "the merchant has no WebhookSecret"
            : StandardWebhookSignature.Verify(
                merchant.WebhookSecret, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], body, time.GetUtcNow());

        var payload = Parse(body);
        inbox.Add(new ReceivedWebhook
        {
            ReceivedAt = time.GetUtcNow(),
            MerchantId = merchantId,
            WebhookId = headers["webhook-id"].FirstOrDefault(),
            Type = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                ? type.GetString()
                : null,
            Verified = error is null,
            VerificationError = error,
            Payload = payload,
        });

        return error is null ? TypedResults.NoContent() : TypedResults.Unauthorized();
    }

    public static Ok<IReadOnlyList<ReceivedWebhook>> ListWebhooks(DemoWebhookInbox inbox, string? merchantId = null) =>
        TypedResults.Ok(inbox.List(merchantId));

    private static JsonElement Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(body);
        }
    }
}
