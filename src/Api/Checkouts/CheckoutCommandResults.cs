using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Errors;
using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Api.Checkouts;

/// <summary>
/// How commands on an existing checkout (cancel, fulfil, status check) are answered, shared by the merchant and operator
/// APIs so the two cannot drift.
/// </summary>
internal static class CheckoutCommandResults
{
    /// <summary>Seconds to wait before retrying a command that NICEPAY could not answer.</summary>
    internal const int GatewayRetryAfterSeconds = 10;

    public static Results<Ok<CheckoutResponse>, ValidationProblem, ProblemHttpResult> ToHttpResult(
        this CheckoutCommandResult result, HttpContext httpContext, string action) => result.Outcome switch
        {
            CommandOutcome.Applied or CommandOutcome.AlreadyApplied when result.Checkout is not null =>
                TypedResults.Ok(result.Checkout.AsResponse()),
            CommandOutcome.NotFound => Problems.CheckoutNotFound(),
            CommandOutcome.NotPermitted => NotPermitted(result, action),
            CommandOutcome.GatewayUnavailable => GatewayUnavailable(result, httpContext),
            _ => throw new InvalidOperationException($"The grain answered {result.Outcome} to {action} without a checkout."),
        };

    private static ProblemHttpResult NotPermitted(CheckoutCommandResult result, string action)
    {
        var status = result.Checkout?.Status.WireName();
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = ProblemTypes.TransitionNotPermitted,
            Title = $"The checkout cannot be {action} in its current status",
            Detail = result.Detail ?? $"A {status} checkout cannot be {action}.",
        };
        // Not "status": RFC 9457 reserves it for the HTTP status, and a second "status" key would be ambiguous JSON.
        problem.Extensions["checkoutStatus"] = status;
        problem.Extensions["permittedActions"] = result.PermittedActions.Select(ToCamelCase).ToArray();
        return TypedResults.Problem(problem);
    }

    private static ProblemHttpResult GatewayUnavailable(CheckoutCommandResult result, HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = GatewayRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.GatewayUnavailable,
            Title = "NICEPAY is not answering",
            Detail = (result.Detail is null ? "" : result.Detail + " ")
                + $"Nothing changed; retry in {GatewayRetryAfterSeconds} seconds.",
        });
    }

    /// <summary>Field and action names from the grain, in the API's camelCase ("Customer.Email" → "customer.email").</summary>
    internal static string ToCamelCase(string name) =>
        string.Join('.', name.Split('.').Select(part => JsonNamingPolicy.CamelCase.ConvertName(part)));
}

/// <summary>Problems the endpoints answer as typed results.</summary>
internal static class Problems
{
    public static ProblemHttpResult CheckoutNotFound() => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Type = ProblemTypes.NotFound,
        Title = "Checkout not found",
        Detail = "No checkout of yours has this referenceNo.",
    });

    public static ProblemHttpResult MerchantNotFound() => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Type = ProblemTypes.NotFound,
        Title = "Merchant not found",
        Detail = "No merchant is configured with this id.",
    });

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            detail: string.Join(" ", errors.Values.SelectMany(messages => messages)),
            type: ProblemTypes.Validation,
            title: "The request is not valid");

    public static ValidationProblem InvalidReferenceNo() =>
        Validation(new Dictionary<string, string[]> { ["referenceNo"] = [$"'referenceNo' {CreateCheckoutValidator.ReferenceNoRule}."] });
}
