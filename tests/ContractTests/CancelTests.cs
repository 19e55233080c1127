using System.Net;
using System.Text.RegularExpressions;
using Orchestrator.ContractTests.Infrastructure;
using Orchestrator.Nicepay;

namespace Orchestrator.ContractTests;

/// <summary>Cancel of a payment code: allowed only while unpaid, and its ambiguous outcomes reconciled by inquiry.</summary>
[Collection(ContractTier.Name)]
public sealed class CancelTests(ContractFixture contract)
{
    [Fact]
    public async Task CancelAsync_Unpaid_SucceedsAndTheStoreRefusesTheCode()
    {
        var registeredAt = contract.SandboxNow;
        var registration = await contract.RegisterAsync(amount: 72_500);

        var result = await contract.CancelAsync(registration);

        Assert.True(result.IsSuccess, result.ToString());
        var cancellation = result.Value;
        Assert.Equal(registration.TransactionId, cancellation.TransactionId);
        Assert.Equal(registration.ReferenceNo, cancellation.ReferenceNo);
        Assert.Equal(72_500, cancellation.Amount);
        Assert.Equal("Customer changed their mind", cancellation.Description);
        Assert.Equal("SUCCESS", cancellation.ResultMessage);
        Assert.Equal(registeredAt, cancellation.TransactionTime);
        Assert.Matches(new Regex("^IONPAYTEST03[0-9]{18}$"), cancellation.CancelTransactionId);

        var ledger = await contract.TransactionAsync(registration.TransactionId);
        Assert.Equal("cancelled", ledger.GetProperty("statusName").GetString());
        Assert.Equal(72_500, ledger.GetProperty("cancelAmount").GetInt64());
        using var payment = await contract.PayAtStoreAsync(registration);
        Assert.Equal(HttpStatusCode.Conflict, payment.StatusCode);
        Assert.Contains("\"cancelled\"", await payment.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CvsPartner.Indomaret)]
    [InlineData(CvsPartner.AlfaGroup)]
    public async Task CancelAsync_Paid_IsRejectedAsAlreadyPaid(CvsPartner partner)
    {
        var registration = await contract.RegisterAsync(partner);
        await contract.PayAndCommitAsync(registration);

        var result = await contract.CancelAsync(registration);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.AlreadyPaid, "9326");
        Assert.Equal("paid", (await contract.TransactionAsync(registration.TransactionId)).GetProperty("statusName").GetString());
    }

    [Fact]
    public async Task CancelAsync_ReadyToCommit_IsRejectedAsAlreadyPaid()
    {
        var registration = await contract.RegisterAsync(CvsPartner.AlfaGroup);
        await contract.PayAsync(registration);

        var result = await contract.CancelAsync(registration);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.AlreadyPaid, "9326");
        Assert.Equal("ready-to-commit", (await contract.TransactionAsync(registration.TransactionId)).GetProperty("statusName").GetString());
    }

    [Fact]
    public async Task CancelAsync_AlreadyCancelled_IsRejectedAsCannotCancel()
    {
        var registration = await contract.RegisterAsync();
        Assert.True((await contract.CancelAsync(registration)).IsSuccess);

        var result = await contract.CancelAsync(registration);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.CannotCancel, "9314");
    }

    [Fact]
    public async Task CancelAsync_Expired_IsRejectedAsCannotCancel()
    {
        var registration = await contract.RegisterAsync(validUntil: contract.SandboxNow.AddMinutes(30));
        contract.SandboxClock.Advance(TimeSpan.FromMinutes(30));

        var result = await contract.CancelAsync(registration);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.CannotCancel, "9314");
        Assert.Equal("expired", (await contract.TransactionAsync(registration.TransactionId)).GetProperty("statusName").GetString());
    }

    [Fact]
    public async Task CancelAsync_AmountOtherThanRegistered_IsRejectedAsCannotCancelAndTheCodeStaysPayable()
    {
        var registration = await contract.RegisterAsync(amount: 150_000);

        var result = await contract.CancelAsync(registration, amount: 100_000);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.CannotCancel, "9319");
        Assert.Equal("unpaid", (await contract.TransactionAsync(registration.TransactionId)).GetProperty("statusName").GetString());
        await contract.PayAsync(registration);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task CancelAsync_AmountNotPositive_IsRefusedBeforeSending(long amount)
    {
        // The sandbox would answer 9321 (CannotCancel) for 0; the client never sends it.
        var registration = await contract.RegisterAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => contract.CancelAsync(registration, amount: amount));
    }

    [Fact]
    public async Task CancelAsync_UnknownTransactionId_IsRejectedAsTransactionNotFound()
    {
        var result = await contract.Client.CancelAsync(
            ContractFixture.Demo, new CvsCancelRequest("IONPAYTEST03202503101000009999", 150_000));

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.TransactionNotFound, "9528");
    }

    [Fact]
    public async Task CancelAsync_AnotherMerchantsTransaction_IsRejectedAsTransactionNotFound()
    {
        var registration = await contract.RegisterAsync();

        var result = await contract.CancelAsync(registration, credentials: ContractFixture.NoDuplicateCheck);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.TransactionNotFound, "9528");
        Assert.Equal("unpaid", (await contract.TransactionAsync(registration.TransactionId)).GetProperty("statusName").GetString());
    }

    [Fact]
    public async Task CancelAsync_WrongMerchantKey_IsRejectedAsInvalidMerchantToken()
    {
        var registration = await contract.RegisterAsync();

        var result = await contract.CancelAsync(registration, credentials: new NicepayCredentials(ContractFixture.Demo.IMid, "not-the-demo-key"));

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.InvalidMerchantToken, "9010");
        Assert.Equal("unpaid", (await contract.TransactionAsync(registration.TransactionId)).GetProperty("statusName").GetString());
    }

    [Fact]
    public async Task CancelAsync_AnswerLostAfterCommit_IsUnknownAndAnInquiryShowsItCancelled()
    {
        var registration = await contract.RegisterAsync();
        var fault = await contract.AddFaultAsync(new { operation = "cancel", kind = "timeout-after-commit", count = 1, match = new { tXid = registration.TransactionId } });

        var result = await contract.CancelAsync(registration);

        // The retry after the lost answer meets 9314 "already cancelled": only the echo of the first attempt, so Unknown.
        RegistrationFaultTests.AssertUnknown(result, NicepayFailureKind.Timeout);
        Assert.Equal(1, await contract.FaultFiredAsync(fault));
        var status = await contract.StatusOfAsync(registration);
        Assert.Equal(CvsTransactionStatus.Expired, status.Status);
        Assert.Equal("canceled", status.ResultMessage);
        Assert.Equal(registration.Amount, status.CancelAmount);
    }

    [Fact]
    public async Task CancelAsync_TimingOutOnEveryAttempt_IsUnknownTimeoutAndNothingChanges()
    {
        var registration = await contract.RegisterAsync();
        var fault = await contract.AddFaultAsync(new { operation = "cancel", kind = "timeout", match = new { tXid = registration.TransactionId } });

        var result = await contract.CancelAsync(registration);

        RegistrationFaultTests.AssertUnknown(result, NicepayFailureKind.Timeout);
        Assert.Equal(ContractFixture.ClientOptions.CancelMaxAttempts, await contract.FaultFiredAsync(fault));
        Assert.Equal("unpaid", (await contract.TransactionAsync(registration.TransactionId)).GetProperty("statusName").GetString());
    }

    [Fact]
    public async Task CancelAsync_FailingOnce_IsRetriedAndSucceeds()
    {
        var registration = await contract.RegisterAsync();
        var fault = await contract.AddFaultAsync(new { operation = "cancel", kind = "fail", count = 1, match = new { tXid = registration.TransactionId } });

        var result = await contract.CancelAsync(registration);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(1, await contract.FaultFiredAsync(fault));
        Assert.Equal("cancelled", (await contract.TransactionAsync(registration.TransactionId)).GetProperty("statusName").GetString());
    }

    [Fact]
    public async Task CancelAsync_GatewayBusy_IsRejectedAsRetryableGatewayBusyAndNothingChanges()
    {
        var registration = await contract.RegisterAsync();
        var fault = await contract.AddFaultAsync(new { operation = "cancel", kind = "busy", match = new { tXid = registration.TransactionId } });

        var result = await contract.CancelAsync(registration);

        RegistrationRejectionTests.AssertRejected(result, NicepayRejectionReason.GatewayBusy, "9002");
        Assert.True(result.Rejection!.IsRetryable);
        Assert.Equal(1, await contract.FaultFiredAsync(fault));
        Assert.Equal("unpaid", (await contract.TransactionAsync(registration.TransactionId)).GetProperty("statusName").GetString());
    }

    [Fact]
    public async Task CancelAsync_ConnectionRefused_IsNotSent()
    {
        var result = await contract.UnreachableClient.CancelAsync(
            ContractFixture.Demo, new CvsCancelRequest("IONPAYTEST03202503101000009999", 150_000));

        Assert.Equal(NicepayOutcome.NotSent, result.Outcome);
        Assert.Equal(NicepayFailureKind.ConnectionRefused, result.Failure!.Kind);
    }
}
