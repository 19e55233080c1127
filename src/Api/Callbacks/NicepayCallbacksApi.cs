using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Checkouts;
using Orchestrator.Api.Errors;
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

    public static RouteHandlerBuilder MapNicepayCallbacksApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/callbacks/nicepay/{merchantId}", HandleNicepayNotificationAsync)
            .WithTags("NICEPAY callbacks")
            .WithName("HandleNicepayNotification")
            .WithSummary("Receive a NICEPAY payment notification (form-encoded, as NICEPAY sends it)")
            .AllowAnonymous()
            .WithOrchestratorDocument()
            .Accepts<IFormCollection>("application/x-www-form-urlencoded")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

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
                "Send the fields form-encoded (application/x-www-form-urlencoded) or in the query string.");
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
    /// Returns null when the body cannot be read.
    /// </summary>
    internal static async Task<Dictionary<string, string>?> ReadFieldsAsync(HttpRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Query)
        {
            fields[key] = values.LastOrDefault() ?? "";
        }

        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
                foreach (var (key, values) in form)
                {
                    fields[key] = values.LastOrDefault() ?? "";
                }
            }
            else if (request.HasJsonContentType())
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    fields[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString() ?? "",
                        JsonValueKind.Null => "",
                        _ => property.Value.GetRawText(),
                    };
                }
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or JsonException or BadHttpRequestException)
        {
            return null;
        }

        return fields;
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}
