using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.Nicepay;

namespace Orchestrator.Grains.Checkouts;

// Registration at NICEPAY, and its recovery when the outcome is unknown.
//
// The rule that keeps one payment code per checkout: a registration request is only sent again when NICEPAY
// definitely did not register the previous one (it refused it, or the request never left), or after a look-up by
// reference found nothing — and even then NICEPAY's duplicate-reference check (9009) refuses a copy if the first
// landed late. A request in flight is marked "outcome unknown" in storage *before* it is sent, so a crash mid-call
// also ends in a look-up, never in a blind re-send.
public sealed partial class CheckoutGrain
{
    /// <summary>
    /// Sends the registration (the caller has already persisted the "outcome unknown" marker) and applies the answer.
    /// </summary>
    private async Task RegisterAtNicepayAsync(CheckoutCause cause)
    {
        var result = await nicepay.RegisterAsync(Credentials(), BuildRegistration());
        switch (result.Outcome)
        {
            case NicepayOutcome.Succeeded:
                await ApplyRegistrationAsync(result.Value!.TransactionId, result.Value.PaymentCode, result.Value.ValidUntil, cause, "NICEPAY issued the payment code");
                break;

            case NicepayOutcome.Rejected when result.Rejection!.Reason == NicepayRejectionReason.DuplicateReference
                                             && State.Nicepay.RegistrationAttempts > 1:
                // Our own earlier attempt landed: look it up instead of failing.
                await DeferRegistrationAsync(RegistrationProgress.OutcomeUnknown, cause,
                    $"NICEPAY already holds this reference ({result.Rejection.ResultCode}): an earlier attempt was registered; looking it up");
                break;

            case NicepayOutcome.Rejected when result.Rejection!.IsRetryable:
                await DeferRegistrationAsync(RegistrationProgress.NotRegistered, cause,
                    $"NICEPAY is busy ({result.Rejection.ResultCode}); nothing was registered");
                break;

            case NicepayOutcome.Rejected:
                await FailRegistrationAsync(ReasonCode(result.Rejection!.Reason),
                    $"NICEPAY refused the registration: {result.Rejection.ResultCode} {result.Rejection.Message}", cause);
                break;

            case NicepayOutcome.NotSent:
                await DeferRegistrationAsync(RegistrationProgress.NotRegistered, cause,
                    $"NICEPAY could not be reached ({result.Failure!.Kind}); nothing was registered");
                break;

            default:
                await DeferRegistrationAsync(RegistrationProgress.OutcomeUnknown, cause,
                    $"registration outcome unknown ({result.Failure!.Kind}); it will be looked up before any new attempt");
                break;
        }
    }

    /// <summary>
    /// Resolves a registration that is pending (deferred or of unknown outcome): looks it up, sends it again when that
    /// is safe, or gives up after <see cref="CheckoutTimingOptions.RegistrationGiveUpAfter"/>. Returns false when
    /// NICEPAY could not be reached.
    /// </summary>
    private async Task<bool> RecoverRegistrationAsync(CheckoutCause cause)
    {
        if (State.Status != CheckoutStatus.Created)
        {
            return true;
        }

        var now = Now;
        if (now >= State.CreatedAt + timing.Value.RegistrationGiveUpAfter || now >= State.ExpiresAt)
        {
            var unknown = State.Nicepay.Registration == RegistrationProgress.OutcomeUnknown;
            if (unknown)
            {
                await RecordAnomalyAsync("registration_unresolved",
                    "NICEPAY's answer to the registration never became known; if a payment code exists at NICEPAY nobody was given it, and it expires unpaid",
                    needsAttention: true, notifyMerchant: false, cause);
            }

            await FailRegistrationAsync("registration_unresolved",
                $"no payment code after {State.Nicepay.RegistrationAttempts} attempt(s) within {timing.Value.RegistrationGiveUpAfter}", cause);
            return true;
        }

        if (State.Nicepay.Registration == RegistrationProgress.OutcomeUnknown)
        {
            var lookup = await nicepay.InquireAsync(Credentials(), new CvsInquiryRequest(null, State.Nicepay.ReferenceNo, State.Request!.Amount));
            if (lookup.IsSuccess)
            {
                var found = lookup.Value!;
                await ApplyRegistrationAsync(found.TransactionId, found.PaymentCode, found.ValidUntil, cause,
                    "the registration whose answer was lost was found at NICEPAY");
                await ApplyStatusAsync(found, cause, finalCheck: false);
                return true;
            }

            if (lookup.Rejection?.Reason != NicepayRejectionReason.TransactionNotFound)
            {
                await DeferRegistrationAsync(RegistrationProgress.OutcomeUnknown, cause,
                    $"look-up by reference failed ({Describe(lookup)})");
                return false;
            }

            if (!merchants.Get(State.MerchantId).Nicepay.DuplicateReferenceCheck)
            {
                // Without NICEPAY's duplicate-reference check, a copy of a request that lands late becomes a second
                // payment code: only a look-up may resolve it (or recovery gives up).
                await DeferRegistrationAsync(RegistrationProgress.OutcomeUnknown, cause,
                    "NICEPAY has nothing under this reference yet; not sent again, as its duplicate-reference check is off for this iMid");
                return true;
            }
        }

        // NICEPAY did not register it, or has nothing under this reference and refuses a late copy (9009): sending it
        // (again) cannot create a second code.
        await MarkRegistrationInFlightAsync();
        await RegisterAtNicepayAsync(cause);
        return State.Status != CheckoutStatus.Created || State.Nicepay.Registration != RegistrationProgress.NotRegistered;
    }

