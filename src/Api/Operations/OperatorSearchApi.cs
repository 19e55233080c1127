using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Api.Authentication;
using Orchestrator.Api.Checkouts;
using Orchestrator.Api.Limits;
using Orchestrator.Api.OpenApi;
using Orchestrator.Contracts.Search;

namespace Orchestrator.Api.Operations;

/// <summary>
/// The operator search over the read model: <c>GET /ops/checkouts</c> and <c>GET /ops/stats</c>. The host registers
/// an <see cref="ICheckoutSearch"/> (in memory in development, PostgreSQL in production); no grain is activated.
/// </summary>
internal static class OperatorSearchApi
{
    public static RouteGroupBuilder MapOperatorSearchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/ops")
            .WithTags("Operations")
            .RequireAuthorization(OrchestratorPolicies.Operator)
            .RequireRateLimiting(OrchestratorRateLimitPolicies.Caller)
            .WithRequestBodyLimit(RequestBodyLimits.Api)
            .WithOrchestratorDocument()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/checkouts", SearchCheckoutsAsync)
            .WithName("SearchCheckouts")
            .WithSummary("Search checkouts across merchants, newest first")
            .WithDescription("Filters combine (AND). Pages are keyset-paginated newest first by creation time: pass the "
                + "'next' of a page as 'after', with the same filters, for the next one; 'next' is null on the last page. "
                + "A cursor that was changed, or that belongs to other filters, is a 400. Reads the operator read model, "
                + "which follows each checkout within moments.");

        api.MapGet("/stats", GetCheckoutStatsAsync)
            .WithName("GetCheckoutStats")
            .WithSummary("Count checkouts by status")
            .WithDescription("Every status with its count (zeros included) and the total, for all merchants or one.");

        return api;
    }

    public static async Task<Results<Ok<CheckoutSearchResponse>, ValidationProblem>> SearchCheckoutsAsync(
        [AsParameters] CheckoutSearchRequest request, [FromServices] ICheckoutSearch search, CancellationToken cancellationToken)
    {
        if (!request.TryCreateQuery(out var query, out var errors))
        {
            return Problems.Validation(errors);
        }

        CheckoutSearchPage page;
        try
        {
            page = await search.SearchAsync(query, cancellationToken);
        }
        catch (ArgumentException exception) when (exception.ParamName == nameof(CheckoutSearchQuery.After))
        {
            // The contract's way of saying the cursor is not one it issued for these filters (see ICheckoutSearch
            // implementations); the message is ours, in the API's terms.
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["after"] = ["'after' is not a valid cursor: it was changed, or it belongs to a search with other filters. "
                    + "Pass the 'next' value of the previous page with the same filters, or leave 'after' out to start again."],
            });
        }

        return TypedResults.Ok(page.AsResponse());
    }

    public static async Task<Results<Ok<CheckoutStatsResponse>, ValidationProblem>> GetCheckoutStatsAsync(
        [FromQuery(Name = "merchantId"), Description("Only this merchant's checkouts; all merchants when left out.")] string? merchantId,
        [FromServices] ICheckoutSearch search,
        CancellationToken cancellationToken)
    {
        if (merchantId is not null && CheckoutSearchRequest.CheckMerchantId(merchantId) is { } error)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["merchantId"] = [$"'merchantId' {error}."] });
        }

        var counts = await search.CountByStatusAsync(merchantId, cancellationToken);
        return TypedResults.Ok(counts.AsStatsResponse());
    }
}
