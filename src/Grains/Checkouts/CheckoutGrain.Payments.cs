using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.Nicepay;

namespace Orchestrator.Grains.Checkouts;

// Payments: NICEPAY notifications, status inquiries, expiry and cancellation.
//
// A notification is only a hint: its token is verified, it is recorded, and the checkout moves to confirmed only when
// a status inquiry says paid for the exact amount. Conversely a payment NICEPAY reports as paid is never dropped, even
// after the checkout was expired, cancelled or failed locally.
public sealed partial class CheckoutGrain
{
    /// <inheritdoc />
    public async Task<NotificationResult> HandleNotificationAsync(NicepayNotificationForm notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return new NotificationResult { Outcome = NotificationOutcome.UnknownTransaction, Detail = "No checkout with this reference." };
        }

        var fields = notification.Fields.ToDictionary(pair => pair.Key, pair => (string?)pair.Value, StringComparer.Ordinal);
        if (!NicepayNotification.TryParse(fields, out var parsed, out var errors) || parsed is null)
        {
            return new NotificationResult { Outcome = NotificationOutcome.Malformed, Detail = string.Join("; ", errors), Version = State.Version };
        }

        // The token covers iMid + tXid + amt exactly as sent, so verify against the raw amount text.
        var rawAmount = notification.Fields.GetValueOrDefault("amt") ?? "";
        if (!MerchantToken.VerifyNotification(Credentials(), parsed.TransactionId, rawAmount, parsed.MerchantToken))
        {
            LogForgedNotification(logger, _key, parsed.TransactionId, notification.RemoteAddress);
            return new NotificationResult { Outcome = NotificationOutcome.InvalidToken, Detail = "The merchant token does not verify." };
        }

        var fingerprint = $"{parsed.TransactionId}|{(int)parsed.Status}|{rawAmount}|{(int)parsed.MatchCl}";
        if (State.NotificationFingerprints.Contains(fingerprint))
        {
            if (parsed.Status == NotificationDepositStatus.Deposit && State.Nicepay.NextStatusCheckAt is null
                && State.Status is CheckoutStatus.Expired or CheckoutStatus.Cancelled or CheckoutStatus.Failed)
            {
                // NICEPAY repeats a payment no inquiry had borne out when the checkout closed: ask again, as a paid
                // status is never lost. Nothing is recorded unless the inquiry now says paid.
                State.Nicepay.NextStatusCheckAt = Now;
                ArmTimer();
            }

            return new NotificationResult { Outcome = NotificationOutcome.AlreadyApplied, Detail = "Duplicate notification.", Version = State.Version };
        }

        if (State.Nicepay.TransactionId is { } known && !string.Equals(known, parsed.TransactionId, StringComparison.Ordinal))
        {
            // Correctly signed, but for a transaction we did not register under this reference: never apply it to ours.
            State.NotificationFingerprints.Add(fingerprint);
            await RecordAnomalyAsync("notification_for_other_transaction",
                $"a verified notification names tXid {parsed.TransactionId}, but this checkout is {known}", needsAttention: true, notifyMerchant: false, CheckoutCause.Notification);
            await SaveAsync();
            return new NotificationResult { Outcome = NotificationOutcome.Accepted, Detail = "Recorded for an operator.", Version = State.Version };
        }

        var deposit = parsed.Status == NotificationDepositStatus.Deposit;
        var matched = parsed.MatchCl == NotificationMatch.Match && parsed.Amount == State.Request!.Amount;
        if (deposit && matched && State.Status is CheckoutStatus.Confirmed or CheckoutStatus.Fulfilled or CheckoutStatus.Reversed)
        {
            // Already known from an inquiry; nothing to learn from the notification.
            return new NotificationResult { Outcome = NotificationOutcome.AlreadyApplied, Detail = "The payment is already confirmed.", Version = State.Version };
        }

        State.NotificationFingerprints.Add(fingerprint);
        if (State.Status == CheckoutStatus.Created)
        {
            // The registration's answer was lost, but NICEPAY registered it: the notification tells us which it is.
            await ApplyRegistrationAsync(parsed.TransactionId, parsed.PaymentCode, parsed.ValidUntil, CheckoutCause.Notification,
                "the registration whose answer was lost is known from a notification");
        }

