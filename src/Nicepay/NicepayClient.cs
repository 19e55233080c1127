using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Orchestrator.Nicepay;

/// <summary>
/// The <see cref="INicepayClient"/> over the three named HttpClients. It builds and signs each body, sends it
/// through the operation's pipeline, and turns whatever came back (or did not) into a <see cref="NicepayResult{T}"/>.
/// </summary>
internal sealed class NicepayClient(
    IHttpClientFactory httpClientFactory,
    IOptions<NicepayOptions> options,
    TimeProvider timeProvider,
    ILogger<NicepayClient> logger) : INicepayClient
{
    private readonly Uri _baseUrl = options.Value.BaseUrl
        ?? throw new InvalidOperationException($"{NicepayOptions.SectionName}:{nameof(NicepayOptions.BaseUrl)} is not configured.");

    public Task<NicepayResult<CvsRegistration>> RegisterAsync(
        NicepayCredentials credentials, CvsRegistrationRequest request, CancellationToken cancellationToken = default)
    {
        ValidateCredentials(credentials);
        ValidateRegistration(request);

        var timeStamp = JakartaTime.ToTimeStamp(timeProvider.GetUtcNow());
        var amount = FormatAmount(request.Amount);
        var token = MerchantToken.ForRegistration(timeStamp, credentials.IMid, request.ReferenceNo, amount, credentials.MerchantKey);
        var body = new RegistrationBody
        {
            TimeStamp = timeStamp,
            IMid = credentials.IMid,
            Amount = amount,
            ReferenceNo = request.ReferenceNo,
            GoodsName = request.GoodsName,
            BillingName = request.Billing.Name,
            BillingPhone = request.Billing.Phone,
            BillingEmail = request.Billing.Email,
            BillingAddress = request.Billing.Address,
            BillingCity = request.Billing.City,
            BillingState = request.Billing.State,
            BillingPostCode = request.Billing.PostCode,
            BillingCountry = request.Billing.Country,
            DeliveryName = request.Delivery?.Name,
            DeliveryPhone = request.Delivery?.Phone,
            DeliveryAddress = request.Delivery?.Address,
            DeliveryCity = request.Delivery?.City,
            DeliveryState = request.Delivery?.State,
            DeliveryPostCode = request.Delivery?.PostCode,
            DeliveryCountry = request.Delivery?.Country,
            CartData = CartData(request.Cart),
            MitraCode = MitraCodes.ToCode(request.Partner),
            PayValidDate = request.ValidUntil is { } validUntil ? JakartaTime.ToDate(validUntil) : string.Empty,
            PayValidTime = request.ValidUntil is { } validUntilTime ? JakartaTime.ToTime(validUntilTime) : string.Empty,
            MerchantFixedAccountId = request.MerchantFixedAccountId,
            NotificationUrl = request.NotificationUrl.AbsoluteUri,
            CallbackUrl = request.CallbackUrl?.AbsoluteUri,
            UserIp = request.UserIp,
            Description = request.Description,
            Vat = FormatOptionalAmount(request.Vat),
            Fee = FormatOptionalAmount(request.Fee),
            NoTaxAmount = FormatOptionalAmount(request.NoTaxAmount),
            RequestDomain = request.RequestDomain,
            RequestServerIp = request.RequestServerIp,
            RequestClientVersion = request.RequestClientVersion,
            UserSessionId = request.UserSessionId,
            UserAgent = request.UserAgent,
            UserLanguage = request.UserLanguage,
            MerchantToken = token,
        };

        var call = new NicepayCall(NicepayOperation.Registration, credentials.IMid, request.ReferenceNo, null, credentials.MerchantKey, token);
        return SendAsync(
            call,
            NicepayHttpClientNames.Registration,
            NicepayWire.RegistrationPath,
            JsonSerializer.SerializeToUtf8Bytes(body, NicepayJsonContext.Default.RegistrationBody),
            fields => MapRegistration(fields, request),
            cancellationToken);
    }

    public Task<NicepayResult<CvsStatus>> InquireAsync(
        NicepayCredentials credentials, CvsInquiryRequest request, CancellationToken cancellationToken = default)
    {
        ValidateCredentials(credentials);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.ReferenceNo);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Amount);

        var timeStamp = JakartaTime.ToTimeStamp(timeProvider.GetUtcNow());
        var amount = FormatAmount(request.Amount);
        var token = MerchantToken.ForInquiry(timeStamp, credentials.IMid, request.ReferenceNo, amount, credentials.MerchantKey);
        var body = new InquiryBody
        {
            TimeStamp = timeStamp,
            TransactionId = request.TransactionId ?? string.Empty,
            IMid = credentials.IMid,
            ReferenceNo = request.ReferenceNo,
            Amount = amount,
            MerchantToken = token,
        };

        var call = new NicepayCall(
            NicepayOperation.Inquiry, credentials.IMid, request.ReferenceNo, request.TransactionId, credentials.MerchantKey, token);
        return SendAsync(
            call,
            NicepayHttpClientNames.Inquiry,
            NicepayWire.InquiryPath,
            JsonSerializer.SerializeToUtf8Bytes(body, NicepayJsonContext.Default.InquiryBody),
            fields => MapStatus(fields, request),
            cancellationToken);
    }

    public Task<NicepayResult<CvsCancellation>> CancelAsync(
        NicepayCredentials credentials, CvsCancelRequest request, CancellationToken cancellationToken = default)
    {
        ValidateCredentials(credentials);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TransactionId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Amount);

        var timeStamp = JakartaTime.ToTimeStamp(timeProvider.GetUtcNow());
        var amount = FormatAmount(request.Amount);
        var token = MerchantToken.ForCancel(timeStamp, credentials.IMid, request.TransactionId, amount, credentials.MerchantKey);
        var body = new CancelBody
        {
            TimeStamp = timeStamp,
            TransactionId = request.TransactionId,
            IMid = credentials.IMid,
            CancelMessage = request.Reason,
            Amount = amount,
            CancelServerIp = request.CancelServerIp,
            CancelUserId = request.CancelUserId,
            CancelUserIp = request.CancelUserIp,
            CancelUserInfo = request.CancelUserInfo,
            Worker = request.Worker,
            MerchantToken = token,
        };

        var call = new NicepayCall(
            NicepayOperation.Cancel, credentials.IMid, request.ReferenceNo, request.TransactionId, credentials.MerchantKey, token);
        return SendAsync(
            call,
            NicepayHttpClientNames.Cancel,
            NicepayWire.CancelPath,
            JsonSerializer.SerializeToUtf8Bytes(body, NicepayJsonContext.Default.CancelBody),
            fields => MapCancellation(fields, request),
            cancellationToken);
    }

    private async Task<NicepayResult<T>> SendAsync<T>(
        NicepayCall call,
        string clientName,
        string path,
        byte[] body,
        Func<NicepayFields, Mapped<T>> map,
        CancellationToken cancellationToken)
        where T : class
    {
        var started = timeProvider.GetTimestamp();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, NicepayWire.Resolve(_baseUrl, path)) { Content = content };
        message.Options.Set(NicepayCall.OptionsKey, call);

        NicepayResult<T> result;
        try
        {
            using var response = await httpClientFactory.CreateClient(clientName)
                .SendAsync(message, cancellationToken)
                .ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            result = FromResponse(call, response.StatusCode, text, map);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var cancelledAfterMs = Elapsed(started);
            NicepayLog.CancelledByCaller(logger, call.Operation, call.IMid, call.ReferenceNo, call.TransactionId, call.Attempts, cancelledAfterMs);
            throw;
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            result = FromException<T>(call, exception);
        }

        Log(call, result, Elapsed(started));
        return result;
    }

    private static NicepayResult<T> FromResponse<T>(NicepayCall call, HttpStatusCode status, string body, Func<NicepayFields, Mapped<T>> map)
        where T : class
    {
        var httpStatus = (int)status;
        var fields = NicepayFields.TryParseJson(body, out var parsed) ? parsed : null;
        var resultCode = fields?.ResultCode();

        if (fields is not null && resultCode is not null && resultCode != NicepayResultCodes.Success)
        {
            var rejection = NicepayRejection.FromResultCode(resultCode, call.Redact(fields.Text("resultMsg") ?? string.Empty));
            if (call.ChangesState && NicepayResultCodes.IsGatewayInternalFailure(resultCode))
            {
                // 1001–1004 are NICEPAY's own connection/socket/server/timeout errors: it may have done it anyway.
                return NicepayResult<T>.Unknown(new NicepayFailure(
                    NicepayFailureKind.ServerError, $"NICEPAY answered {resultCode} ({rejection.Message}), an internal failure that may have left the operation done", httpStatus));
            }

            if (call.ChangesState && call.UnansweredEarlierAttempt is { } earlier)
            {
                // The earlier attempt may have done it (e.g. cancelled the code), and this rejection may only say so.
                return NicepayResult<T>.Unknown(earlier with
                {
                    Detail = $"attempt {call.Attempts} was rejected with {resultCode} ({rejection.Reason}), but {earlier.Detail} "
                        + "and may have been processed; check the transaction with an inquiry",
                });
            }

            return NicepayResult<T>.Rejected(rejection);
        }

        if (httpStatus is < 200 or > 299)
        {
            return NicepayResult<T>.Unknown(new NicepayFailure(
                NicepayFailureKind.ServerError, $"HTTP {httpStatus} without a NICEPAY result code in the body", httpStatus));
        }

        if (fields is null || resultCode is null)
        {
            return NicepayResult<T>.Unknown(new NicepayFailure(
                NicepayFailureKind.InvalidResponse,
                $"HTTP {httpStatus} with a body that is not a NICEPAY answer ({body.Length} characters)",
                httpStatus));
        }

        var mapped = map(fields);
        return mapped.Value is { } value
            ? NicepayResult<T>.Success(value)
            : NicepayResult<T>.Unknown(new NicepayFailure(
                NicepayFailureKind.InvalidResponse, call.Redact(mapped.Error ?? "unreadable success answer"), httpStatus));
    }

    private static NicepayResult<T> FromException<T>(NicepayCall call, Exception exception)
        where T : class
    {
        // Every attempt failed to connect (the budget may have run out during a backoff delay): nothing was sent.
        if (!call.MaybeSent && call.NotSentFailure is { } notSent)
        {
            return NicepayResult<T>.NotSent(notSent);
        }

        var attempts = call.Attempts;
        return NicepayResult<T>.Unknown(exception switch
        {
            TimeoutRejectedException timeout => new NicepayFailure(
                NicepayFailureKind.Timeout, $"no complete answer within {timeout.Timeout} ({attempts} attempt(s))"),
            HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ConfigurationLimitExceeded } invalid =>
                new NicepayFailure(NicepayFailureKind.InvalidResponse, call.Redact(invalid.Message)),
            HttpRequestException when NicepayTransport.IsNotSent(exception) => new NicepayFailure(
                NicepayFailureKind.ConnectionLost, $"attempt {attempts} could not connect, but an earlier attempt may have been sent"),
            HttpRequestException lost => new NicepayFailure(NicepayFailureKind.ConnectionLost, call.Redact(lost.Message)),
            _ => new NicepayFailure(NicepayFailureKind.Timeout, $"cancelled before an answer arrived ({attempts} attempt(s))"),
        });
    }

    private void Log<T>(NicepayCall call, NicepayResult<T> result, long elapsedMs)
        where T : class
    {
        switch (result.Outcome)
        {
            case NicepayOutcome.Succeeded:
                NicepayLog.Succeeded(logger, call.Operation, call.IMid, call.ReferenceNo, call.TransactionId, NicepayResultCodes.Success, call.Attempts, elapsedMs);
                break;
            case NicepayOutcome.Rejected:
                NicepayLog.Rejected(logger, call.Operation, call.IMid, call.ReferenceNo, call.TransactionId, result.Rejection!.ResultCode, result.Rejection.Reason, call.Attempts, elapsedMs);
                break;
            case NicepayOutcome.NotSent:
                NicepayLog.NotSent(logger, call.Operation, call.IMid, call.ReferenceNo, call.TransactionId, result.Failure!.Kind, call.Attempts, elapsedMs);
                break;
            default:
                NicepayLog.Unknown(logger, call.Operation, call.IMid, call.ReferenceNo, call.TransactionId, result.Failure!.Kind, result.Failure.HttpStatus, call.Attempts, elapsedMs, result.Failure.Detail);
                break;
        }
    }

    private long Elapsed(long started) => (long)timeProvider.GetElapsedTime(started).TotalMilliseconds;

    private static Mapped<CvsRegistration> MapRegistration(NicepayFields fields, CvsRegistrationRequest request)
    {
        var transactionId = fields.Text("tXid");
        var paymentCode = fields.Text("payNo");
        if (transactionId is null || paymentCode is null)
        {
            return Mapped<CvsRegistration>.Invalid("resultCd 0000 without tXid or payNo");
        }

        if (MismatchedEcho(fields, "referenceNo", request.ReferenceNo) is { } referenceError)
        {
            return Mapped<CvsRegistration>.Invalid(referenceError);
        }

        if (MismatchedAmount(fields, request.Amount) is { } amountError)
        {
            return Mapped<CvsRegistration>.Invalid(amountError);
        }

        var partner = fields.Partner("mitraCd") ?? request.Partner;
        if (partner != request.Partner)
        {
            return Mapped<CvsRegistration>.Invalid($"mitraCd echo {MitraCodes.ToCode(partner)} differs from the requested {MitraCodes.ToCode(request.Partner)}");
        }

        return new CvsRegistration
        {
            TransactionId = transactionId,
            ReferenceNo = request.ReferenceNo,
            Amount = request.Amount,
            Partner = partner,
            PaymentCode = paymentCode,
            // What was sent, at seconds precision in Jakarta time, when NICEPAY does not echo it (as in its 2018 example).
            ValidUntil = fields.DateTime("payValidDt", "payValidTm")
                ?? (request.ValidUntil is { } sent ? JakartaTime.ParseDateTime(JakartaTime.ToDate(sent), JakartaTime.ToTime(sent)) : null),
            TransactionTime = fields.DateTime("transDt", "transTm"),
            Currency = fields.Text("currency") ?? NicepayWire.Currency,
            Description = fields.Text("description"),
            ResultMessage = fields.Text("resultMsg"),
        };
    }

    private static Mapped<CvsStatus> MapStatus(NicepayFields fields, CvsInquiryRequest request)
    {
        var askedTransactionId = string.IsNullOrWhiteSpace(request.TransactionId) ? null : request.TransactionId;
        var transactionId = fields.Text("tXid") ?? askedTransactionId;
        if (transactionId is null)
        {
            return Mapped<CvsStatus>.Invalid("resultCd 0000 without tXid");
        }

        var echoError = (askedTransactionId is null ? null : MismatchedEcho(fields, "tXid", askedTransactionId))
            ?? MismatchedEcho(fields, "referenceNo", request.ReferenceNo);
        if (echoError is not null)
        {
            return Mapped<CvsStatus>.Invalid(echoError);
        }

        var rawStatus = fields.Text("status");
        if (rawStatus is null)
        {
            return Mapped<CvsStatus>.Invalid("resultCd 0000 without status");
        }

        var amount = request.Amount;
        if (fields.Text("amt") is not null && !fields.TryGetAmount("amt", out amount))
        {
            return Mapped<CvsStatus>.Invalid("amt is not a whole number");
        }

        return new CvsStatus
        {
            TransactionId = transactionId,
            ReferenceNo = fields.Text("referenceNo") ?? request.ReferenceNo,
            Amount = amount,
            CancelAmount = fields.Amount("cancelAmt"),
            Status = ParseStatus(rawStatus),
            RawStatus = rawStatus,
            ResultMessage = fields.Text("resultMsg"),
            PaymentCode = fields.Text("payNo"),
            Partner = fields.Partner("mitraCd"),
            ValidUntil = fields.DateTime("payValidDt", "payValidTm"),
            RequestedAt = fields.DateTime("reqDt", "reqTm"),
            TransactionTime = fields.DateTime("transDt", "transTm"),
            DepositedAt = fields.DateTime("depositDt", "depositTm"),
            ReceiptCode = fields.Text("receiptCode"),
            Currency = fields.Text("currency"),
            GoodsName = fields.Text("goodsNm"),
            BillingName = fields.Text("billingNm"),
        };
    }

    private static Mapped<CvsCancellation> MapCancellation(NicepayFields fields, CvsCancelRequest request)
    {
        var echoError = MismatchedEcho(fields, "tXid", request.TransactionId)
            ?? (request.ReferenceNo is null ? null : MismatchedEcho(fields, "referenceNo", request.ReferenceNo))
            ?? MismatchedAmount(fields, request.Amount);
        if (echoError is not null)
        {
            return Mapped<CvsCancellation>.Invalid(echoError);
        }

        return new CvsCancellation
        {
            TransactionId = request.TransactionId,
            ReferenceNo = fields.Text("referenceNo") ?? request.ReferenceNo,
            Amount = request.Amount,
            TransactionTime = fields.DateTime("transDt", "transTm"),
            Description = fields.Text("description"),
            CancelTransactionId = fields.Text("canceltXid"),
            ResultMessage = fields.Text("resultMsg"),
        };
    }

    /// <summary>Maps an inquiry <c>status</c>; leading zeros are tolerated ("03").</summary>
    private static CvsTransactionStatus ParseStatus(string rawStatus) =>
        int.TryParse(rawStatus, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code switch
            {
                0 => CvsTransactionStatus.Paid,
                1 => CvsTransactionStatus.Reversed,
                3 => CvsTransactionStatus.Unpaid,
                4 => CvsTransactionStatus.Expired,
                5 => CvsTransactionStatus.ReadyToCommit,
                _ => CvsTransactionStatus.Unrecognized,
            }
            : CvsTransactionStatus.Unrecognized;

    /// <summary>An echo NICEPAY sent that differs from what was asked: the answer is about something else.</summary>
    private static string? MismatchedEcho(NicepayFields fields, string name, string expected) =>
        fields.Text(name) is { } echoed && !string.Equals(echoed, expected.Trim(), StringComparison.Ordinal)
            ? $"{name} echo '{echoed}' differs from the requested '{expected}'"
            : null;

    private static string? MismatchedAmount(NicepayFields fields, long expected)
    {
        if (fields.Text("amt") is null)
        {
            return null;
        }

        return !fields.TryGetAmount("amt", out var echoed) ? "amt is not a whole number"
            : echoed != expected ? $"amt echo {echoed} differs from the requested {expected}"
            : null;
    }

    private static string CartData(IReadOnlyList<NicepayCartItem>? cart)
    {
        if (cart is null)
        {
            return NicepayWire.EmptyCart;
        }

        var body = new CartBody
        {
            Count = cart.Count.ToString(CultureInfo.InvariantCulture),
            Items = [.. cart.Select(item => new CartItemBody
            {
                ImageUrl = item.ImageUrl is null ? string.Empty
                    : item.ImageUrl.IsAbsoluteUri ? item.ImageUrl.AbsoluteUri
                    : item.ImageUrl.OriginalString,
                Name = item.Name,
                Detail = item.Detail ?? string.Empty,
                Amount = FormatAmount(item.Amount),
            })],
        };
        return JsonSerializer.Serialize(body, NicepayJsonContext.Default.CartBody);
    }

    private static string FormatAmount(long amount) => amount.ToString(CultureInfo.InvariantCulture);

    private static string? FormatOptionalAmount(long? amount) => amount is { } value ? FormatAmount(value) : null;

    private static void ValidateCredentials(NicepayCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(credentials.IMid);
        // The message names the parameter only; the key's value is never part of it.
        ArgumentException.ThrowIfNullOrWhiteSpace(credentials.MerchantKey);
    }

    private static void ValidateRegistration(CvsRegistrationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.ReferenceNo);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Amount);
        if (!Enum.IsDefined(request.Partner))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Partner, "Unknown CVS partner.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(request.GoodsName);
        ArgumentNullException.ThrowIfNull(request.Billing);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Billing.Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Billing.Phone);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Billing.Email);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Billing.Address);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Billing.City);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Billing.State);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Billing.PostCode);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Billing.Country);
        ArgumentNullException.ThrowIfNull(request.NotificationUrl);
        if (!request.NotificationUrl.IsAbsoluteUri || request.NotificationUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The notification URL (dbProcessUrl) must be an absolute http or https URL.", nameof(request));
        }

        foreach (var amount in new[] { request.Vat, request.Fee, request.NoTaxAmount })
        {
            if (amount < 0)
            {
                throw new ArgumentException("Vat, Fee and NoTaxAmount must not be negative.", nameof(request));
            }
        }

        if (request.Cart is { } cart)
        {
            long total = 0;
            foreach (var item in cart)
            {
                ArgumentNullException.ThrowIfNull(item);
                ArgumentException.ThrowIfNullOrWhiteSpace(item.Name);
                ArgumentOutOfRangeException.ThrowIfNegative(item.Amount);
                total = checked(total + item.Amount);
            }

            if (total != request.Amount)
            {
                throw new ArgumentException(
                    $"The cart adds up to {total} but the amount is {request.Amount}; NICEPAY rejects that with 9023.", nameof(request));
            }
        }
    }

    /// <summary>A mapped success answer, or why it could not be mapped.</summary>
    private readonly record struct Mapped<T>(T? Value, string? Error)
        where T : class
    {
        public static implicit operator Mapped<T>(T value) => new(value, null);

        public static Mapped<T> Invalid(string error) => new(null, error);
    }
}
