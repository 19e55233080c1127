using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.Grains.Webhooks;

namespace Orchestrator.Grains.Checkouts;

// Work that happens later: status checks, expiry, registration recovery, webhook deliveries.
//
// Each piece of work has a due time in the persisted state. One durable reminder (the pulse) exists while any work is
// pending; every pulse — and a grain timer armed for the earliest due time while the grain is active — runs whatever
// is due. Handlers re-evaluate the state before acting, so a duplicated or late tick does no harm. Keeping one
// reminder per checkout (registered once, removed once) costs two reminder-table writes per lifecycle instead of one
// per rescheduling.
public sealed partial class CheckoutGrain
{
    /// <summary>The name of the checkout's durable reminder.</summary>
    public const string PulseReminderName = "checkout-pulse";

    // Grain timers cover due times this close; later ones are left to the pulse (the activation may be collected).
    private static readonly TimeSpan TimerHorizon = TimeSpan.FromMinutes(10);

    private bool? _pulseRegistered;

    // The pulse as registered by this activation: unregistering with it saves reading the reminder back first.
    private IGrainReminder? _pulse;
    private IGrainTimer? _timer;
    private string? _webhookInFlight;
    private DateTimeOffset _webhookInFlightSince;

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!string.Equals(reminderName, PulseReminderName, StringComparison.Ordinal) || !state.RecordExists)
        {
            LogUnexpectedReminder(logger, _key, reminderName);
            var stray = await this.GetReminder(reminderName);
            if (stray is not null)
            {
                await this.UnregisterReminder(stray);
            }

            return;
        }

        _pulseRegistered = true;
        await DoDueWorkAsync();
    }

    /// <inheritdoc />
    public async Task RecordWebhookAttemptAsync(string eventId, WebhookAttemptView attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        if (string.Equals(_webhookInFlight, eventId, StringComparison.Ordinal))
        {
            _webhookInFlight = null;
        }

        var record = State.Webhooks.FirstOrDefault(w => string.Equals(w.EventId, eventId, StringComparison.Ordinal));
        if (record is null || record.State != WebhookDeliveryState.Pending)
        {
            // A late report for an event already settled (e.g. re-sent after a restart): nothing to record.
            return;
        }

        record.Attempts.Add(attempt);
        if (attempt.HttpStatus is >= 200 and < 300)
        {
            record.State = WebhookDeliveryState.Delivered;
            record.DeliveredAt = attempt.At;
            record.NextAttemptAt = null;
            if (record.Type == CheckoutEventTypes.Confirmed && _machine.CanFire(CheckoutTrigger.Fulfil))
            {
                // The merchant has received the final paid status.
                await FireAsync(CheckoutTrigger.Fulfil, CheckoutCause.WebhookDelivery, $"merchant acknowledged {record.EventId} with {attempt.HttpStatus}");
            }
        }
        else
        {
            var schedule = timing.Value.EffectiveWebhookRetrySchedule;
            if (record.Attempts.Count > schedule.Count)
            {
                record.State = WebhookDeliveryState.Abandoned;
                record.NextAttemptAt = null;
                await RecordAnomalyAsync("webhook_abandoned",
                    $"{record.Type} {record.EventId} was not acknowledged after {record.Attempts.Count} attempts",
                    needsAttention: true, notifyMerchant: false, CheckoutCause.WebhookDelivery);
            }
            else
            {
                record.NextAttemptAt = Now + schedule[record.Attempts.Count - 1];
            }
        }

        await SaveAsync();
    }

    /// <summary>
    /// On activation: republish the read-model row (repairs one a crash lost before it was flushed), make sure the pulse
    /// exists while work is pending, and catch up on overdue work soon.
    /// </summary>
    private async Task ResumeAsync()
    {
        await index.PublishAsync(ToIndexEntry());
        await EnsurePulseAsync();
        ArmTimer();
    }

    /// <summary>Runs whatever is due. Safe to run at any time, any number of times.</summary>
    /// <remarks>
    /// When the work fails (storage or the reminder table unreachable) it stays scheduled on the timer, retried no
    /// sooner than a pulse would: the pulse itself may be what could not be registered.
    /// </remarks>
    private async Task DoDueWorkAsync()
    {
        var done = false;
        try
        {
            var now = Now;
            if (State.Status == CheckoutStatus.Created)
            {
                if (State.Nicepay.Registration != RegistrationProgress.None && State.Nicepay.NextRegistrationAttemptAt <= now)
                {
                    await RecoverRegistrationAsync(CheckoutCause.RegistrationRecovery);
                }
            }
            else if (State.Nicepay.NextStatusCheckAt <= now)
            {
                // While the payment is awaited, checks are never scheduled past the end of validity, so the check that
                // falls due then is the final one.
                if (CheckoutStateMachine.AwaitingPayment.Contains(State.Status) && now >= ExpiryCheckAt)
                {
                    await HandleExpiryAsync();
                }
                else
                {
                    await RunStatusCheckAsync(CheckoutCause.StatusCheck, "scheduled");
                }
            }

            DispatchDueWebhook();
            await EnsurePulseAsync();
            done = true;
        }
        finally
        {
            ArmTimer(done ? TimeSpan.Zero : timing.Value.PulsePeriod);
        }
    }

    /// <summary>When the final inquiry runs: the end of validity plus the grace for last-minute payments.</summary>
    private DateTimeOffset ExpiryCheckAt => State.ExpiresAt + timing.Value.ExpiryGrace;

    /// <summary>
    /// Caps a status check so that, while the payment is awaited, none is scheduled past the final inquiry.
    /// </summary>
    private DateTimeOffset NoLaterThanExpiry(DateTimeOffset checkAt) =>
        CheckoutStateMachine.AwaitingPayment.Contains(State.Status) && Now < ExpiryCheckAt && checkAt > ExpiryCheckAt
            ? ExpiryCheckAt
            : checkAt;

    // While the payment is awaited a status check is always scheduled (never later than the final inquiry), except
    // when automation stopped for an operator (a paid status for another amount).
    private bool HasPendingWork() =>
        (State.Status == CheckoutStatus.Created && State.Nicepay.Registration != RegistrationProgress.None)
        || State.Nicepay.NextStatusCheckAt is not null
        || State.Webhooks.Any(w => w.State == WebhookDeliveryState.Pending);

    /// <summary>The earliest due time of any pending work, or null.</summary>
    private DateTimeOffset? NextDueAt()
    {
        DateTimeOffset? next = null;
        void Consider(DateTimeOffset? candidate)
        {
            if (candidate is { } value && (next is null || value < next))
            {
                next = value;
            }
        }

        if (State.Status == CheckoutStatus.Created && State.Nicepay.Registration != RegistrationProgress.None)
        {
            Consider(State.Nicepay.NextRegistrationAttemptAt);
        }

        Consider(State.Nicepay.NextStatusCheckAt);
        if (State.Webhooks.FirstOrDefault(w => w.State == WebhookDeliveryState.Pending) is { } head)
        {
            // An attempt in flight is not due again until the dispatcher's report is overdue: without this the timer
            // would fire at once, find nothing to do and re-arm itself for "now", spinning until the report came back.
            Consider(string.Equals(_webhookInFlight, head.EventId, StringComparison.Ordinal)
                ? Later(head.NextAttemptAt, _webhookInFlightSince + WebhookInFlightLimit)
                : head.NextAttemptAt);
        }

        return next;

        static DateTimeOffset Later(DateTimeOffset? first, DateTimeOffset second) =>
            first is { } value && value > second ? value : second;
    }

    /// <summary>How long a dispatched attempt may go unreported before it is dispatched again.</summary>
    private TimeSpan WebhookInFlightLimit => timing.Value.WebhookTimeout + TimeSpan.FromSeconds(30);

    /// <summary>True when the state needs the pulse and this activation has not registered it yet.</summary>
    private bool PulseMissing => _pulseRegistered != true && HasPendingWork();

    private async Task EnsurePulseAsync()
    {
        var needed = HasPendingWork();
        if (needed && _pulseRegistered != true)
        {
            var period = timing.Value.PulsePeriod;
            _pulse = await this.RegisterOrUpdateReminder(PulseReminderName, period, period);
            _pulseRegistered = true;
        }
        else if (!needed && _pulseRegistered != false)
        {
            await UnregisterPulseAsync();
            _pulseRegistered = false;
        }
    }

    private async Task UnregisterPulseAsync()
    {
        if (_pulse is { } registered)
        {
            _pulse = null;
            try
            {
                await this.UnregisterReminder(registered);
                return;
            }
            catch (ReminderException)
            {
                // The row changed since this activation registered it (its ETag is stale): read it back below.
            }
        }

        var reminder = await this.GetReminder(PulseReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Arms the grain timer for the earliest due work, so it happens on time while the grain is active.</summary>
    private void ArmTimer() => ArmTimer(TimeSpan.Zero);

    /// <summary>Arms the grain timer for the earliest due work, but not sooner than <paramref name="notBefore"/> from now.</summary>
    private void ArmTimer(TimeSpan notBefore)
    {
        if (NextDueAt() is not { } due)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        var delay = due - Now;
        if (delay > TimerHorizon)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        if (delay < notBefore)
        {
            delay = notBefore;
        }

        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(
                static (grain, _) => grain.DoDueWorkAsync(),
                this,
                new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan });
        }
        else
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Hands the oldest pending event to the dispatcher when it is due; one in flight per checkout keeps order.</summary>
    private void DispatchDueWebhook()
    {
        var head = State.Webhooks.FirstOrDefault(w => w.State == WebhookDeliveryState.Pending);
        if (head is null)
        {
            return;
        }

        var now = Now;
        if (string.Equals(_webhookInFlight, head.EventId, StringComparison.Ordinal) && now - _webhookInFlightSince < WebhookInFlightLimit)
        {
            return;
        }

        if (head.NextAttemptAt > now)
        {
            return;
        }

        var merchant = merchants.Get(State.MerchantId);
        if (merchant.WebhookUrl is null || string.IsNullOrEmpty(merchant.WebhookSecret))
        {
            LogNoWebhookEndpoint(logger, _key, head.EventId);
            return;
        }

        _webhookInFlight = head.EventId;
        _webhookInFlightSince = now;
        webhookDispatcher.Enqueue(new WebhookDispatch(_key, head.EventId, head.Body, merchant.WebhookUrl, merchant.WebhookSecret));
    }

    /// <summary>The scheduled work, for operators.</summary>
    private List<ReminderView> ScheduledWork()
    {
        var work = new List<ReminderView>();
        if (State.Status == CheckoutStatus.Created && State.Nicepay.NextRegistrationAttemptAt is { } registration
            && State.Nicepay.Registration != RegistrationProgress.None)
        {
            work.Add(new ReminderView
            {
                Name = "registration",
                DueAt = registration,
                Purpose = State.Nicepay.Registration == RegistrationProgress.OutcomeUnknown
                    ? "look the registration up at NICEPAY (outcome unknown)"
                    : "send the registration again (NICEPAY did not register it)",
            });
        }

        if (State.Nicepay.NextStatusCheckAt is { } check)
        {
            work.Add(new ReminderView { Name = "status-check", DueAt = check, Purpose = "ask NICEPAY for the status (recovers lost notifications)" });
        }

        if (CheckoutStateMachine.AwaitingPayment.Contains(State.Status) && State.Nicepay.NextStatusCheckAt is not null)
        {
            work.Add(new ReminderView
            {
                Name = "expiry",
                DueAt = ExpiryCheckAt,
                Purpose = "final status inquiry, then expire unless paid",
            });
        }

        if (State.Webhooks.FirstOrDefault(w => w.State == WebhookDeliveryState.Pending) is { } head)
        {
            work.Add(new ReminderView { Name = "webhook", DueAt = head.NextAttemptAt ?? Now, Purpose = $"deliver {head.Type} {head.EventId}" });
        }

        if (work.Count > 0)
        {
            work.Add(new ReminderView
            {
                Name = PulseReminderName,
                DueAt = NextDueAt() ?? Now,
                Purpose = $"durable Orleans reminder every {timing.Value.PulsePeriod} that runs the work above after restarts",
            });
        }

        return work;
    }

    private static WebhookDeliveryView ToView(WebhookRecord record) => new()
    {
        EventId = record.EventId,
        Type = record.Type,
        Version = record.Version,
        CreatedAt = record.CreatedAt,
        State = record.State.ToString().ToLowerInvariant(),
        DeliveredAt = record.DeliveredAt,
        NextAttemptAt = record.NextAttemptAt,
        Attempts = [.. record.Attempts],
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {CheckoutKey}: unexpected reminder {ReminderName}; removed")]
    private static partial void LogUnexpectedReminder(ILogger logger, string checkoutKey, string reminderName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {CheckoutKey}: event {EventId} is pending but the merchant has no webhook endpoint configured")]
    private static partial void LogNoWebhookEndpoint(ILogger logger, string checkoutKey, string eventId);
}
