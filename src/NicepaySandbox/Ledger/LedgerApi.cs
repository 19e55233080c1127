using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.NicepaySandbox.Hosting;

namespace Orchestrator.NicepaySandbox.Ledger;

/// <summary>The sandbox's own truth, for tests and people: transactions, registrations received, and two operator actions.</summary>
internal static class LedgerApi
{
    public static RouteGroupBuilder MapLedgerApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/sandbox").WithTags("Sandbox ledger").AllowAnonymous();
        group.MapGet("/transactions", ListTransactions)
            .WithName("NicepaySandboxListTransactions")
            .WithSummary("Transactions, newest first; filters iMid, referenceNo, status (code such as 0 or name such as paid).");
        group.MapGet("/transactions/{tXid}", GetTransaction)
            .WithName("NicepaySandboxGetTransaction")
            .WithSummary("One transaction with its payments and notifications.");
        group.MapPost("/transactions/{tXid}/notifications", ResendNotification)
            .WithName("NicepaySandboxResendNotification")
            .WithSummary("Sends the deposit notification of a paid transaction again, now, without faults.");
        group.MapPost("/transactions/{tXid}/reversal", Reverse)
            .WithName("NicepaySandboxReverse")
            .WithSummary("Reverses a paid transaction and sends the reversal notification (status=1).");
        group.MapGet("/registrations", ListRegistrations)
            .WithName("NicepaySandboxListRegistrations")
            .WithSummary("Registration requests received per (iMid, referenceNo), by outcome, rejected ones included.");
        return group;
    }

    public static JsonHttpResult<IReadOnlyList<TransactionView>> ListTransactions(
        TransactionLedger ledger, string? iMid = null, string? referenceNo = null, string? status = null) =>
        TypedResults.Json(ledger.List(iMid, referenceNo, status), SandboxJson.Sandbox);

    public static Results<JsonHttpResult<TransactionView>, ProblemHttpResult> GetTransaction(string tXid, TransactionLedger ledger) =>
        ledger.Find(tXid) is { } view
            ? TypedResults.Json(view, SandboxJson.Sandbox)
            : new LedgerProblem(StatusCodes.Status404NotFound, "unknown-txid", "Unknown transaction", $"No transaction has tXid '{tXid}'.").ToProblem();

    public static Results<JsonHttpResult<IReadOnlyList<NotificationView>>, ProblemHttpResult> ResendNotification(
        string tXid, TransactionLedger ledger)
    {
        var (queued, problem) = ledger.ResendDeposit(tXid);
        return queued is not null
            ? TypedResults.Json(queued, SandboxJson.Sandbox, statusCode: StatusCodes.Status202Accepted)
            : problem!.ToProblem();
    }

    public static Results<JsonHttpResult<TransactionView>, ProblemHttpResult> Reverse(string tXid, TransactionLedger ledger)
    {
        var (reversed, problem) = ledger.Reverse(tXid, applyFaults: true);
        return reversed is not null ? TypedResults.Json(reversed, SandboxJson.Sandbox) : problem!.ToProblem();
    }

    public static JsonHttpResult<IReadOnlyList<RegistrationView>> ListRegistrations(
        TransactionLedger ledger, string? iMid = null, string? referenceNo = null) =>
        TypedResults.Json(ledger.Registrations(iMid, referenceNo), SandboxJson.Sandbox);
}
