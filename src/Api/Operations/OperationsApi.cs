using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Authentication;
using Orchestrator.Api.Checkouts;
using Orchestrator.Api.Limits;
using Orchestrator.Api.OpenApi;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Merchants;

namespace Orchestrator.Api.Operations;

/// <summary>What the operator endpoints need, bound with <c>[AsParameters]</c>.</summary>
internal sealed record OperationsServices(HttpContext HttpContext, IGrainFactory Grains, IOptionsMonitor<MerchantsOptions> Merchants)
{
    public bool IsKnownMerchant(string merchantId) => Merchants.CurrentValue.Merchants.ContainsKey(merchantId);

    public ICheckoutGrain Checkout(string merchantId, string referenceNo) =>
        Grains.GetGrain<ICheckoutGrain>(CheckoutKey.Format(merchantId, referenceNo));
}

/// <summary>The operator API: <c>/ops/checkouts/{merchantId}/{referenceNo}</c>.</summary>
internal static class OperationsApi
{
    public static RouteGroupBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/ops/checkouts/{merchantId}/{referenceNo}")
            .WithTags("Operations")
            .RequireAuthorization(OrchestratorPolicies.Operator)
            .RequireRateLimiting(OrchestratorRateLimitPolicies.Caller)
            .WithRequestBodyLimit(RequestBodyLimits.Api)
            .WithOrchestratorDocument()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("", GetCheckoutDetailsAsync)
            .WithName("GetCheckoutDetails")
            .WithSummary("Everything about a checkout: journal, reminders, webhook deliveries, anomalies");

        api.MapPost("/status-check", CheckCheckoutStatusAsync)
            .WithName("CheckCheckoutStatus")
            .WithSummary("Ask NICEPAY for the status now and apply the answer")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/cancel", CancelCheckoutAsOperatorAsync)
            .WithName("CancelCheckoutAsOperator")
            .WithSummary("Cancel an unpaid checkout on the merchant's behalf")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return api;
    }

    public static async Task<Results<Ok<OperatorCheckoutResponse>, ValidationProblem, ProblemHttpResult>> GetCheckoutDetailsAsync(
        string merchantId, string referenceNo, [AsParameters] OperationsServices services)
    {
        if (!services.IsKnownMerchant(merchantId))
        {
            return Problems.MerchantNotFound();
        }

        if (!CreateCheckoutValidator.IsValidReferenceNo(referenceNo))
        {
            return Problems.InvalidReferenceNo();
        }

        var details = await services.Checkout(merchantId, referenceNo).GetDetailsAsync();
        return details is null ? Problems.CheckoutNotFound() : TypedResults.Ok(details.AsResponse());
    }

    public static async Task<Results<Ok<CheckoutResponse>, ValidationProblem, ProblemHttpResult>> CheckCheckoutStatusAsync(
        string merchantId, string referenceNo, [AsParameters] OperationsServices services)
    {
        if (!services.IsKnownMerchant(merchantId))
        {
            return Problems.MerchantNotFound();
        }

        if (!CreateCheckoutValidator.IsValidReferenceNo(referenceNo))
        {
            return Problems.InvalidReferenceNo();
        }

        var result = await services.Checkout(merchantId, referenceNo).CheckStatusAsync(CheckoutCause.Operator);
        return result.ToHttpResult(services.HttpContext, "status-checked");
    }

    public static async Task<Results<Ok<CheckoutResponse>, ValidationProblem, ProblemHttpResult>> CancelCheckoutAsOperatorAsync(
        string merchantId, string referenceNo, [AsParameters] OperationsServices services)
    {
        if (!services.IsKnownMerchant(merchantId))
        {
            return Problems.MerchantNotFound();
        }

        if (!CreateCheckoutValidator.IsValidReferenceNo(referenceNo))
        {
            return Problems.InvalidReferenceNo();
        }

        var result = await services.Checkout(merchantId, referenceNo).CancelAsync(CheckoutCause.Operator);
        return result.ToHttpResult(services.HttpContext, "cancelled");
    }
}
