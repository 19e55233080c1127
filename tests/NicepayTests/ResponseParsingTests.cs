namespace Orchestrator.Nicepay.Tests;

public sealed class ResponseParsingTests
{
    private static readonly DateTimeOffset ValidUntil = new(2022, 12, 3, 8, 28, 1, TimeSpan.Zero);

    [Fact]
    public async Task RegisterAsync_WithDocumented2018Response_MapsRegistration()
    {
        // Contract §3, 2018 docs example: VA fields and the echoes are null.
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways("""
            {
              "resultCd": "0000", "resultMsg": "SUCCESS", "tXid": "IONPAYTEST03201804191327346753", "referenceNo": "ORD12345",
              "payMethod": "03", "amt": "10000", "transDt": "20180419", "transTm": "132734", "description": "Transaction Description",
              "bankCd": null, "vacctNo": null, "mitraCd": "ALMA", "payNo": "191327346753", "currency": null, "goodsNm": null,
              "billingNm": null, "vacctValidDt": null, "vacctValidTm": null, "payValidDt": null, "payValidTm": null
            }
            """);

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration("ORD12345", 10000));

        Assert.True(result.IsSuccess, result.ToString());
        var registration = result.Value;
        Assert.Equal("IONPAYTEST03201804191327346753", registration.TransactionId);
        Assert.Equal("ORD12345", registration.ReferenceNo);
        Assert.Equal(10000, registration.Amount);
        Assert.Equal(CvsPartner.AlfaGroup, registration.Partner);
        Assert.Equal("191327346753", registration.PaymentCode);
        Assert.Null(registration.ValidUntil);
        Assert.Equal(new DateTimeOffset(2018, 4, 19, 13, 27, 34, JakartaTime.Offset), registration.TransactionTime);
        Assert.Equal("IDR", registration.Currency);
        Assert.Equal("Transaction Description", registration.Description);
        Assert.Equal("SUCCESS", registration.ResultMessage);
    }

    [Fact]
    public async Task RegisterAsync_WithNumericJsonValues_AcceptsThem()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways("""
            {"resultCd":0,"resultMsg":"SUCCESS","tXid":"IONPAYTEST03202212021528011234","amt":5000,"mitraCd":"ALMA",
             "payNo":191327346753,"transDt":20221202,"transTm":152801,"payValidDt":20221209,"payValidTm":235959}
            """);

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(5000, result.Value.Amount);
        Assert.Equal("191327346753", result.Value.PaymentCode);
        Assert.Equal(new DateTimeOffset(2022, 12, 2, 15, 28, 1, JakartaTime.Offset), result.Value.TransactionTime);
        Assert.Equal(new DateTimeOffset(2022, 12, 9, 23, 59, 59, JakartaTime.Offset), result.Value.ValidUntil);
    }

    [Fact]
    public async Task RegisterAsync_WithMissingEchoes_FallsBackToRequest()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways("""{"resultCd":"0000","tXid":"IONPAYTEST03202212021528011234","payNo":"021528011234"}""");
        var request = Demo.Registration() with { Partner = CvsPartner.Indomaret, ValidUntil = ValidUntil.AddTicks(1234) };

        var result = await host.Client.RegisterAsync(Demo.Credentials, request);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("Order12345", result.Value.ReferenceNo);
        Assert.Equal(5000, result.Value.Amount);
        Assert.Equal(CvsPartner.Indomaret, result.Value.Partner);
        Assert.Equal(ValidUntil, result.Value.ValidUntil);
        Assert.Null(result.Value.TransactionTime);
        Assert.Null(result.Value.ResultMessage);
    }

    [Fact]
    public async Task RegisterAsync_WithExtraFieldsAndEmptyStrings_IgnoresThem()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways("""
            {"resultCd":"0000","resultMsg":"SUCCESS","tXid":"IONPAYTEST03202212021528011234","referenceNo":"Order12345",
             "amt":"5000","payNo":"021528011234","mitraCd":"","payValidDt":"","payValidTm":"","description":"  ",
             "somethingNew":{"nested":[1,2,3]},"flag":true,"vacctNo":null}
            """);

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(CvsPartner.AlfaGroup, result.Value.Partner);
        Assert.Null(result.Value.ValidUntil);
        Assert.Null(result.Value.Description);
    }

    [Theory]
    [InlineData("""{"resultCd":"0000","tXid":"IONPAYTEST03202212021528011234"}""")]
    [InlineData("""{"resultCd":"0000","payNo":"021528011234"}""")]
    [InlineData("""{"resultCd":"0000","tXid":"T","payNo":"1","amt":"50000"}""")]
    [InlineData("""{"resultCd":"0000","tXid":"T","payNo":"1","amt":"5000.5"}""")]
    [InlineData("""{"resultCd":"0000","tXid":"T","payNo":"1","referenceNo":"Order99999"}""")]
    [InlineData("""{"resultCd":"0000","tXid":"T","payNo":"1","mitraCd":"INDO"}""")]
    public async Task RegisterAsync_WithIncompleteOrForeignSuccess_ReturnsUnknownInvalidResponse(string body)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(body);

        var result = await host.Client.RegisterAsync(Demo.Credentials, Demo.Registration());

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.Equal(NicepayFailureKind.InvalidResponse, result.Failure!.Kind);
    }

    [Fact]
    public async Task InquireAsync_WithDocumentedExampleResponse_MapsStatus()
    {
        // Contract §6.1, the illustrative CVS inquiry response.
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways("""
            {
              "resultCd": "0000", "resultMsg": "unpaid", "tXid": "IONPAYTEST03201804191327346753", "iMid": "IONPAYTEST",
              "referenceNo": "ORD12345", "payMethod": "03", "amt": "10000", "cancelAmt": null, "reqDt": "20180419", "reqTm": "132734",
              "transDt": null, "transTm": null, "depositDt": null, "depositTm": null, "currency": "IDR",
              "goodsNm": "Test Transaction Nicepay", "billingNm": "Customer Name", "status": "3", "mitraCd": "ALMA",
              "payNo": "191327346753", "payValidDt": "20180426", "payValidTm": "132734", "receiptCode": null, "mRefNo": null
            }
            """);

        var result = await host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest("IONPAYTEST03201804191327346753", "ORD12345", 10000));

        Assert.True(result.IsSuccess, result.ToString());
        var status = result.Value;
        Assert.Equal("IONPAYTEST03201804191327346753", status.TransactionId);
        Assert.Equal("ORD12345", status.ReferenceNo);
        Assert.Equal(10000, status.Amount);
        Assert.Null(status.CancelAmount);
        Assert.Equal(CvsTransactionStatus.Unpaid, status.Status);
        Assert.Equal("3", status.RawStatus);
        Assert.Equal("unpaid", status.ResultMessage);
        Assert.Equal("191327346753", status.PaymentCode);
        Assert.Equal(CvsPartner.AlfaGroup, status.Partner);
        Assert.Equal(new DateTimeOffset(2018, 4, 26, 13, 27, 34, JakartaTime.Offset), status.ValidUntil);
        Assert.Equal(new DateTimeOffset(2018, 4, 19, 13, 27, 34, JakartaTime.Offset), status.RequestedAt);
        Assert.Null(status.TransactionTime);
        Assert.Null(status.DepositedAt);
        Assert.Null(status.ReceiptCode);
        Assert.Equal("IDR", status.Currency);
        Assert.Equal("Test Transaction Nicepay", status.GoodsName);
        Assert.Equal("Customer Name", status.BillingName);
    }

    [Theory]
    [InlineData("0", CvsTransactionStatus.Paid)]
    [InlineData("1", CvsTransactionStatus.Reversed)]
    [InlineData("3", CvsTransactionStatus.Unpaid)]
    [InlineData("4", CvsTransactionStatus.Expired)]
    [InlineData("5", CvsTransactionStatus.ReadyToCommit)]
    [InlineData("03", CvsTransactionStatus.Unpaid)]
    [InlineData("9", CvsTransactionStatus.Unrecognized)]
    [InlineData("paid", CvsTransactionStatus.Unrecognized)]
    public async Task InquireAsync_WithStatusValue_MapsItAndKeepsRawValue(string raw, CvsTransactionStatus expected)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(Demo.InquirySuccess(raw));

        var result = await host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest("IONPAYTEST03201804191327346753", "ORD12345", 10000));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(expected, result.Value.Status);
        Assert.Equal(raw, result.Value.RawStatus);
    }

    [Fact]
    public async Task InquireAsync_WithNumericValuesAndCapitalisedNames_AcceptsThem()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways("""
            {"resultCd":"0000","resultMsg":"paid","tXid":"IONPAYTEST03201804191327346753","referenceNo":"ORD12345",
             "amt":10000,"CancelAmt":0,"status":0,"depositDt":20180420,"depositTm":"090807","receiptCode":"R-1"}
            """);

        var result = await host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest(null, "ORD12345", 10000));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(CvsTransactionStatus.Paid, result.Value.Status);
        Assert.Equal(10000, result.Value.Amount);
        Assert.Equal(0, result.Value.CancelAmount);
        Assert.Equal(new DateTimeOffset(2018, 4, 20, 9, 8, 7, JakartaTime.Offset), result.Value.DepositedAt);
        Assert.Equal("R-1", result.Value.ReceiptCode);
    }

    [Fact]
    public async Task InquireAsync_ByReferenceOnly_TakesTransactionIdFromAnswer()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(Demo.InquirySuccess());

        var result = await host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest("", "ORD12345", 10000));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("IONPAYTEST03201804191327346753", result.Value.TransactionId);
    }

    [Theory]
    [InlineData("""{"resultCd":"0000","tXid":"IONPAYTEST03201804191327346753","referenceNo":"ORD12345"}""")]
    [InlineData("""{"resultCd":"0000","status":"3","referenceNo":"ORD12345"}""")]
    [InlineData("""{"resultCd":"0000","tXid":"IONPAYTEST03209999999999999999","status":"0"}""")]
    public async Task InquireAsync_WithIncompleteOrForeignSuccess_ReturnsUnknownInvalidResponse(string body)
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(body);
        var transactionId = body.Contains("999999", StringComparison.Ordinal) ? "IONPAYTEST03201804191327346753" : null;

        var result = await host.Client.InquireAsync(Demo.Credentials, new CvsInquiryRequest(transactionId, "ORD12345", 10000));

        Assert.Equal(NicepayOutcome.Unknown, result.Outcome);
        Assert.Equal(NicepayFailureKind.InvalidResponse, result.Failure!.Kind);
    }

    [Fact]
    public async Task CancelAsync_WithDocumentedExampleResponse_MapsCancellation()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways(Demo.CancelSuccess());

        var result = await host.Client.CancelAsync(Demo.Credentials, new CvsCancelRequest("IONPAYTEST03202212121030529316", 10000));

        Assert.True(result.IsSuccess, result.ToString());
        var cancellation = result.Value;
        Assert.Equal("IONPAYTEST03202212121030529316", cancellation.TransactionId);
        Assert.Equal("ORD12345", cancellation.ReferenceNo);
        Assert.Equal(10000, cancellation.Amount);
        Assert.Equal(new DateTimeOffset(2022, 12, 12, 10, 30, 52, JakartaTime.Offset), cancellation.TransactionTime);
        Assert.Equal("Request Cancel", cancellation.Description);
        Assert.Null(cancellation.CancelTransactionId);
        Assert.Equal("SUCCESS", cancellation.ResultMessage);
    }

    [Fact]
    public async Task CancelAsync_WithCancelTransactionId_ReadsIt()
    {
        using var host = new NicepayTestHost();
        host.Gateway.AnswerAlways("""{"resultCd":"0000","tXid":"IONPAYTEST03202212121030529316","canceltXid":"IONPAYTEST03202212121040000001"}""");

        var result = await host.Client.CancelAsync(Demo.Credentials, new CvsCancelRequest("IONPAYTEST03202212121030529316", 10000, "ORD12345"));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("IONPAYTEST03202212121040000001", result.Value.CancelTransactionId);
        Assert.Equal("ORD12345", result.Value.ReferenceNo);
    }
}