    /// <summary>Counts the attempt and persists "outcome unknown" before the request leaves.</summary>
    private async Task MarkRegistrationInFlightAsync()
    {
        State.Nicepay.RegistrationAttempts++;
        State.Nicepay.Registration = RegistrationProgress.OutcomeUnknown;
        State.Nicepay.NextRegistrationAttemptAt = Now + timing.Value.RegistrationSettleDelay;
        await SaveAsync();
    }

    private async Task ApplyRegistrationAsync(string transactionId, string? paymentCode, DateTimeOffset? validUntil, CheckoutCause cause, string details)
    {
        var now = Now;
        State.Nicepay.TransactionId = transactionId;
        State.Nicepay.PaymentCode = paymentCode;
        State.Nicepay.RegisteredAt = now;
        State.Nicepay.Registration = RegistrationProgress.None;
        State.Nicepay.NextRegistrationAttemptAt = null;
        if (validUntil is { } expiry)
        {
            // NICEPAY's validity is the one the store enforces.
            State.ExpiresAt = expiry.ToUniversalTime();
        }

        await FireAsync(CheckoutTrigger.Register, cause, $"{details}; tXid {transactionId}, valid until {State.ExpiresAt:O}");
        State.Nicepay.NextStatusCheckAt = NoLaterThanExpiry(now + timing.Value.StatusCheckInterval);
        if (cause != CheckoutCause.MerchantCall)
        {
            // The create call already returned without a code: the merchant learns it from this event.
            RaiseEvent(CheckoutEventTypes.Registered);
        }

        await SaveAsync();
    }

    private async Task DeferRegistrationAsync(RegistrationProgress progress, CheckoutCause cause, string details)
    {
        var delay = CheckoutTimingOptions.BackoffAt(timing.Value.EffectiveRegistrationBackoff, State.Nicepay.RegistrationAttempts);
        if (progress == RegistrationProgress.OutcomeUnknown && delay < timing.Value.RegistrationSettleDelay)
        {
            delay = timing.Value.RegistrationSettleDelay;
        }

        State.Nicepay.Registration = progress;
        State.Nicepay.NextRegistrationAttemptAt = Now + delay;
        await FireAsync(CheckoutTrigger.DeferRegistration, cause,
            $"{details}; attempt {State.Nicepay.RegistrationAttempts}, next at {State.Nicepay.NextRegistrationAttemptAt:O}");
        await SaveAsync();
    }

    private async Task FailRegistrationAsync(string reason, string details, CheckoutCause cause)
    {
        State.FailureReason = reason;
        State.Nicepay.Registration = RegistrationProgress.None;
        State.Nicepay.NextRegistrationAttemptAt = null;
        await FireAsync(CheckoutTrigger.FailRegistration, cause, details);
        RaiseEvent(CheckoutEventTypes.Failed);
        await SaveAsync();
        LogRegistrationFailed(logger, _key, reason);
    }

    private CvsRegistrationRequest BuildRegistration()
    {
        var request = State.Request!;
        return new CvsRegistrationRequest
        {
            ReferenceNo = State.Nicepay.ReferenceNo,
            Amount = request.Amount,
            Partner = request.Store == StoreNetwork.Indomaret ? CvsPartner.Indomaret : CvsPartner.AlfaGroup,
            GoodsName = request.GoodsName,
            Billing = new NicepayBilling
            {
                Name = request.Customer.Name,
                // NICEPAY's billingPhone is numeric.
                Phone = new string([.. request.Customer.Phone.Where(char.IsAsciiDigit)]),
                Email = request.Customer.Email,
            },
            NotificationUrl = orchestrator.Value.NotificationUrlFor(State.MerchantId),
            ValidUntil = State.ExpiresAt,
            Description = $"{State.MerchantName} {State.ReferenceNo}",
        };
    }

    private NicepayCredentials Credentials()
    {
        var merchant = merchants.Get(State.MerchantId);
        return new NicepayCredentials(merchant.Nicepay.IMid, merchant.Nicepay.MerchantKey);
    }

    private static string ReasonCode(NicepayRejectionReason reason) => reason switch
    {
        NicepayRejectionReason.DuplicateReference => "duplicate_reference",
        NicepayRejectionReason.InvalidMerchantToken => "invalid_merchant_token",
        NicepayRejectionReason.UnknownMerchant => "unknown_nicepay_merchant",
        NicepayRejectionReason.PaymentMethodNotActivated => "payment_method_not_activated",
        NicepayRejectionReason.MissingField => "missing_field",
        NicepayRejectionReason.InvalidAmount => "invalid_amount",
        NicepayRejectionReason.AmountTooSmall => "amount_too_small",
        NicepayRejectionReason.InvalidExpiry => "invalid_expiry",
        NicepayRejectionReason.InvalidCartData => "invalid_cart_data",
        NicepayRejectionReason.InvalidPartner => "invalid_store",
        NicepayRejectionReason.PaymentCodeUnavailable => "payment_code_unavailable",
        _ => "nicepay_rejected",
    };

    private static string Describe<T>(NicepayResult<T> result)
        where T : class => result.Outcome switch
        {
            NicepayOutcome.Rejected => $"{result.Rejection!.ResultCode} {result.Rejection.Reason}",
            NicepayOutcome.NotSent or NicepayOutcome.Unknown => result.Failure!.Kind.ToString(),
            _ => result.Outcome.ToString(),
        };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {CheckoutKey}: registration failed ({Reason})")]
    private static partial void LogRegistrationFailed(ILogger logger, string checkoutKey, string reason);
}
