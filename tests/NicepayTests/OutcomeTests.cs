using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Nicepay.Tests;

public sealed class OutcomeTests
{
    private static readonly CvsInquiryRequest Inquiry = new("IONPAYTEST03201804191327346753", "ORD12345", 10000);
    private static readonly CvsCancelRequest Cancel = new("IONPAYTEST03202212121030529316", 10000, "ORD12345");

    public static TheoryData<string, NicepayRejectionReason> MappedCodes()
    {
        var data = new TheoryData<string, NicepayRejectionReason>();
        void Add(NicepayRejectionReason reason, params string[] codes)
        {
            foreach (var code in codes)
            {
                data.Add(code, reason);
            }
        }

        Add(NicepayRejectionReason.DuplicateReference, "9009");
        Add(NicepayRejectionReason.InvalidMerchantToken, "9010", "9525");
        Add(NicepayRejectionReason.UnknownMerchant, "9011");
        Add(NicepayRejectionReason.PaymentMethodNotActivated, "9012", "9512", "9521", "9522");
        Add(NicepayRejectionReason.MissingField, "9007", "9013", "9014", "9015", "9016", "9017", "9018", "9019", "9020", "9024", "9025", "9026", "9027", "9028");
        Add(NicepayRejectionReason.InvalidAmount, "9008");
        Add(NicepayRejectionReason.AmountTooSmall, "9509");
        Add(NicepayRejectionReason.InvalidExpiry, "9510", "9511", "9031", "9536");
        Add(NicepayRejectionReason.InvalidCartData, "9022", "9023");
        Add(NicepayRejectionReason.InvalidPartner, "9505");
        Add(NicepayRejectionReason.GatewayBusy, "9002", "9501", "9502", "9504", "9506", "9519", "9520");
        Add(NicepayRejectionReason.PaymentCodeUnavailable, "9503", "9526", "9533");
        Add(NicepayRejectionReason.TransactionNotFound, "9528");
        Add(NicepayRejectionReason.AlreadyPaid, "9326", "9330");
        Add(NicepayRejectionReason.CannotCancel, "9301", "9312", "9314", "9319", "9321", "9334");
        Add(NicepayRejectionReason.Other, "9001", "9021", "9029", "9507", "8001");
        return data;
    }

    [Theory]
    [InlineData("1001")]
    [InlineData("1002")]
    [InlineData("1003")]
    [InlineData("1004")]
    public async Task RegisterAsync_WithNicepayInternalFailureCode_IsUnknownNotRejected(string code)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways($$"""{"resultCd":"{{code}}","resultMsg":"timeout error"}""");

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.Equal(NicepayFailureKind.ServerError, result.Failure!.Kind);
        Assert.Contains(code, result.Failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InquireAsync_WithNicepayInternalFailureCode_IsARejection()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways("""{"resultCd":"1003","resultMsg":"server error"}""");

        var result = await host.Client.InquireAsync(Demo.Credentials, Inquiry);

        Assert.Equal(NicepayOutcome.Rejected, result.Outcome);
        Assert.Equal(NicepayRejectionReason.Other, result.Rejection!.Reason);
    }

