using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orchestrator.NicepaySandbox.Faults;
using Orchestrator.NicepaySandbox.Hosting;
using Orchestrator.NicepaySandbox.Ledger;

namespace Orchestrator.NicepaySandbox.Nicepay;

/// <summary>What the NICEPAY endpoints need.</summary>
internal sealed record NicepayServices(
    TransactionLedger Ledger,
    FaultRegistry Faults,
    IOptionsMonitor<SandboxOptions> Options,
    TimeProvider Time,
    IHostApplicationLifetime Lifetime);

/// <summary>
/// NICEPAY's three V2 direct endpoints for CVS. They answer like NICEPAY: HTTP 200 JSON with <c>resultCd</c> and
/// <c>resultMsg</c>, errors included. Handlers return <see cref="IResult"/> because a fault can turn any answer into a
/// 5xx page, a held request or a dropped connection, which a typed union would only obscure.
/// </summary>
internal static class NicepayApi
{
    public static RouteGroupBuilder MapNicepayApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/nicepay/direct/v2").WithTags("NICEPAY V2 direct (sandbox)").AllowAnonymous();
        group.MapPost("/registration", RegisterAsync)
            .WithName("NicepaySandboxRegistration")
            .WithSummary("Registers a CVS transaction and returns tXid and payNo.");
        group.MapPost("/inquiry", InquireAsync)
            .WithName("NicepaySandboxInquiry")
            .WithSummary("Answers the status of a transaction, by tXid or (sandbox assumption) by referenceNo.");
        group.MapPost("/cancel", CancelAsync)
            .WithName("NicepaySandboxCancel")
            .WithSummary("Cancels an unpaid payment number.");
        return group;
    }

    public static async Task<IResult> RegisterAsync(HttpContext http, [AsParameters] NicepayServices services)
    {
        var fields = await NicepayFields.ReadAsync(http.Request, http.RequestAborted);
        if (fields is null)
        {
            services.Ledger.CountRegistration("", "", NicepayError.InvalidOrder.ResultCd);
            return Answer(NicepayError.InvalidOrder);
        }

        var iMid = fields.Text("iMid");
        var referenceNo = fields.Text("referenceNo");
        var fault = services.Faults.TryFire(FaultOperation.Registration, new FaultSubject(iMid, referenceNo, null));
        if (fault?.Kind == FaultKinds.Slow && !await WaitAsync(fault.DelayOrDefault, services.Time, http.RequestAborted))
        {
            services.Ledger.CountRegistration(iMid, referenceNo, "client-aborted");
            return Results.Empty;
        }

        switch (fault?.Kind)
        {
            case FaultKinds.Busy:
                services.Ledger.CountRegistration(iMid, referenceNo, NicepayError.ServerBusy.ResultCd);
                return Answer(NicepayError.ServerBusy);
            case FaultKinds.ServerError:
                var status = fault.HttpStatus ?? StatusCodes.Status503ServiceUnavailable;
                services.Ledger.CountRegistration(iMid, referenceNo, $"http-{status}");
                return ErrorPage(status);
            case FaultKinds.Timeout:
                services.Ledger.CountRegistration(iMid, referenceNo, "fault:timeout");
                return await HoldThenAbortAsync(http, fault.DelayOrDefault, services);
        }

        IResult answer;
        if (RegistrationValidator.TryValidate(fields, services.Options.CurrentValue, services.Time.GetUtcNow(), out var command, out var invalid))
        {
            var (created, error) = services.Ledger.Register(command);
            answer = created is not null ? Answer(ToRegistrationResponse(created)) : Answer(error!);
        }
        else
        {
            services.Ledger.CountRegistration(iMid, referenceNo, invalid.ResultCd);
            answer = Answer(invalid);
        }

        switch (fault?.Kind)
        {
            case FaultKinds.TimeoutAfterCommit:
                return await HoldThenAbortAsync(http, fault.DelayOrDefault, services);
            case FaultKinds.ResetAfterCommit:
                http.Abort();
                return Results.Empty;
            default:
                return answer;
        }
    }

    public static async Task<IResult> InquireAsync(HttpContext http, [AsParameters] NicepayServices services)
    {
        var fields = await NicepayFields.ReadAsync(http.Request, http.RequestAborted);
        if (fields is null)
        {
            return Answer(NicepayError.InvalidOrder);
        }

        var settings = services.Options.CurrentValue;
        var iMid = fields.Text("iMid");
        var referenceNo = fields.Text("referenceNo");
        var tXid = fields.Text("tXid").Trim();

        // Looked up first (reads change nothing) so that a fault can match the tXid an inquiry by referenceNo resolves to.
        var found = tXid.Length > 0 ? services.Ledger.Find(tXid)
            : settings.InquiryByReferenceNo ? services.Ledger.FindNewest(iMid, referenceNo)
            : null;
        var fault = services.Faults.TryFire(FaultOperation.Inquiry, new FaultSubject(iMid, referenceNo, found?.TXid ?? tXid));
        if (await ApplyCommonFaultAsync(http, fault, services) is { } faulted)
        {
            return faulted;
        }

        if (!settings.Merchants.TryGetValue(iMid, out var merchant))
        {
            return Answer(NicepayError.InvalidMerchant);
        }

        var expected = MerchantToken.ForRegistrationOrInquiry(fields.Text("timeStamp"), iMid, referenceNo, fields.Text("amt"), merchant.MerchantKey);
        if (!MerchantToken.Matches(expected, fields["merchantToken"]))
        {
            return Answer(NicepayError.InvalidToken);
        }

        if (found is null || found.IMid != iMid)
        {
            return Answer(NicepayError.NotFound);
        }

        if (found.ReferenceNo != referenceNo
            || !RegistrationValidator.TryParseAmount(fields["amt"], out var amount)
            || amount != found.Amount)
        {
            return Answer(NicepayError.NotFoundMismatch);
        }

        var response = ToInquiryResponse(found);
        if (fault?.Kind == FaultKinds.Stale && found.State is TransactionStatus.Paid or TransactionStatus.ReadyToCommit)
        {
            // A replica that has not seen the payment yet: the answer contradicts the notification.
            response = response with
            {
                ResultMsg = TransactionStatus.Unpaid.InquiryWord(),
                Status = TransactionStatus.Unpaid.InquiryCode(settings),
                DepositDt = null,
                DepositTm = null,
                ReceiptCode = null,
            };
        }

        return Answer(response);
    }

    public static async Task<IResult> CancelAsync(HttpContext http, [AsParameters] NicepayServices services)
    {
        var fields = await NicepayFields.ReadAsync(http.Request, http.RequestAborted);
        if (fields is null)
        {
            return Answer(NicepayError.InvalidOrder);
        }

        var iMid = fields.Text("iMid");
        var tXid = fields.Text("tXid").Trim();
        var known = tXid.Length > 0 ? services.Ledger.Find(tXid) : null;
        var fault = services.Faults.TryFire(FaultOperation.Cancel, new FaultSubject(iMid, known?.ReferenceNo, tXid));
        if (await ApplyCommonFaultAsync(http, fault, services) is { } faulted)
        {
            return faulted;
        }

        var answer = Cancel(fields, iMid, tXid, services.Options.CurrentValue, services.Ledger);
        return fault?.Kind == FaultKinds.TimeoutAfterCommit
            ? await HoldThenAbortAsync(http, fault.DelayOrDefault, services)
            : answer;
    }

    private static IResult Cancel(NicepayFields fields, string iMid, string tXid, SandboxOptions settings, TransactionLedger ledger)
    {
        if (!settings.Merchants.TryGetValue(iMid, out var merchant))
        {
            return Answer(NicepayError.InvalidMerchant);
        }

        var expected = MerchantToken.ForCancel(fields.Text("timeStamp"), iMid, fields.Text("tXid"), fields.Text("amt"), merchant.MerchantKey);
        if (!MerchantToken.Matches(expected, fields["merchantToken"]))
        {
            return Answer(NicepayError.InvalidToken);
        }

        // Lenient where the docs' clients differ: payMethod and cancelType are checked only when sent.
        if (fields["payMethod"] is { } payMethod && payMethod != "03")
        {
            return Answer(NicepayError.PayMethodNotActivated);
        }

        if (fields["cancelType"] is { } cancelType && cancelType.Trim() != "1")
        {
            return Answer(NicepayError.InvalidCancelType);
        }

        if (tXid.Length == 0)
        {
            return Answer(NicepayError.NotFound);
        }

        if (!RegistrationValidator.TryParseAmount(fields["amt"], out var amount))
        {
            return Answer(NicepayError.CancelAmountMissing);
        }

        var (cancelled, error) = ledger.Cancel(iMid, tXid, amount);
        if (cancelled is null)
        {
            return Answer(error!);
        }

        return Answer(new CancelResponse
        {
            TXid = cancelled.TXid,
            ReferenceNo = cancelled.ReferenceNo,
            TransDt = JakartaTime.Date(cancelled.CreatedAt),
            TransTm = JakartaTime.Time(cancelled.CreatedAt),
            Description = fields["cancelMsg"],
            Amt = Amt(cancelled.Amount),
            CancelTXid = cancelled.CancelTXid ?? cancelled.TXid,
        });
    }

    /// <summary>The faults inquiry and cancel share; null when the request goes on normally.</summary>
    private static async Task<IResult?> ApplyCommonFaultAsync(HttpContext http, FaultView? fault, NicepayServices services)
    {
        if (fault?.Kind == FaultKinds.Slow)
        {
            return await WaitAsync(fault.DelayOrDefault, services.Time, http.RequestAborted) ? null : Results.Empty;
        }

        switch (fault?.Kind)
        {
            case FaultKinds.Busy:
                return Answer(NicepayError.ServerBusy);
            case FaultKinds.Fail:
                return ErrorPage(fault.HttpStatus ?? StatusCodes.Status500InternalServerError);
            case FaultKinds.Timeout:
                return await HoldThenAbortAsync(http, fault.DelayOrDefault, services);
            default:
                return null;
        }
    }

    private static RegistrationResponse ToRegistrationResponse(TransactionView tx) => new()
    {
        TXid = tx.TXid,
        ReferenceNo = tx.ReferenceNo,
        Amt = Amt(tx.Amount),
        TransDt = JakartaTime.Date(tx.CreatedAt),
        TransTm = JakartaTime.Time(tx.CreatedAt),
        Description = tx.Description,
        MitraCd = tx.MitraCd,
        PayNo = tx.PayNo,
        Currency = tx.Currency,
        GoodsNm = tx.GoodsNm,
        BillingNm = tx.BillingNm,
        PayValidDt = tx.PayValidDt,
        PayValidTm = tx.PayValidTm,
    };

    private static InquiryResponse ToInquiryResponse(TransactionView tx) => new()
    {
        ResultMsg = tx.State.InquiryWord(),
        TXid = tx.TXid,
        IMid = tx.IMid,
        ReferenceNo = tx.ReferenceNo,
        Amt = Amt(tx.Amount),
        CancelAmt = tx.CancelAmount is { } cancelled ? Amt(cancelled) : null,
        ReqDt = JakartaTime.Date(tx.CreatedAt),
        ReqTm = JakartaTime.Time(tx.CreatedAt),
        TransDt = JakartaTime.Date(tx.CreatedAt),
        TransTm = JakartaTime.Time(tx.CreatedAt),
        DepositDt = tx.PaidAt is { } paid ? JakartaTime.Date(paid) : null,
        DepositTm = tx.PaidAt is { } paidTime ? JakartaTime.Time(paidTime) : null,
        Currency = tx.Currency,
        GoodsNm = tx.GoodsNm,
        BillingNm = tx.BillingNm,
        Status = tx.Status,
        MitraCd = tx.MitraCd,
        PayNo = tx.PayNo,
        PayValidDt = tx.PayValidDt,
        PayValidTm = tx.PayValidTm,
        ReceiptCode = tx.PaidAt is not null && tx.Payments.Count > 0 ? tx.Payments[^1].ReceiptCode : null,
    };

    private static string Amt(long amount) => amount.ToString(CultureInfo.InvariantCulture);

    private static JsonHttpResult<T> Answer<T>(T body) => TypedResults.Json(body, SandboxJson.Nicepay);

    /// <summary>What a load balancer in front of a gateway shows when the application behind it fails.</summary>
    private static ContentHttpResult ErrorPage(int status) => TypedResults.Text(
        $"<html><head><title>{status}</title></head><body><h1>{status} Error</h1><p>NICEPAY sandbox fault</p></body></html>",
        "text/html",
        statusCode: status);

    /// <summary>False when the client gave up while we waited.</summary>
    private static async Task<bool> WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(delay, time, aborted);
            return true;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Holds the request like a gateway that never answers, then drops the connection; no answer is ever sent. The hold
    /// ends early when the client gives up or the host stops (so a held request never delays shutdown).
    /// </summary>
    private static async Task<IResult> HoldThenAbortAsync(HttpContext http, TimeSpan hold, NicepayServices services)
    {
        using var holding = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, services.Lifetime.ApplicationStopping);
        await WaitAsync(hold, services.Time, holding.Token);
        http.Abort();
        return Results.Empty;
    }
}
