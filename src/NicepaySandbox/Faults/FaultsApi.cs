using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.NicepaySandbox.Hosting;
using Orchestrator.NicepaySandbox.Ledger;

namespace Orchestrator.NicepaySandbox.Faults;

/// <summary>
/// <c>POST /sandbox/faults</c> body. <paramref name="Count"/> is how many times the rule fires before it is spent (null:
/// until removed); <paramref name="HttpStatus"/> is for server-error/fail, <paramref name="Copies"/> for duplicate,
/// <paramref name="MatchCl"/> (2 over, 3 under) for amount-mismatch, <paramref name="DelayMs"/> for the waiting kinds.
/// </summary>
internal sealed record FaultRequest(
    string? Operation,
    string? Kind,
    FaultMatch? Match,
    int? DelayMs,
    int? Count,
    int? HttpStatus,
    int? Copies,
    int? MatchCl);

/// <summary>Controls that make the sandbox misbehave the way real gateways do.</summary>
internal static class FaultsApi
{
    public static RouteGroupBuilder MapFaultsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/sandbox/faults").WithTags("Sandbox faults").AllowAnonymous();
        group.MapPost("", AddAsync)
            .WithName("NicepaySandboxAddFault")
            .WithSummary("Adds a fault rule for registration, inquiry, cancel or notification; global or matched by tXid/referenceNo/iMid.");
        group.MapGet("", List)
            .WithName("NicepaySandboxListFaults")
            .WithSummary("Fault rules in creation order (the oldest matching active rule fires), spent ones included.");
        group.MapGet("/{id}", Get)
            .WithName("NicepaySandboxGetFault")
            .WithSummary("One fault rule, with how often it fired.");
        group.MapDelete("/{id}", Remove)
            .WithName("NicepaySandboxRemoveFault")
            .WithSummary("Removes one fault rule.");
        group.MapDelete("", Clear)
            .WithName("NicepaySandboxClearFaults")
            .WithSummary("Removes every fault rule.");
        return group;
    }

    public static async Task<Results<JsonHttpResult<FaultView>, ValidationProblem>> AddAsync(
        HttpContext http, FaultRegistry faults)
    {
        var request = await SandboxJson.ReadAsync<FaultRequest>(http.Request, http.RequestAborted);
        if (request is null)
        {
            return SandboxProblems.Invalid("body", "Send a JSON object: {\"operation\":\"registration\",\"kind\":\"busy\",\"count\":1}.");
        }

        if (!Enum.TryParse<FaultOperation>(request.Operation, ignoreCase: true, out var operation)
            || !Enum.IsDefined(operation)
            || int.TryParse(request.Operation, out _))
        {
            return SandboxProblems.Invalid("operation", "Use registration, inquiry, cancel or notification.");
        }

        var kinds = FaultKinds.ByOperation[operation];
        var kind = request.Kind?.Trim().ToLowerInvariant();
        if (kind is null || !kinds.Contains(kind))
        {
            return SandboxProblems.Invalid("kind", $"For {request.Operation!.ToLowerInvariant()} use one of: {string.Join(", ", kinds)}.");
        }

        var error = request switch
        {
            { Count: <= 0 } => ("count", "count must be at least 1, or null to fire until removed."),
            { DelayMs: < 0 } => ("delayMs", "delayMs must not be negative."),
            { HttpStatus: < 400 or > 599 } => ("httpStatus", "httpStatus must be an error status, 400 to 599."),
            { Copies: < 1 } => ("copies", "copies must be at least 1."),
            { MatchCl: not (null or 2 or 3) } => ("matchCl", "matchCl is 2 (over) or 3 (under)."),
            _ => default((string, string)?),
        };
        if (error is var (field, message))
        {
            return SandboxProblems.Invalid(field, message);
        }

        var match = request.Match is { TXid: null, ReferenceNo: null, IMid: null } ? null : request.Match;
        var rule = faults.Add(operation, kind, match, request.DelayMs, request.Count, request.HttpStatus, request.Copies, request.MatchCl);
        http.Response.Headers.Location = $"{http.Request.PathBase}/sandbox/faults/{rule.Id}";
        return TypedResults.Json(rule, SandboxJson.Sandbox, statusCode: StatusCodes.Status201Created);
    }

    public static JsonHttpResult<IReadOnlyList<FaultView>> List(FaultRegistry faults) =>
        TypedResults.Json(faults.List(), SandboxJson.Sandbox);

    public static Results<JsonHttpResult<FaultView>, ProblemHttpResult> Get(string id, FaultRegistry faults) =>
        faults.Find(id) is { } rule ? TypedResults.Json(rule, SandboxJson.Sandbox) : UnknownFault(id);

    public static Results<NoContent, ProblemHttpResult> Remove(string id, FaultRegistry faults) =>
        faults.Remove(id) ? TypedResults.NoContent() : UnknownFault(id);

    public static NoContent Clear(FaultRegistry faults)
    {
        faults.Clear();
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult UnknownFault(string id) =>
        new LedgerProblem(StatusCodes.Status404NotFound, "unknown-fault", "Unknown fault rule", $"No fault rule has id '{id}'.").ToProblem();
}
