using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.NicepaySandbox.Hosting;
using Orchestrator.NicepaySandbox.Ledger;

namespace Orchestrator.NicepaySandbox.Stores;

/// <summary>The cashier at the till asks about a payment number.</summary>
internal sealed record StoreInquiryRequest(string? PayNo);

/// <summary>The customer hands over cash for a payment number.</summary>
internal sealed record StorePaymentRequest(string? PayNo, long? Amount);

/// <summary>
/// The store counter: not a NICEPAY API, the sandbox's stand-in for the customer at Indomaret or an Alfa-group store.
/// Refusals are RFC 9457 problems with a <c>reason</c>.
/// </summary>
internal static class StoreCounterApi
{
    public static RouteGroupBuilder MapStoreCounterApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/sandbox/stores/{store}").WithTags("Sandbox store counter").AllowAnonymous();
        group.MapPost("/inquiry", InquireAsync)
            .WithName("NicepaySandboxStoreInquiry")
            .WithSummary("What the cashier sees for a payment number: amount, merchant, validity, status, payable now.");
        group.MapPost("/payments", PayAsync)
            .WithName("NicepaySandboxStorePayment")
            .WithSummary("Pays a number with the exact amount and returns the receipt.");
        return group;
    }

    public static async Task<Results<JsonHttpResult<StoreInquiryView>, ProblemHttpResult, ValidationProblem>> InquireAsync(
        string store, HttpRequest request, TransactionLedger ledger)
    {
        if (StoreChain.Find(store) is not { } chain)
        {
            return SandboxProblems.UnknownStore(store);
        }

        var body = await SandboxJson.ReadAsync<StoreInquiryRequest>(request, request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(body?.PayNo))
        {
            return SandboxProblems.Invalid("payNo", "Send a JSON body {\"payNo\":\"…\"}.");
        }

        var payNo = body.PayNo.Trim();
        return ledger.StoreInquiry(chain, payNo) is { } view
            ? TypedResults.Json(view, SandboxJson.Sandbox)
            : new LedgerProblem(
                StatusCodes.Status404NotFound, "unknown-pay-no", "Unknown payment number", $"No transaction has payment number '{payNo}'.")
                .ToProblem();
    }

    public static async Task<Results<JsonHttpResult<StoreReceipt>, ProblemHttpResult, ValidationProblem>> PayAsync(
        string store, HttpRequest request, TransactionLedger ledger)
    {
        if (StoreChain.Find(store) is not { } chain)
        {
            return SandboxProblems.UnknownStore(store);
        }

        var body = await SandboxJson.ReadAsync<StorePaymentRequest>(request, request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(body?.PayNo))
        {
            return SandboxProblems.Invalid("payNo", "Send a JSON body {\"payNo\":\"…\",\"amount\":150000}.");
        }

        if (body.Amount is not { } amount)
        {
            return SandboxProblems.Invalid("amount", "The amount paid, in whole rupiah, is required.");
        }

        var (receipt, problem) = ledger.Pay(chain, body.PayNo.Trim(), amount);
        return receipt is not null ? TypedResults.Json(receipt, SandboxJson.Sandbox) : problem!.ToProblem();
    }
}
