using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Authentication;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Limits;
using Orchestrator.Api.OpenApi;
using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Api.Checkouts;

/// <summary>What the checkout endpoints need, bound with <c>[AsParameters]</c>.</summary>
internal sealed record CheckoutServices(
    HttpContext HttpContext,
    IGrainFactory Grains,
    IOptionsMonitor<CheckoutRulesOptions> Rules,
    TimeProvider Time)
{
    /// <summary>The authenticated merchant. The "merchant" policy guarantees the claim.</summary>
    public string MerchantId => HttpContext.User.FindFirstValue(OrchestratorClaims.MerchantId)
        ?? throw new InvalidOperationException("The merchant policy let a principal without a merchant id through.");

    /// <summary>
    /// The merchant's checkout. Only ever under the caller's own merchant id: another merchant's reference is simply
    /// a checkout that does not exist (404), never a 403 that would confirm it exists.
    /// </summary>
    public ICheckoutGrain Checkout(string referenceNo) =>
        Grains.GetGrain<ICheckoutGrain>(CheckoutKey.Format(MerchantId, referenceNo));
}

/// <summary>The merchant API: <c>/v1/checkouts</c>.</summary>
internal static class CheckoutsApi
{
    /// <summary>The header that makes a create request idempotent independently of its referenceNo.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private const int IdempotencyKeyMaxLength = 255;

    public static RouteGroupBuilder MapCheckoutsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/checkouts")
            .WithTags("Checkouts")
            .RequireAuthorization(OrchestratorPolicies.Merchant)
            .RequireRateLimiting(OrchestratorRateLimitPolicies.Caller)
            .WithRequestBodyLimit(RequestBodyLimits.Api)
            .WithOrchestratorDocument()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapPost("", CreateCheckoutAsync)
            .WithName("CreateCheckout")
            .WithSummary("Create a checkout and get its payment code")
            .WithDescription("Creates the checkout and registers it at NICEPAY. The same request again returns the existing "
                + "checkout with 200; the same referenceNo with different values is a 409 naming the fields.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/{referenceNo}", GetCheckoutAsync)
            .WithName("GetCheckout")
            .WithSummary("Get a checkout");

