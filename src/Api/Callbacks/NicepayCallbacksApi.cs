using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Orchestrator.Api.Checkouts;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Limits;
using Orchestrator.Api.OpenApi;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Merchants;

namespace Orchestrator.Api.Callbacks;

/// <summary>What NICEPAY reads in our answer to a notification (the shape of NICEPAY's own plugin's answers).</summary>
/// <param name="ResultCd">"0000" when accepted.</param>
/// <param name="ResultMsg">A short explanation.</param>
public sealed record NicepayNotificationAck(string ResultCd, string ResultMsg);

/// <summary>What the callback endpoint needs, bound with <c>[AsParameters]</c>.</summary>
internal sealed record NicepayCallbackServices(
    HttpContext HttpContext, IGrainFactory Grains, IOptionsMonitor<MerchantsOptions> Merchants, TimeProvider Time);

/// <summary>
/// <c>POST /callbacks/nicepay/{merchantId}</c>: NICEPAY's payment notifications (contract §5). Anonymous, because NICEPAY
/// sends no credentials: the grain verifies the notification's merchant token with that merchant's key, and only a
/// status inquiry, never the notification, moves money. The endpoint only parses and hands over; it answers as soon as
/// the grain has recorded the notification, without waiting for the inquiry.
/// </summary>
internal static class NicepayCallbacksApi
{
    internal const string ReferenceNoField = "referenceNo";

    /// <summary>The most fields a notification may have: NICEPAY sends about 30.</summary>
    internal const int MaxFields = 100;

    private static readonly JsonDocumentOptions JsonFields = new() { AllowDuplicateProperties = false };

    public static RouteHandlerBuilder MapNicepayCallbacksApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/callbacks/nicepay/{merchantId}", HandleNicepayNotificationAsync)
            .WithTags("NICEPAY callbacks")
            .WithName("HandleNicepayNotification")
            .WithSummary("Receive a NICEPAY payment notification (form-encoded, as NICEPAY sends it)")
            .AllowAnonymous()
            .RequireRateLimiting(OrchestratorRateLimitPolicies.NicepayCallback)
            .WithRequestBodyLimit(RequestBodyLimits.NicepayCallback)
            .WithOrchestratorDocument()
            .Accepts<IFormCollection>("application/x-www-form-urlencoded", "multipart/form-data", "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    public static async Task<Results<Ok<NicepayNotificationAck>, ProblemHttpResult>> HandleNicepayNotificationAsync(
        string merchantId, [AsParameters] NicepayCallbackServices services)
    {
        if (!services.Merchants.CurrentValue.Merchants.ContainsKey(merchantId))
        {
            return Problems.MerchantNotFound();
        }

        var fields = await ReadFieldsAsync(services.HttpContext.Request);
        if (fields is null)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "The notification could not be read",
                $"Send the fields form-encoded (application/x-www-form-urlencoded) or in the query string, each once, at most {MaxFields}.");
        }

        if (!fields.TryGetValue(ReferenceNoField, out var referenceNo) || string.IsNullOrEmpty(referenceNo))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "referenceNo is missing",
                "The notification has no referenceNo field.");
        }

        if (!CreateCheckoutValidator.IsValidReferenceNo(referenceNo))
        {
            // Every reference we register follows our rule, so this cannot be one of ours.
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "referenceNo is malformed",
                $"'referenceNo' {CreateCheckoutValidator.ReferenceNoRule}.");
        }

        var result = await services.Grains
            .GetGrain<ICheckoutGrain>(CheckoutKey.Format(merchantId, referenceNo))
            .HandleNotificationAsync(new NicepayNotificationForm
            {
                Fields = fields,
                ReceivedAt = services.Time.GetUtcNow(),
                RemoteAddress = services.HttpContext.Connection.RemoteIpAddress?.ToString(),
            });

        return result.Outcome switch
        {
            NotificationOutcome.Accepted => TypedResults.Ok(new NicepayNotificationAck("0000", result.Detail ?? "Notification accepted")),
            NotificationOutcome.AlreadyApplied => TypedResults.Ok(new NicepayNotificationAck("0000", result.Detail ?? "Notification already applied")),
            NotificationOutcome.InvalidToken => Problem(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized,
                "Invalid merchant token", result.Detail ?? "The merchantToken does not verify; nothing changed."),
            NotificationOutcome.UnknownTransaction => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound,
                "Unknown transaction", result.Detail ?? "No checkout of this merchant has this referenceNo."),
            NotificationOutcome.Malformed => Problem(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest,
                "Malformed notification", result.Detail ?? "Required fields are missing or malformed; nothing changed."),
            _ => throw new InvalidOperationException($"Unknown notification outcome {result.Outcome}."),
        };
    }

    /// <summary>
    /// The notification's fields: the query string, then the form body over it (the form wins). A JSON object of scalar
    /// values is accepted too, because NICEPAY's documentation does not pin the encoding down (contract §5.1).
    /// Returns null when the body cannot be read, when a field is given twice in the query string or in the body, or
    /// when there are more than <see cref="MaxFields"/>. A repeated field is refused rather than resolved ("last one
    /// wins"): the merchant token covers tXid and amt only, and whoever reads the first value (a proxy, a log) would
    /// see another notification than the one acted on.
    /// </summary>
    internal static async Task<Dictionary<string, string>?> ReadFieldsAsync(HttpRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryAddOnce(fields, request.Query))
        {
            return null;
        }

        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
                if (!TryAddOnce(fields, form))
                {
                    return null;
                }
            }
            else if (request.HasJsonContentType())
            {
                using var document = await JsonDocument.ParseAsync(request.Body, JsonFields, request.HttpContext.RequestAborted);
                if (!TryAddJsonObject(fields, document.RootElement))
                {
                    return null;
                }
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or JsonException
            or IOException and not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            // Unreadable: a malformed form or JSON, a multipart body cut short (IOException). A body over the limit is
            // not caught: it is the exception handler's 413.
            return null;
        }

        return fields.Count <= MaxFields ? fields : null;
    }

    /// <summary>A flat JSON object's members as text; false when it is not an object or holds text that is not Unicode.</summary>
    private static bool TryAddJsonObject(Dictionary<string, string> fields, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        try
        {
            foreach (var property in root.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString() ?? "",
                    JsonValueKind.Null => "",
                    _ => property.Value.GetRawText(),
                };
            }
        }
        catch (InvalidOperationException)
        {
            // The parser checks structure, not text: invalid UTF-8 or a lone surrogate (\ud800) only fails here.
            return false;
        }

        return true;
    }

    /// <summary>Adds each field (over one from the query string); false when one repeats or there are too many.</summary>
    private static bool TryAddOnce(Dictionary<string, string> fields, IEnumerable<KeyValuePair<string, StringValues>> source)
    {
        foreach (var (key, values) in source)
        {
            if (values.Count > 1)
            {
                return false;
            }

            fields[key] = values.Count == 0 ? "" : values[0] ?? "";
            if (fields.Count > MaxFields)
            {
                return false;
            }
        }

        return true;
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}
