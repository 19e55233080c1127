using System.Diagnostics;
using System.Net;
using Orchestrator.ContractTests.Infrastructure;
using Orchestrator.Nicepay;

namespace Orchestrator.ContractTests;

/// <summary>Status inquiry through every state the sandbox can put a transaction in, and its rejections and faults.</summary>
[Collection(ContractTier.Name)]
public sealed class InquiryTests(ContractFixture contract)
{
    [Fact]
    public async Task InquireAsync_Unpaid_ReturnsUnpaidWithTheRegisteredFields()
    {
        var registeredAt = contract.SandboxNow;
        var validUntil = registeredAt.AddDays(2);
        var registration = await contract.RegisterAsync(CvsPartner.AlfaGroup, amount: 88_000, validUntil: validUntil);

        var result = await contract.InquireAsync(registration);

        Assert.True(result.IsSuccess, result.ToString());
        var status = result.Value;
        Assert.Equal(CvsTransactionStatus.Unpaid, status.Status);
        Assert.Equal("3", status.RawStatus);
        Assert.Equal("unpaid", status.ResultMessage);
        Assert.Equal(registration.TransactionId, status.TransactionId);
        Assert.Equal(registration.ReferenceNo, status.ReferenceNo);
        Assert.Equal(88_000, status.Amount);
        Assert.Null(status.CancelAmount);
        Assert.Equal(registration.PaymentCode, status.PaymentCode);
        Assert.Equal(CvsPartner.AlfaGroup, status.Partner);
        Assert.Equal(validUntil, status.ValidUntil);
        Assert.Equal(registeredAt, status.RequestedAt);
        Assert.Equal(registeredAt, status.TransactionTime);
        Assert.Null(status.DepositedAt);
        Assert.Null(status.ReceiptCode);
        Assert.Equal("IDR", status.Currency);
        Assert.Equal("Coffee beans 1 kg", status.GoodsName);
        Assert.Equal("Budi Santoso", status.BillingName);
    }

    [Fact]
    public async Task InquireAsync_PaidAtIndomaret_ReturnsPaidWithDepositTimeAndReceipt()
    {
        var registration = await contract.RegisterAsync(CvsPartner.Indomaret);
        contract.SandboxClock.Advance(TimeSpan.FromMinutes(42));
        var paidAt = contract.SandboxNow;
        var receipt = await contract.PayAsync(registration);

        var status = await contract.StatusOfAsync(registration);

        Assert.Equal(CvsTransactionStatus.Paid, status.Status);
        Assert.Equal("0", status.RawStatus);
        Assert.Equal("paid", status.ResultMessage);
        Assert.Equal(paidAt, status.DepositedAt);
        Assert.Equal(receipt.GetProperty("receiptCode").GetString(), status.ReceiptCode);
        Assert.Equal(registration.Amount, status.Amount);
    }

    [Fact]
    public async Task InquireAsync_AlfaGroupInsideTheCommitWindow_ReturnsReadyToCommitThenPaid()
    {
        var registration = await contract.RegisterAsync(CvsPartner.AlfaGroup);
        var paidAt = contract.SandboxNow;
        var receipt = await contract.PayAsync(registration);
        Assert.Equal("5", receipt.GetProperty("status").GetString());

        var ready = await contract.StatusOfAsync(registration);
        contract.SandboxClock.Advance(ContractFixture.ReadyToCommitWindow);
        var committed = await contract.StatusOfAsync(registration);

        Assert.Equal(CvsTransactionStatus.ReadyToCommit, ready.Status);
        Assert.Equal("5", ready.RawStatus);
        Assert.Null(ready.DepositedAt);
        Assert.Equal(CvsTransactionStatus.Paid, committed.Status);
        Assert.Equal(paidAt + ContractFixture.ReadyToCommitWindow, committed.DepositedAt);
        Assert.Equal(receipt.GetProperty("receiptCode").GetString(), committed.ReceiptCode);
    }