        api.MapPost("/{referenceNo}/cancel", CancelCheckoutAsync)
            .WithName("CancelCheckout")
            .WithSummary("Cancel an unpaid checkout")
            .WithDescription("Cancels the payment code at NICEPAY, then the checkout. Refused with 409 once paid.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/{referenceNo}/fulfil", FulfilCheckoutAsync)
            .WithName("FulfilCheckout")
            .WithSummary("Mark a confirmed checkout fulfilled")
            .WithDescription("Tells us you have the final paid status (idempotent). Refused with 409 unless confirmed.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    public static async Task<Results<Created<CheckoutResponse>, Ok<CheckoutResponse>, ValidationProblem, ProblemHttpResult>> CreateCheckoutAsync(
        CreateCheckoutRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        [AsParameters] CheckoutServices services)
    {
        var validated = CreateCheckoutValidator.Validate(
            request, services.Rules.CurrentValue, services.Time.GetUtcNow(), out var errors);
        var keyHeaders = services.HttpContext.Request.Headers[IdempotencyKeyHeader].Count;
        if (keyHeaders > 1)
        {
            // Two keys would be bound as one ("a,b"): refuse rather than guess which one the client meant.
            errors[IdempotencyKeyHeader] = [$"'{IdempotencyKeyHeader}' must be sent once."];
        }
        else if (keyHeaders == 1 && !IsValidIdempotencyKey(idempotencyKey))
        {
            errors[IdempotencyKeyHeader] =
                [$"'{IdempotencyKeyHeader}' must be 1–{IdempotencyKeyMaxLength} printable ASCII characters."];
        }

        if (validated is null || errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (!string.IsNullOrEmpty(idempotencyKey))
        {
            var claim = await services.Grains
                .GetGrain<IIdempotencyKeyGrain>($"{services.MerchantId}/{idempotencyKey}")
                .ClaimAsync(validated.ReferenceNo, RequestFingerprint.Compute(validated));
            if (claim.Outcome == IdempotencyClaimOutcome.DifferentRequest)
            {
                return IdempotencyKeyReused(claim);
            }
        }

        var result = await services.Checkout(validated.ReferenceNo).CreateAsync(validated.Command);
        var checkout = result.Checkout.AsResponse();
        return result.Outcome switch
        {
            CreateCheckoutOutcome.Created => TypedResults.Created(Location(validated.ReferenceNo), checkout),
            CreateCheckoutOutcome.Existing => TypedResults.Ok(checkout),
            CreateCheckoutOutcome.Conflict => ReferenceConflict(result),
            _ => throw new InvalidOperationException($"Unknown create outcome {result.Outcome}."),
        };
    }

    public static async Task<Results<Ok<CheckoutResponse>, ValidationProblem, ProblemHttpResult>> GetCheckoutAsync(
        string referenceNo, [AsParameters] CheckoutServices services)
    {
        if (!CreateCheckoutValidator.IsValidReferenceNo(referenceNo))
        {
            return Problems.InvalidReferenceNo();
        }

        var snapshot = await services.Checkout(referenceNo).GetAsync();
        return snapshot is null ? Problems.CheckoutNotFound() : TypedResults.Ok(snapshot.AsResponse());
    }

    public static async Task<Results<Ok<CheckoutResponse>, ValidationProblem, ProblemHttpResult>> CancelCheckoutAsync(
        string referenceNo, [AsParameters] CheckoutServices services)
    {
        if (!CreateCheckoutValidator.IsValidReferenceNo(referenceNo))
        {
            return Problems.InvalidReferenceNo();
        }

        var result = await services.Checkout(referenceNo).CancelAsync(CheckoutCause.MerchantCall);
        return result.ToHttpResult(services.HttpContext, "cancelled");
    }

    public static async Task<Results<Ok<CheckoutResponse>, ValidationProblem, ProblemHttpResult>> FulfilCheckoutAsync(
        string referenceNo, [AsParameters] CheckoutServices services)
    {
        if (!CreateCheckoutValidator.IsValidReferenceNo(referenceNo))
        {
            return Problems.InvalidReferenceNo();
        }

        var result = await services.Checkout(referenceNo).FulfilAsync();
        return result.ToHttpResult(services.HttpContext, "fulfilled");
    }

    internal static string Location(string referenceNo) => $"/v1/checkouts/{Uri.EscapeDataString(referenceNo)}";

    internal static bool IsValidIdempotencyKey(string? key) =>
        key is { Length: > 0 and <= IdempotencyKeyMaxLength }
        && !string.IsNullOrWhiteSpace(key)
        && key.All(c => c is >= '\x20' and <= '\x7E');

    private static ProblemHttpResult ReferenceConflict(CreateCheckoutResult result)
    {
        var fields = result.ConflictingFields.Select(CheckoutCommandResults.ToCamelCase).ToArray();
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = ProblemTypes.CheckoutConflict,
            Title = "The referenceNo belongs to a different checkout",
            Detail = fields.Length == 0
                ? "A checkout with this referenceNo exists with different values."
                : $"A checkout with this referenceNo exists with a different {string.Join(", ", fields)}.",
        };
        problem.Extensions["referenceNo"] = result.Checkout.ReferenceNo;
        problem.Extensions["conflictingFields"] = fields;
        return TypedResults.Problem(problem);
    }

    private static ProblemHttpResult IdempotencyKeyReused(IdempotencyClaim claim)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = ProblemTypes.IdempotencyKeyReused,
            Title = "The Idempotency-Key was used with a different request",
            Detail = $"This {IdempotencyKeyHeader} was first used for referenceNo '{claim.ReferenceNo}' with different values. "
                + "Use a new key for a new request.",
        };
        problem.Extensions["referenceNo"] = claim.ReferenceNo;
        return TypedResults.Problem(problem);
    }
}
