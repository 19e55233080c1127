using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.NicepaySandbox.Ledger;

namespace Orchestrator.NicepaySandbox.Hosting;

/// <summary>RFC 9457 problems for the sandbox endpoints, each with a machine-readable <c>reason</c>.</summary>
internal static class SandboxProblems
{
    public static ProblemHttpResult ToProblem(this LedgerProblem problem) =>
        TypedResults.Problem(
            detail: problem.Detail,
            statusCode: problem.StatusCode,
            title: problem.Title,
            extensions: new Dictionary<string, object?> { ["reason"] = problem.Reason });

    public static ProblemHttpResult UnknownStore(string store) =>
        new LedgerProblem(
            StatusCodes.Status404NotFound, "unknown-store", "Unknown store",
            $"'{store}' is not a store the sandbox knows; use indomaret, alfamart, alfamidi, lawson or dandan.").ToProblem();

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            title: "The request is not valid",
            extensions: new Dictionary<string, object?> { ["reason"] = "invalid-request" });
}