    [Fact]
    public async Task InquireAsync_AfterTheValidity_ReturnsExpiredAndTheStoreRefusesTheCode()
    {
        var registration = await contract.RegisterAsync(validUntil: contract.SandboxNow.AddHours(1));
        var before = await contract.StatusOfAsync(registration);

        contract.SandboxClock.Advance(TimeSpan.FromHours(1));
        var after = await contract.StatusOfAsync(registration);

        Assert.Equal(CvsTransactionStatus.Unpaid, before.Status);
        Assert.Equal(CvsTransactionStatus.Expired, after.Status);
        Assert.Equal("4", after.RawStatus);
        Assert.Equal("expired", after.ResultMessage);
        using var payment = await contract.PayAtStoreAsync(registration);
        Assert.Equal(HttpStatusCode.Conflict, payment.StatusCode);
        Assert.Contains("\"expired\"", await payment.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InquireAsync_Cancelled_ReturnsStatusFourWithTheCancelledAmount()
    {
        var registration = await contract.RegisterAsync(amount: 64_000);
        var cancel = await contract.CancelAsync(registration);
        Assert.True(cancel.IsSuccess, cancel.ToString());

        var status = await contract.StatusOfAsync(registration);

        // NICEPAY's status after an API cancel is unconfirmed (contract §6.2); both sides read it as 4.
        Assert.Equal(CvsTransactionStatus.Expired, status.Status);
        Assert.Equal("4", status.RawStatus);
        Assert.Equal("canceled", status.ResultMessage);
        Assert.Equal(64_000, status.CancelAmount);
    }

    [Fact]
    public async Task InquireAsync_Reversed_ReturnsReversed()
    {
        var registration = await contract.RegisterAsync();
        await contract.PayAsync(registration);
        await contract.ReverseAsync(registration.TransactionId);

        var status = await contract.StatusOfAsync(registration);

        Assert.Equal(CvsTransactionStatus.Reversed, status.Status);
        Assert.Equal("1", status.RawStatus);
        Assert.Equal("reversal", status.ResultMessage);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task InquireAsync_WithoutTransactionId_FindsTheTransactionByReference(string? transactionId)
    {
        var registration = await contract.RegisterAsync();

        var result = await contract.Client.InquireAsync(
            ContractFixture.Demo, new CvsInquiryRequest(transactionId, registration.ReferenceNo, registration.Amount));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(registration.TransactionId, result.Value.TransactionId);
        Assert.Equal(registration.PaymentCode, result.Value.PaymentCode);
        Assert.Equal(CvsTransactionStatus.Unpaid, result.Value.Status);
    }

    [Fact]
    public async Task InquireAsync_ByReferenceWithTwoTransactions_FindsTheNewest()
    {
        var (request, _) = contract.NewRequest();
        await contract.RegisterAsync(request, ContractFixture.NoDuplicateCheck);
        var newest = await contract.RegisterAsync(request, ContractFixture.NoDuplicateCheck);

        var result = await contract.Client.InquireAsync(
            ContractFixture.NoDuplicateCheck, new CvsInquiryRequest(null, request.ReferenceNo, request.Amount));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(newest.TransactionId, result.Value.TransactionId);
    }

    [Fact]
    public async Task InquireAsync_UnknownTransactionId_IsRejectedAsTransactionNotFound()
    {
        var result = await contract.Client.InquireAsync(
            ContractFixture.Demo, new CvsInquiryRequest("IONPAYTEST03202503101000009999", ContractFixture.NewReference(), 150_000));

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.TransactionNotFound, "9528");
    }

    [Fact]
    public async Task InquireAsync_AmountOtherThanRegistered_IsRejectedAsTransactionNotFound()
    {
        var registration = await contract.RegisterAsync(amount: 150_000);

        var result = await contract.Client.InquireAsync(
            ContractFixture.Demo, new CvsInquiryRequest(registration.TransactionId, registration.ReferenceNo, 150_001));

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.TransactionNotFound, "9528");
    }

    [Fact]
    public async Task InquireAsync_AnotherMerchantsTransaction_IsRejectedAsTransactionNotFound()
    {
        var registration = await contract.RegisterAsync();

        var result = await contract.InquireAsync(registration, ContractFixture.NoDuplicateCheck);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.TransactionNotFound, "9528");
    }

