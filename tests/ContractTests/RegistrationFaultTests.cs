using System.Diagnostics;
using Orchestrator.ContractTests.Infrastructure;
using Orchestrator.Nicepay;

namespace Orchestrator.ContractTests;

/// <summary>
/// The sandbox misbehaving during a registration, and what the client concludes: "NICEPAY did not do it" only when that
/// is provable, "unknown" otherwise; and a registration is never sent twice (the sandbox counts what it received).
/// </summary>
[Collection(ContractTier.Name)]
public sealed class RegistrationFaultTests(ContractFixture contract)
{
    [Fact]
    public async Task RegisterAsync_GatewayBusy_IsRejectedAsRetryableGatewayBusy()
    {
        var (request, _) = contract.NewRequest();
        await AddFaultAsync("busy", request.ReferenceNo);

        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.GatewayBusy, "9002");
        Assert.True(result.Rejection!.IsRetryable);
        Assert.Empty(await contract.TransactionsAsync(request.ReferenceNo));
        var counter = await ReceivedOnceAsync(request.ReferenceNo);
        Assert.Equal(1, counter.GetProperty("results").GetProperty("9002").GetInt32());
    }

    [Fact]
    public async Task RegisterAsync_ServerError_IsUnknownServerErrorAndNotResent()
    {
        var (request, _) = contract.NewRequest();
        await AddFaultAsync("server-error", request.ReferenceNo);

        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        AssertUnknown(result, NicepayFailureKind.ServerError);
        Assert.Equal(503, result.Failure!.HttpStatus);
        var counter = await ReceivedOnceAsync(request.ReferenceNo);
        Assert.Equal(1, counter.GetProperty("results").GetProperty("http-503").GetInt32());
        Assert.Empty(await contract.TransactionsAsync(request.ReferenceNo));
    }

    [Fact]
    public async Task RegisterAsync_GatewayNeverAnswers_IsUnknownTimeoutAndNothingRegistered()
    {
        var request = await RegisterPastTheTimeoutAsync("timeout");

        var counter = await ReceivedOnceAsync(request.ReferenceNo);
        Assert.Equal(1, counter.GetProperty("results").GetProperty("fault:timeout").GetInt32());
        Assert.Empty(await contract.TransactionsAsync(request.ReferenceNo));
    }

    [Fact]
    public async Task RegisterAsync_AnswerLostAfterCommit_IsUnknownTimeoutAndAnInquiryByReferenceFindsIt()
    {
        var request = await RegisterPastTheTimeoutAsync("timeout-after-commit");

        var counter = await ReceivedOnceAsync(request.ReferenceNo);
        Assert.Equal(1, counter.GetProperty("created").GetInt32());
        var stored = Assert.Single(await contract.TransactionsAsync(request.ReferenceNo));

        // Reconciliation as the README prescribes: an inquiry by referenceNo with an empty tXid.
        var recovered = await contract.Client.InquireAsync(ContractFixture.Demo, new CvsInquiryRequest(null, request.ReferenceNo, request.Amount));

        Assert.True(recovered.IsSuccess, recovered.ToString());
        Assert.Equal(stored.GetProperty("tXid").GetString(), recovered.Value.TransactionId);
        Assert.Equal(stored.GetProperty("payNo").GetString(), recovered.Value.PaymentCode);
        Assert.Equal(CvsTransactionStatus.Unpaid, recovered.Value.Status);
    }

    [Fact]
    public async Task RegisterAsync_ConnectionResetAfterCommit_IsUnknownConnectionLostAndNotResent()
    {
        var (request, _) = contract.NewRequest();
        await AddFaultAsync("reset-after-commit", request.ReferenceNo);

        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        AssertUnknown(result, NicepayFailureKind.ConnectionLost);
        var counter = await ReceivedOnceAsync(request.ReferenceNo);
        Assert.Equal(1, counter.GetProperty("created").GetInt32());
        Assert.Single(await contract.TransactionsAsync(request.ReferenceNo));
    }

    [Fact]
    public async Task RegisterAsync_ConnectionRefused_IsNotSent()
    {
        var (request, _) = contract.NewRequest();

        var result = await contract.UnreachableClient.RegisterAsync(ContractFixture.Demo, request);

        Assert.Equal(NicepayOutcome.NotSent, result.Outcome);
        Assert.True(result.DidNotHappen);
        Assert.Equal(NicepayFailureKind.ConnectionRefused, result.Failure!.Kind);
    }

    internal static void AssertUnknown<T>(NicepayResult<T> result, NicepayFailureKind kind)
        where T : class
    {
        Assert.True(result.Outcome == NicepayOutcome.Unknown, $"expected Unknown ({kind}), got {result}");
        Assert.True(result.IsUnknown);
        Assert.False(result.DidNotHappen);
        Assert.Null(result.Value);
        Assert.Null(result.Rejection);
        Assert.Equal(kind, result.Failure!.Kind);
    }

    /// <summary>
    /// Registers with a fault that withholds the answer, and asserts the client gave up as Unknown Timeout after its
    /// registration timeout (within the total budget).
    /// </summary>
    private async Task<CvsRegistrationRequest> RegisterPastTheTimeoutAsync(string fault)
    {
        var (request, _) = contract.NewRequest();
        await AddFaultAsync(fault, request.ReferenceNo);

        var elapsed = Stopwatch.StartNew();
        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);
        elapsed.Stop();

        AssertUnknown(result, NicepayFailureKind.Timeout);
        var options = ContractFixture.ClientOptions;
        Assert.InRange(elapsed.Elapsed, options.RegistrationTimeout - TimeSpan.FromMilliseconds(100), options.RegistrationTotalBudget + TimeSpan.FromSeconds(1));
        return request;
    }

    private Task<string> AddFaultAsync(string kind, string referenceNo) =>
        contract.AddFaultAsync(new { operation = "registration", kind, count = 1, match = new { referenceNo } });

    /// <summary>The sandbox's counter for the reference: it received exactly one registration request (none re-sent).</summary>
    private async Task<System.Text.Json.JsonElement> ReceivedOnceAsync(string referenceNo)
    {
        var counter = await contract.RegistrationRequestsAsync(referenceNo);
        Assert.NotNull(counter);
        Assert.Equal(1, counter.Value.GetProperty("received").GetInt32());
        return counter.Value;
    }
}