        var summary = $"status {parsed.Status}, amt {rawAmount}, matchCl {parsed.MatchCl}, tXid {parsed.TransactionId}";
        if (!deposit)
        {
            await RecordAnomalyAsync("reversal_notified", $"NICEPAY notified a reversal ({summary}); verifying with an inquiry",
                needsAttention: true, notifyMerchant: true, CheckoutCause.Notification);
        }
        else if (!matched)
        {
            await RecordAnomalyAsync("amount_mismatch", $"NICEPAY notified a payment that does not match {State.Request!.Amount} IDR ({summary})",
                needsAttention: true, notifyMerchant: true, CheckoutCause.Notification);
        }
        else
        {
            var late = State.Status is CheckoutStatus.Expired or CheckoutStatus.Cancelled or CheckoutStatus.Failed;
            await FireAsync(CheckoutTrigger.RecordNotification, CheckoutCause.Notification,
                late ? $"late payment notified after the checkout was {State.Status}: {summary}" : $"payment notified: {summary}");
        }

        // Verify with an inquiry right after answering NICEPAY (the timer fires once this call returns).
        State.Nicepay.PendingNotice = deposit ? PendingNotice.Deposit : PendingNotice.Reversal;
        State.Nicepay.NextStatusCheckAt = Now;
        State.Nicepay.ConsecutiveInquiryFailures = 0;
        await SaveAsync();
        return new NotificationResult { Outcome = NotificationOutcome.Accepted, Detail = "Recorded; verifying with a status inquiry.", Version = State.Version };
    }

    /// <inheritdoc />
    public async Task<CheckoutCommandResult> CancelAsync(CheckoutCause cause)
    {
        if (!state.RecordExists)
        {
            return NotFound();
        }

        if (State.Status == CheckoutStatus.Cancelled)
        {
            return await ResultAsync(CommandOutcome.AlreadyApplied, "The checkout is already cancelled.");
        }

        if (!_machine.CanFire(CheckoutTrigger.Cancel))
        {
            return await NotPermittedAsync("cancel");
        }

        var who = cause == CheckoutCause.Operator ? "an operator" : "the merchant";
        if (State.Status == CheckoutStatus.Created)
        {
            // No payment code was issued and none can exist (the guard saw to it): nothing to cancel at NICEPAY.
            State.Nicepay.Registration = RegistrationProgress.None;
            State.Nicepay.NextRegistrationAttemptAt = null;
            await FireAsync(CheckoutTrigger.Cancel, cause, $"cancelled by {who} before a payment code was issued");
            RaiseEvent(CheckoutEventTypes.Cancelled);
            await SaveAsync();
            return await ResultAsync(CommandOutcome.Applied);
        }

        var result = await nicepay.CancelAsync(Credentials(),
            new CvsCancelRequest(State.Nicepay.TransactionId!, State.Request!.Amount, State.Nicepay.ReferenceNo, $"cancelled by {who}"));
        if (result.IsSuccess)
        {
            await CancelledAtNicepayAsync(cause, $"cancelled by {who}; NICEPAY cancelled the payment code");
            return await ResultAsync(CommandOutcome.Applied);
        }

        if (result.Outcome is NicepayOutcome.NotSent || result.Rejection is { IsRetryable: true })
        {
            return await ResultAsync(CommandOutcome.GatewayUnavailable, $"NICEPAY did not cancel ({Describe(result)}); nothing changed, the cancel may be retried.");
        }

        // NICEPAY refused, or we do not know whether it cancelled: it knows something we do not (paid, or already
        // cancelled). Ask it and apply the answer.
        var inquiry = await nicepay.InquireAsync(Credentials(), new CvsInquiryRequest(State.Nicepay.TransactionId, State.Nicepay.ReferenceNo, State.Request.Amount));
        if (inquiry.IsSuccess && inquiry.Value!.Status == CvsTransactionStatus.Expired && Now < State.ExpiresAt)
        {
            // Unpayable before its validity ended: this cancel (or an earlier one whose answer was lost) went through.
            await CancelledAtNicepayAsync(cause, $"cancelled by {who}; NICEPAY reports the payment code cancelled ({Describe(result)})");
            return await ResultAsync(CommandOutcome.Applied);
        }

        if (inquiry.IsSuccess)
        {
            await ApplyStatusAsync(inquiry.Value!, CheckoutCause.StatusCheck, finalCheck: false);
        }

        if (result.Outcome == NicepayOutcome.Unknown && CheckoutStateMachine.AwaitingPayment.Contains(State.Status))
        {
            return await ResultAsync(CommandOutcome.GatewayUnavailable,
                $"NICEPAY did not answer the cancel ({Describe(result)}) and {(inquiry.IsSuccess ? "still reports the code payable" : "could not be asked")}; the cancel may be retried.");
        }

        return await ResultAsync(CommandOutcome.NotPermitted,
            $"NICEPAY refused the cancel ({Describe(result)}); the checkout is {State.Status.ToString().ToLowerInvariant()}.");
    }

    /// <summary>The payment code is cancelled at NICEPAY: record it (and tell the merchant).</summary>
    private async Task CancelledAtNicepayAsync(CheckoutCause cause, string details)
    {
        State.Nicepay.NextStatusCheckAt = null;
        State.Nicepay.PendingNotice = null;
        await FireAsync(CheckoutTrigger.Cancel, cause, details);
        RaiseEvent(CheckoutEventTypes.Cancelled);
        await SaveAsync();
    }

    /// <summary>
    /// Asks NICEPAY for the status and applies it; on failure, journals it and backs off. Returns false when NICEPAY
    /// could not be asked.
    /// </summary>
    private async Task<bool> RunStatusCheckAsync(CheckoutCause cause, string why)
    {
        if (State.Nicepay.TransactionId is null)
        {
            return await RecoverRegistrationAsync(cause);
        }

        var result = await nicepay.InquireAsync(Credentials(),
            new CvsInquiryRequest(State.Nicepay.TransactionId, State.Nicepay.ReferenceNo, State.Request!.Amount));
        if (!result.IsSuccess)
        {
            await RecordInquiryFailureAsync(cause, $"{why} status inquiry failed ({Describe(result)})");
            return false;
        }

        await ApplyStatusAsync(result.Value!, cause, finalCheck: false);
        return true;
    }

    /// <summary>
    /// The end of validity: a final inquiry decides, so a payment made at the last minute wins over expiry.
    /// </summary>
    private async Task HandleExpiryAsync()
    {
        var result = await nicepay.InquireAsync(Credentials(),
            new CvsInquiryRequest(State.Nicepay.TransactionId, State.Nicepay.ReferenceNo, State.Request!.Amount));
        if (result.IsSuccess)
        {
            await ApplyStatusAsync(result.Value!, CheckoutCause.Expiry, finalCheck: true);
            return;
        }

        if (Now >= State.ExpiresAt + timing.Value.ExpiryGiveUpAfter)
        {
            State.Nicepay.NextStatusCheckAt = null;
            await FireAsync(CheckoutTrigger.Expire, CheckoutCause.Expiry,
                $"validity ended and NICEPAY did not answer for {timing.Value.ExpiryGiveUpAfter} ({Describe(result)}): expired locally; a payment NICEPAY later reports still confirms it");
            RaiseEvent(CheckoutEventTypes.Expired);
            await SaveAsync();
            return;
        }

        await RecordInquiryFailureAsync(CheckoutCause.Expiry, $"final status inquiry failed ({Describe(result)})");
    }

    private async Task RecordInquiryFailureAsync(CheckoutCause cause, string details)
    {
        State.Nicepay.ConsecutiveInquiryFailures++;
        var delay = CheckoutTimingOptions.BackoffAt(timing.Value.EffectiveInquiryBackoff, State.Nicepay.ConsecutiveInquiryFailures);
        State.Nicepay.NextStatusCheckAt = NoLaterThanExpiry(Now + delay);
        if (_machine.CanFire(CheckoutTrigger.RecordInquiryFailure))
        {
            // Journaled, so the back-off is visible to operators.
            await FireAsync(CheckoutTrigger.RecordInquiryFailure, cause,
                $"{details}; attempt {State.Nicepay.ConsecutiveInquiryFailures}, next check in {delay} at {State.Nicepay.NextStatusCheckAt:O}");
            await SaveAsync();
        }
        else
        {
            ArmTimer();
        }
    }

    /// <summary>
    /// Applies what NICEPAY says about the transaction. <paramref name="finalCheck"/> marks the inquiry at the end of
    /// validity. Only transitions write; a check that changes nothing just schedules the next one.
    /// </summary>
    private async Task ApplyStatusAsync(CvsStatus status, CheckoutCause cause, bool finalCheck)
    {
        var amount = State.Request!.Amount;
        var pending = State.Nicepay.PendingNotice;
        State.Nicepay.LastStatus = status.RawStatus;
        State.Nicepay.LastInquiryAt = Now;
        var paid = status.Status == CvsTransactionStatus.Paid;
        if (paid && status.Amount != amount)
        {
            // NICEPAY only takes the exact amount, so this is for a human: automation stops here (no more checks,
            // no expiry), the checkout is flagged and the merchant told.
            State.Nicepay.PendingNotice = null;
            State.Nicepay.NextStatusCheckAt = null;
            await RecordAnomalyAsync("amount_mismatch", $"NICEPAY reports paid {status.Amount} IDR for a checkout of {amount} IDR; not confirmed",
                needsAttention: true, notifyMerchant: true, cause);
            await SaveAsync();
        }
        else if (paid && _machine.CanFire(CheckoutTrigger.ConfirmPayment))
        {
            await ConfirmAsync(status, cause);
        }
        else if (paid && pending == PendingNotice.Reversal)
        {
            await RecordContradictionAsync(status, cause, "a verified notification said reversed");
        }
        else if (paid)
        {
            // Already confirmed (or reversed): nothing new.
            State.Nicepay.PendingNotice = null;
            ScheduleNextCheck();
        }
        else if ((status.Status == CvsTransactionStatus.Reversed || pending == PendingNotice.Reversal)
                 && status.Status != CvsTransactionStatus.ReadyToCommit && _machine.CanFire(CheckoutTrigger.Reverse)
                 && (status.Status == CvsTransactionStatus.Reversed || State.Status is CheckoutStatus.Confirmed or CheckoutStatus.Fulfilled))
        {
            State.Nicepay.PendingNotice = null;
            State.Nicepay.NextStatusCheckAt = null;
            await FireAsync(CheckoutTrigger.Reverse, cause, $"NICEPAY reports the payment no longer paid (status {status.RawStatus}): reversed");
            RaiseEvent(CheckoutEventTypes.Reversed);
            await SaveAsync();
        }
        else if (status.Status == CvsTransactionStatus.ReadyToCommit)
        {
            // The store is completing the payment (Alfa group): look again shortly, even past the end of validity.
            State.Nicepay.NextStatusCheckAt = Now + timing.Value.EffectiveInquiryBackoff[0];
            ArmTimer();
        }
        else if (finalCheck && _machine.CanFire(CheckoutTrigger.Expire))
        {
            await ExpireAsync(cause, pending == PendingNotice.Deposit
                ? $"final inquiry at the end of validity: status {status.RawStatus}; the payment notification was not borne out"
                : $"final inquiry at the end of validity: status {status.RawStatus}");
            if (pending == PendingNotice.Deposit)
            {
                // The validity is over, but a verified notification said paid: like any contradiction outside the
                // awaited statuses, it is re-checked through the back-off list (a paid status is never lost), and left
                // flagged for an operator if NICEPAY never bears it out.
                State.Nicepay.PendingNotice = pending;
                State.Nicepay.ConsecutiveInquiryFailures = 0;
                await RecordContradictionAsync(status, cause, "a verified notification said paid before the validity ended");
            }
        }
        else if (pending == PendingNotice.Deposit)
        {
            await RecordContradictionAsync(status, cause, "a verified notification said paid");
        }
        else if (status.Status == CvsTransactionStatus.Expired && Now < State.ExpiresAt && _machine.CanFire(CheckoutTrigger.Cancel)
                 && State.Status == CheckoutStatus.Registered)
        {
            // NICEPAY answers 4 for cancelled and expired codes alike; before the end of validity it can only be a
            // cancel (ours whose answer was lost, or one made at NICEPAY directly).
            await CancelledAtNicepayAsync(cause, $"NICEPAY reports the payment code unusable (status {status.RawStatus}) before its validity ended: cancelled at NICEPAY");
        }
        else if (status.Status == CvsTransactionStatus.Expired && _machine.CanFire(CheckoutTrigger.Expire))
        {
            await ExpireAsync(cause, "NICEPAY reports the payment code expired");
        }
        else
        {
            ScheduleNextCheck();
        }
    }

    private async Task ConfirmAsync(CvsStatus status, CheckoutCause cause)
    {
        var late = State.Status is CheckoutStatus.Expired or CheckoutStatus.Cancelled or CheckoutStatus.Failed;
        if (late)
        {
            await RecordAnomalyAsync("late_payment", $"NICEPAY reports paid after the checkout was {State.Status.ToString().ToLowerInvariant()}",
                needsAttention: true, notifyMerchant: false, cause);
        }

        State.PaidAt = status.DepositedAt ?? status.TransactionTime ?? Now;
        State.Nicepay.ReceiptCode = status.ReceiptCode;
        State.Nicepay.PaymentCode ??= status.PaymentCode;
        State.Nicepay.NextStatusCheckAt = null;
        State.Nicepay.ConsecutiveInquiryFailures = 0;
        State.Nicepay.PendingNotice = null;
        await FireAsync(CheckoutTrigger.ConfirmPayment, cause,
            late ? "late payment: NICEPAY reports paid for the exact amount" : "NICEPAY reports paid for the exact amount");
        RaiseEvent(CheckoutEventTypes.Confirmed);
        await SaveAsync();
    }

    private async Task ExpireAsync(CheckoutCause cause, string details)
    {
        State.Nicepay.NextStatusCheckAt = null;
        State.Nicepay.PendingNotice = null;
        await FireAsync(CheckoutTrigger.Expire, cause, details);
        RaiseEvent(CheckoutEventTypes.Expired);
        await SaveAsync();
    }

    /// <summary>
    /// An inquiry contradicts a verified notification: journal it and re-check with back-off. While the payment is
    /// awaited the re-checks go on until expiry; in other statuses they stop after the back-off list, flagged for an
    /// operator.
    /// </summary>
    private async Task RecordContradictionAsync(CvsStatus status, CheckoutCause cause, string claim)
    {
        State.Nicepay.ConsecutiveInquiryFailures++;
        var backoff = timing.Value.EffectiveInquiryBackoff;
        var awaiting = CheckoutStateMachine.AwaitingPayment.Contains(State.Status);
        var exhausted = !awaiting && State.Nicepay.ConsecutiveInquiryFailures > backoff.Count;
        var delay = CheckoutTimingOptions.BackoffAt(backoff, State.Nicepay.ConsecutiveInquiryFailures);
        State.Nicepay.NextStatusCheckAt = exhausted ? null : NoLaterThanExpiry(Now + delay);
        var details = $"{claim}, the inquiry says status {status.RawStatus} ({status.Status})"
            + (exhausted ? "; no more re-checks" : $"; re-check {State.Nicepay.ConsecutiveInquiryFailures} in {delay}");
        if (exhausted)
        {
            State.Nicepay.PendingNotice = null;
        }

        if (_machine.CanFire(CheckoutTrigger.RecordContradiction))
        {
            await FireAsync(CheckoutTrigger.RecordContradiction, cause, details);
        }
        else
        {
            await RecordAnomalyAsync("inquiry_contradicts_notification", details, needsAttention: exhausted, notifyMerchant: false, cause);
        }

        await SaveAsync();
    }

    /// <summary>
    /// A check that changed nothing: schedule the next one (only while the payment is awaited) without writing — a
    /// restart merely checks sooner.
    /// </summary>
    private void ScheduleNextCheck()
    {
        State.Nicepay.ConsecutiveInquiryFailures = 0;
        State.Nicepay.NextStatusCheckAt = CheckoutStateMachine.AwaitingPayment.Contains(State.Status)
            ? NoLaterThanExpiry(Now + timing.Value.StatusCheckInterval)
            : null;
        ArmTimer();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {CheckoutKey}: notification for tXid {TransactionId} from {RemoteAddress} has an invalid token; ignored")]
    private static partial void LogForgedNotification(ILogger logger, string checkoutKey, string transactionId, string? remoteAddress);
}