    [Fact]
    public async Task InquireAsync_WrongMerchantKey_IsRejectedAsInvalidMerchantToken()
    {
        var registration = await contract.RegisterAsync();

        var result = await contract.InquireAsync(registration, new NicepayCredentials(ContractFixture.Demo.IMid, "not-the-demo-key"));

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.InvalidMerchantToken, "9010");
    }

    [Fact]
    public async Task InquireAsync_UnknownIMid_IsRejectedAsUnknownMerchant()
    {
        var registration = await contract.RegisterAsync();

        var result = await contract.InquireAsync(registration, new NicepayCredentials("UNKNOWN001", ContractFixture.Demo.MerchantKey));

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.UnknownMerchant, "9011");
    }

    [Fact]
    public async Task InquireAsync_FailingOnEveryAttempt_IsRetriedThenUnknownServerError()
    {
        var registration = await contract.RegisterAsync();
        var fault = await contract.AddFaultAsync(new { operation = "inquiry", kind = "fail", match = new { tXid = registration.TransactionId } });

        var result = await contract.InquireAsync(registration);

        RegistrationFaultTests.AssertUnknown(result, NicepayFailureKind.ServerError);
        Assert.Equal(500, result.Failure!.HttpStatus);
        Assert.Equal(ContractFixture.ClientOptions.InquiryMaxAttempts, await contract.FaultFiredAsync(fault));
    }

    [Fact]
    public async Task InquireAsync_FailingOnce_IsRetriedAndSucceeds()
    {
        var registration = await contract.RegisterAsync();
        var fault = await contract.AddFaultAsync(new { operation = "inquiry", kind = "fail", httpStatus = 502, count = 1, match = new { tXid = registration.TransactionId } });

        var result = await contract.InquireAsync(registration);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(CvsTransactionStatus.Unpaid, result.Value.Status);
        Assert.Equal(1, await contract.FaultFiredAsync(fault));
    }

    [Fact]
    public async Task InquireAsync_GatewayBusy_IsRejectedAsRetryableGatewayBusyWithoutRetrying()
    {
        var registration = await contract.RegisterAsync();
        var fault = await contract.AddFaultAsync(new { operation = "inquiry", kind = "busy", match = new { tXid = registration.TransactionId } });

        var result = await contract.InquireAsync(registration);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.GatewayBusy, "9002");
        Assert.True(result.Rejection!.IsRetryable);
        Assert.Equal(1, await contract.FaultFiredAsync(fault));
    }

    [Fact]
    public async Task InquireAsync_TimingOutOnce_IsRetriedAndSucceeds()
    {
        var registration = await contract.RegisterAsync();
        var fault = await contract.AddFaultAsync(new { operation = "inquiry", kind = "timeout", count = 1, match = new { tXid = registration.TransactionId } });

        var result = await contract.InquireAsync(registration);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(registration.TransactionId, result.Value.TransactionId);
        Assert.Equal(1, await contract.FaultFiredAsync(fault));
    }

    [Fact]
    public async Task InquireAsync_TimingOutOnEveryAttempt_IsUnknownTimeout()
    {
        var registration = await contract.RegisterAsync();
        var fault = await contract.AddFaultAsync(new { operation = "inquiry", kind = "timeout", match = new { tXid = registration.TransactionId } });

        var elapsed = Stopwatch.StartNew();
        var result = await contract.InquireAsync(registration);
        elapsed.Stop();

        RegistrationFaultTests.AssertUnknown(result, NicepayFailureKind.Timeout);
        var options = ContractFixture.ClientOptions;
        Assert.Equal(options.InquiryMaxAttempts, await contract.FaultFiredAsync(fault));
        Assert.InRange(elapsed.Elapsed, options.InquiryAttemptTimeout * options.InquiryMaxAttempts - TimeSpan.FromMilliseconds(100), options.InquiryTotalBudget + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task InquireAsync_ConnectionRefused_IsNotSent()
    {
        var result = await contract.UnreachableClient.InquireAsync(
            ContractFixture.Demo, new CvsInquiryRequest(null, ContractFixture.NewReference(), 150_000));

        Assert.Equal(NicepayOutcome.NotSent, result.Outcome);
        Assert.Equal(NicepayFailureKind.ConnectionRefused, result.Failure!.Kind);
    }
}