    [Fact]
    public async Task RegisterAsync_WithResultCode0000_Succeeds()
    {
        using var host = new NicepayTestHost();

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.Succeeded, result.Outcome);
        Assert.True(result.IsSuccess);
        Assert.False(result.DidNotHappen);
        Assert.Equal("021528011234", result.Value.PaymentCode);
        Assert.Null(result.Rejection);
        Assert.Null(result.Failure);
    }

    [Theory]
    [MemberData(nameof(MappedCodes))]
    public async Task RegisterAsync_WithErrorResultCode_ReturnsRejectedWithMappedReason(string code, NicepayRejectionReason reason)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(Demo.Rejection(code, "Some NICEPAY text"));

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.Rejected, result.Outcome);
        Assert.True(result.DidNotHappen);
        Assert.Equal(new NicepayRejection(code, reason, "Some NICEPAY text"), result.Rejection);
        Assert.Equal(reason == NicepayRejectionReason.GatewayBusy, result.Rejection!.IsRetryable);
        Assert.Single(host.Gateway.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task RegisterAsync_WithRejectionInErrorStatusBody_ReturnsRejected(HttpStatusCode status)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(Demo.Rejection("9010", "Invalid Merchant Token"), status);

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.Rejected, result.Outcome);
        Assert.Equal(NicepayRejectionReason.InvalidMerchantToken, result.Rejection!.Reason);
    }

    [Theory]
    [InlineData("<html><body>Bad gateway</body></html>")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"message":"ok"}""")]
    [InlineData("""{"resultCd":"0000","tXid":""")]
    public async Task RegisterAsync_WithUnreadableBodyOnHttp200_ReturnsUnknownInvalidResponse(string body)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(body);

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.False(result.DidNotHappen);
        Assert.Equal(new NicepayFailureKind?(NicepayFailureKind.InvalidResponse), result.Failure?.Kind);
        Assert.Equal(200, result.Failure!.HttpStatus);
    }

    [Fact]
    public async Task RegisterAsync_WhenNoAnswerWithinTimeout_ReturnsUnknownTimeoutAfterOneAttempt()
    {
        using var host = new NicepayTestHost(new Dictionary<string, string?> { ["RegistrationTimeout"] = "00:00:05" });
        host.Gateway.Respond = (_, cancellationToken) => FakeNicepay.NeverAnswer(cancellationToken);

        var call = host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());
        await host.Gateway.FirstRequest;
        host.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(call.IsCompleted, "the registration ended before its timeout");
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var result = await call;

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.Equal(NicepayFailureKind.Timeout, result.Failure!.Kind);
        Assert.Single(host.Gateway.Requests);
    }

    [Fact]
    public async Task RegisterAsync_WhenConnectionRefused_ReturnsNotSent()
    {
        using var host = new NicepayTestHost(
            new Dictionary<string, string?> { ["BaseUrl"] = $"http://127.0.0.1:{ClosedLoopbackPort()}" }, realNetwork: true);

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.NotSent, result.Outcome);
        Assert.True(result.DidNotHappen);
        Assert.Equal(NicepayFailureKind.ConnectionRefused, result.Failure!.Kind);
    }

    [Fact]
    public async Task RegisterAsync_WhenConnectionRefused_RetriesOnlyUpToConnectAttempts()
    {
        using var host = new NicepayTestHost(new Dictionary<string, string?> { ["RegistrationMaxConnectAttempts"] = "3" });
        host.Gateway.AnswerInSequence(FakeNicepay.Fail(HttpRequestError.ConnectionError));

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.NotSent, result.Outcome);
        Assert.Equal(3, host.Gateway.Requests.Count);
    }

    [Fact]
    public async Task RegisterAsync_WhenConnectionRefusedThenAnswered_Succeeds()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerInSequence(FakeNicepay.Fail(HttpRequestError.ConnectionError), FakeNicepay.Answer(Demo.RegistrationSuccess()));

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.Succeeded, result.Outcome);
        Assert.Equal(2, host.Gateway.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task RegisterAsync_WhenServerError_ReturnsUnknownWithoutRetry(HttpStatusCode status)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways("<html>error</html>", status);

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.Equal(NicepayFailureKind.ServerError, result.Failure!.Kind);
        Assert.Equal((int)status, result.Failure.HttpStatus);
        Assert.Single(host.Gateway.Requests);
    }

    [Fact]
    public async Task RegisterAsync_WhenConnectionLostAfterSending_ReturnsUnknownWithoutRetry()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerInSequence(FakeNicepay.Fail(HttpRequestError.ResponseEnded));

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.Equal(NicepayFailureKind.ConnectionLost, result.Failure!.Kind);
        Assert.Single(host.Gateway.Requests);
    }

    [Fact]
    public async Task RegisterAsync_WhenCallerCancels_ThrowsOperationCanceled()
    {
        using var host = new NicepayTestHost();
        using var cancellation = new CancellationTokenSource();
        host.Gateway.Respond = (_, cancellationToken) => FakeNicepay.NeverAnswer(cancellationToken);

        var call = host.Client.RegisterAsync(Demo.Credentials, Demo.Registration(), cancellation.Token);
        await host.Gateway.FirstRequest;
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task InquireAsync_WhenServerErrorPersists_RetriesMaxAttemptsThenReturnsUnknown()
    {
        using var host = new NicepayTestHost(new Dictionary<string, string?> { ["InquiryMaxAttempts"] = "4" });
        host.Gateway.AnswerAlways("Service Unavailable", HttpStatusCode.ServiceUnavailable);

        var result = await host.Client.InquireAsync(Demo.Credentials, Inquiry);

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.Equal(NicepayFailureKind.ServerError, result.Failure!.Kind);
        Assert.Equal(503, result.Failure.HttpStatus);
        Assert.Equal(4, host.Gateway.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task InquireAsync_WhenTransientStatusThenAnswered_Succeeds(HttpStatusCode status)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerInSequence(FakeNicepay.Answer("busy", status), FakeNicepay.Answer(Demo.InquirySuccess("0")));

        var result = await host.Client.InquireAsync(Demo.Credentials, Inquiry);

        Assert.Equal(NicepayOutcome.Succeeded, result.Outcome);
        Assert.Equal(CvsTransactionStatus.Paid, result.Value!.Status);
        Assert.Equal(2, host.Gateway.Requests.Count);
    }

    [Fact]
    public async Task InquireAsync_WhenAttemptTimesOut_RetriesAndSucceeds()
    {
        using var host = new NicepayTestHost(new Dictionary<string, string?> { ["InquiryAttemptTimeout"] = "00:00:04" });
        host.Gateway.AnswerInSequence(FakeNicepay.NeverAnswer, FakeNicepay.Answer(Demo.InquirySuccess()));

        var call = host.Client.InquireAsync(Demo.Credentials, Inquiry);
        await host.Gateway.FirstRequest;
        host.Time.Advance(TimeSpan.FromSeconds(4));
        var result = await call;

        Assert.Equal(NicepayOutcome.Succeeded, result.Outcome);
        Assert.Equal(2, host.Gateway.Requests.Count);
    }

    [Fact]
    public async Task InquireAsync_WhenBudgetRunsOut_ReturnsUnknownTimeout()
    {
        using var host = new NicepayTestHost(new Dictionary<string, string?>
        {
            ["InquiryAttemptTimeout"] = "00:00:10",
            ["InquiryTotalBudget"] = "00:00:10",
        });
        host.Gateway.Respond = (_, cancellationToken) => FakeNicepay.NeverAnswer(cancellationToken);

        var call = host.Client.InquireAsync(Demo.Credentials, Inquiry);
        await host.Gateway.FirstRequest;
        host.Time.Advance(TimeSpan.FromSeconds(10));
        var result = await call;

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.Equal(NicepayFailureKind.Timeout, result.Failure!.Kind);
        Assert.Single(host.Gateway.Requests);
    }

    [Fact]
    public async Task InquireAsync_WhenRejectedAfterServerError_ReturnsRejected()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerInSequence(FakeNicepay.Answer("oops", HttpStatusCode.BadGateway), FakeNicepay.Answer(Demo.Rejection("9528")));

        var result = await host.Client.InquireAsync(Demo.Credentials, Inquiry);

        Assert.Equal(NicepayOutcome.Rejected, result.Outcome);
        Assert.Equal(NicepayRejectionReason.TransactionNotFound, result.Rejection!.Reason);
    }

    [Fact]
    public async Task InquireAsync_WhenNameNeverResolves_ReturnsNotSentAfterAllAttempts()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerInSequence(FakeNicepay.Fail(HttpRequestError.NameResolutionError));

        var result = await host.Client.InquireAsync(Demo.Credentials, Inquiry);

        Assert.Equal(NicepayOutcome.NotSent, result.Outcome);
        Assert.Equal(NicepayFailureKind.NameResolution, result.Failure!.Kind);
        Assert.Equal(3, host.Gateway.Requests.Count);
    }

    [Fact]
    public async Task InquireAsync_WhenConnectionLostThenRefused_ReturnsUnknown()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerInSequence(FakeNicepay.Fail(HttpRequestError.ResponseEnded), FakeNicepay.Fail(HttpRequestError.ConnectionError));

        var result = await host.Client.InquireAsync(Demo.Credentials, Inquiry);

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.Equal(3, host.Gateway.Requests.Count);
    }

    [Fact]
    public async Task CancelAsync_WhenRejectedOnFirstAttempt_ReturnsRejected()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(Demo.Rejection("9326", "can not be canceled after purchase"));

        var result = await host.Client.CancelAsync(Demo.Credentials, Cancel);

        Assert.Equal(NicepayOutcome.Rejected, result.Outcome);
        Assert.Equal(NicepayRejectionReason.AlreadyPaid, result.Rejection!.Reason);
    }

    [Fact]
    public async Task CancelAsync_WhenRejectedAfterUnansweredAttempt_ReturnsUnknown()
    {
        // The first attempt may have cancelled the code; "cannot cancel" from the retry may only be the echo of that.
        using var host = new NicepayTestHost();
        host.Gateway.AnswerInSequence(FakeNicepay.Answer("", HttpStatusCode.GatewayTimeout), FakeNicepay.Answer(Demo.Rejection("9314")));

        var result = await host.Client.CancelAsync(Demo.Credentials, Cancel);

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.False(result.DidNotHappen);
        Assert.Equal(NicepayFailureKind.ServerError, result.Failure!.Kind);
        Assert.Contains("9314", result.Failure.Detail, StringComparison.Ordinal);
        Assert.Equal(2, host.Gateway.Requests.Count);
    }

    [Fact]
    public async Task CancelAsync_WhenServerErrorThenAnswered_Succeeds()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerInSequence(FakeNicepay.Answer("", HttpStatusCode.InternalServerError), FakeNicepay.Answer(Demo.CancelSuccess()));

        var result = await host.Client.CancelAsync(Demo.Credentials, Cancel);

        Assert.Equal(NicepayOutcome.Succeeded, result.Outcome);
        Assert.Equal(2, host.Gateway.Requests.Count);
    }

    [Fact]
    public void Result_Flags_DistinguishDidNotHappenFromUnknown()
    {
        var failure = new NicepayFailure(NicepayFailureKind.Timeout, "timeout");

        Assert.True(NicepayResult<CvsStatus>.Rejected(NicepayRejection.FromResultCode("9009", "dup")).DidNotHappen);
        Assert.True(NicepayResult<CvsStatus>.NotSent(failure).DidNotHappen);
        Assert.False(NicepayResult<CvsStatus>.Unknown(failure).DidNotHappen);
        Assert.True(NicepayResult<CvsStatus>.Unknown(failure).IsUnknown);
    }

    /// <summary>A loopback port nobody listens on: bound, read, then released.</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
