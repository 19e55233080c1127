using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Search;
using Orchestrator.Contracts.Webhooks;
using Orchestrator.Grains.Webhooks;
using Orchestrator.Nicepay;
using Stateless;

namespace Orchestrator.Grains.Checkouts;

/// <summary>
/// One checkout, from registration at NICEPAY to fulfilment. Every change goes through the state machine, is
/// journaled with a new version, and is persisted before anyone (caller, merchant webhook) hears of it.
/// Work that must happen later (status checks, expiry, registration recovery, webhook retries) is scheduled in the
/// state and driven by one durable reminder (the pulse) plus a grain timer for punctuality while active.
/// </summary>
[GrainType("checkout")]
public sealed partial class CheckoutGrain(
    [PersistentState("checkout", GrainsServiceCollectionExtensions.StorageName)] IPersistentState<CheckoutState> state,
    INicepayClient nicepay,
    MerchantDirectory merchants,
    WebhookDispatcher webhookDispatcher,
    ICheckoutEventSerializer eventSerializer,
    ICheckoutIndex index,
    IOptions<CheckoutRulesOptions> rules,
    IOptions<CheckoutTimingOptions> timing,
    IOptions<OrchestratorOptions> orchestrator,
    TimeProvider timeProvider,
    ILogger<CheckoutGrain> logger) : Grain, ICheckoutGrain, IWebhookAttemptReceiver, IRemindable
{
    private StateMachine<CheckoutStatus, CheckoutTrigger> _machine = null!;
    private string _key = "";

    private CheckoutState State => state.State;

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();

        // Built here, not in the constructor: Stateless reads the state accessor at once, and the persisted state is
        // only loaded by now (stack-notes §8.2).
        _machine = CheckoutStateMachine.Create(
            () => State.Status,
            status => State.Status = status,
            () => State.Nicepay.Registration == RegistrationProgress.OutcomeUnknown);

        if (state.RecordExists)
        {
            await ResumeAsync();
        }
    }

    /// <inheritdoc />
    public async Task<CreateCheckoutResult> CreateAsync(CreateCheckoutCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (state.RecordExists)
        {
            var differences = DifferencesFrom(State.Request!, command);
            return new CreateCheckoutResult
            {
                Outcome = differences.Count == 0 ? CreateCheckoutOutcome.Existing : CreateCheckoutOutcome.Conflict,
                Checkout = ToSnapshot(),
                ConflictingFields = differences,
            };
        }

        var (merchantId, referenceNo) = CheckoutKey.Parse(_key);
        var merchant = merchants.Get(merchantId);
        var now = Now;
        State.MerchantId = merchantId;
        State.ReferenceNo = referenceNo;
        State.MerchantName = merchant.Name;
        State.Request = command;
        State.CreatedAt = now;
        State.ExpiresAt = (command.ExpiresAt ?? now + rules.Value.DefaultValidity).ToUniversalTime();
        State.Nicepay.IMid = merchant.Nicepay.IMid;
        State.Nicepay.ReferenceNo = referenceNo;
        Journal(CheckoutStatus.Created, "Create", CheckoutCause.MerchantCall, $"amount {command.Amount} IDR at {command.Store}, valid until {State.ExpiresAt:O}");

        // Persist before calling NICEPAY, with the registration marked as in flight: whatever happens next (even a
        // crash mid-call), the checkout exists and its registration is looked up before it is ever sent again.
        State.Nicepay.RegistrationAttempts = 1;
        State.Nicepay.Registration = RegistrationProgress.OutcomeUnknown;
        State.Nicepay.NextRegistrationAttemptAt = now + timing.Value.RegistrationSettleDelay;
        await SaveAsync();
        await RegisterAtNicepayAsync(CheckoutCause.MerchantCall);
        return new CreateCheckoutResult { Outcome = CreateCheckoutOutcome.Created, Checkout = ToSnapshot() };
    }

    /// <inheritdoc />
    public Task<CheckoutSnapshot?> GetAsync() =>
        Task.FromResult(state.RecordExists ? ToSnapshot() : null);

    /// <inheritdoc />
    public async Task<CheckoutDetails?> GetDetailsAsync()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        return new CheckoutDetails
        {
            Checkout = ToSnapshot(),
            Nicepay = new NicepayView
            {
                IMid = State.Nicepay.IMid,
                ReferenceNo = State.Nicepay.ReferenceNo,
                TransactionId = State.Nicepay.TransactionId,
                PaymentCode = State.Nicepay.PaymentCode,
                RegistrationAttempts = State.Nicepay.RegistrationAttempts,
                LastStatus = State.Nicepay.LastStatus,
                LastInquiryAt = State.Nicepay.LastInquiryAt,
                ConsecutiveInquiryFailures = State.Nicepay.ConsecutiveInquiryFailures,
                ReceiptCode = State.Nicepay.ReceiptCode,
            },
            Journal = [.. State.Journal],
            PermittedActions = await PermittedActionsAsync(),
            Reminders = ScheduledWork(),
            WebhookDeliveries = [.. State.Webhooks.Select(ToView)],
            Anomalies = [.. State.Anomalies],
            ActiveOn = RuntimeIdentity,
        };
    }

    /// <inheritdoc />
    public async Task<CheckoutCommandResult> FulfilAsync()
    {
        if (!state.RecordExists)
        {
            return NotFound();
        }

        if (State.Status == CheckoutStatus.Fulfilled)
        {
            return await ResultAsync(CommandOutcome.AlreadyApplied, "The checkout is already fulfilled.");
        }

        if (!_machine.CanFire(CheckoutTrigger.Fulfil))
        {
            return await NotPermittedAsync("fulfil");
        }

        await FireAsync(CheckoutTrigger.Fulfil, CheckoutCause.MerchantCall, "merchant called fulfil");
        await SaveAsync();
        return await ResultAsync(CommandOutcome.Applied);
    }

    /// <inheritdoc />
    public async Task<CheckoutCommandResult> CheckStatusAsync(CheckoutCause cause)
    {
        if (!state.RecordExists)
        {
            return NotFound();
        }

        bool reached;
        if (State.Status == CheckoutStatus.Created)
        {
            State.Nicepay.NextRegistrationAttemptAt = Now;
            reached = await RecoverRegistrationAsync(cause);
        }
        else
        {
            reached = await RunStatusCheckAsync(cause, "requested");
        }

        return reached
            ? await ResultAsync(CommandOutcome.Applied)
            : await ResultAsync(CommandOutcome.GatewayUnavailable, "NICEPAY did not answer the status inquiry; the check is retried with back-off.");
    }

    /// <summary>The checkout as the merchant sees it.</summary>
    private CheckoutSnapshot ToSnapshot()
    {
        var request = State.Request!;
        return new CheckoutSnapshot
        {
            MerchantId = State.MerchantId,
            ReferenceNo = State.ReferenceNo,
            Status = State.Status,
            Amount = request.Amount,
            Currency = "IDR",
            Store = request.Store,
            GoodsName = request.GoodsName,
            Customer = request.Customer,
            Metadata = request.Metadata,
            PaymentCode = State.Nicepay.PaymentCode,
            TransactionId = State.Nicepay.TransactionId,
            ExpiresAt = State.ExpiresAt,
            CreatedAt = State.CreatedAt,
            UpdatedAt = State.UpdatedAt,
            Version = State.Version,
            PaidAt = State.PaidAt,
            FailureReason = State.FailureReason,
            RequiresAttention = State.RequiresAttention,
            MerchantName = State.MerchantName,
        };
    }

    /// <summary>The checkout's row in the operator read model.</summary>
    private CheckoutIndexEntry ToIndexEntry() => new()
    {
        MerchantId = State.MerchantId,
        ReferenceNo = State.ReferenceNo,
        Status = State.Status,
        Store = State.Request!.Store,
        Amount = State.Request.Amount,
        PaymentCode = State.Nicepay.PaymentCode,
        TransactionId = State.Nicepay.TransactionId,
        CreatedAt = State.CreatedAt,
        UpdatedAt = State.UpdatedAt,
        Version = State.Version,
        RequiresAttention = State.RequiresAttention,
    };

    /// <summary>
    /// Fires a trigger through the state machine and journals it with a new version. The change is in memory until
    /// <see cref="SaveAsync"/>; callers check <c>CanFire</c> first, so a refusal here is a bug, not a user error.
    /// </summary>
    private async Task FireAsync(CheckoutTrigger trigger, CheckoutCause cause, string? details)
    {
        var from = State.Status;
        await _machine.FireAsync(trigger);
        Journal(from, trigger.ToString(), cause, details);
    }

    private void Journal(CheckoutStatus from, string trigger, CheckoutCause cause, string? details)
    {
        var now = Now;
        State.Version++;
        State.UpdatedAt = now;
        State.Journal.Add(new JournalEntry
        {
            Version = State.Version,
            From = from,
            To = State.Status,
            Trigger = trigger,
            Cause = cause,
            At = now,
            Details = details,
        });
        LogTransition(logger, _key, from, State.Status, trigger, cause, State.Version);
    }

    /// <summary>
    /// Persists the state, then acts on it: reminders, webhook dispatch, the punctuality timer. When the write fails,
    /// the in-memory state is reloaded from storage (it must never run ahead of what is durable) — or, when storage
    /// cannot be read either, the activation ends — and the error propagates, so the caller sees a retryable failure
    /// and nothing half-done.
    /// </summary>
    /// <remarks>
    /// A pulse the new state needs (work just became pending) is registered alongside the write instead of after it:
    /// both are durable before anything acts on the state, one round trip sooner. A pulse registered for a write that
    /// then fails is harmless — a tick finding no pending work (or no checkout) removes it. Removing the pulse waits
    /// for the write, so work that is still pending never loses it.
    /// </remarks>
    private async Task SaveAsync()
    {
        var pulse = PulseMissing ? EnsurePulseAsync() : Task.CompletedTask;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            LogWriteFailed(logger, _key, exception.GetType().Name);
            // Let a registration in flight finish (its outcome is settled by the next pulse or activation) before
            // the state is read again.
            await Task.WhenAny(pulse);
            _ = pulse.Exception;
            try
            {
                await state.ReadStateAsync();
            }
            catch (Exception reload)
            {
                // Storage cannot be read either (the database is down): the state in memory is now ahead of what is
                // durable and must never be served or acted on. This activation ends with this call; the next call
                // activates the checkout again from storage.
                LogReloadFailed(logger, _key, reload.GetType().Name);
                DeactivateOnIdle();
            }

            throw;
        }

        // Durable now: the in-memory schedule follows the new state before anything that can still fail (the pulse
        // needs the reminder table), so pending work is never left with neither a timer nor a reminder. Then the read
        // model and the pulse follow it too.
        DispatchDueWebhook();
        ArmTimer();
        await pulse;
        await index.PublishAsync(ToIndexEntry());
        await EnsurePulseAsync();
    }

    /// <summary>Adds a merchant event to the outbox (sent after the next save).</summary>
    private void RaiseEvent(string type, Anomaly? anomaly = null)
    {
        var merchant = merchants.Get(State.MerchantId);
        var checkout = ToSnapshot();
        var eventId = EventIdFor(_key, type, State.Version);
        var body = eventSerializer.Serialize(new CheckoutEvent(eventId, type, Now, checkout, anomaly));
        State.Webhooks.Add(new WebhookRecord
        {
            EventId = eventId,
            Type = type,
            Version = State.Version,
            CreatedAt = Now,
            Body = body,
            State = merchant.WebhookUrl is null ? WebhookDeliveryState.Skipped : WebhookDeliveryState.Pending,
            NextAttemptAt = merchant.WebhookUrl is null ? null : Now,
        });
    }

    /// <summary>
    /// The id of a logical event: derived from the checkout, the type and the version, so re-creating the event (after a
    /// crash, or from a duplicate input) can never produce a second id for the same thing.
    /// </summary>
    internal static string EventIdFor(string checkoutKey, string type, int version)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{checkoutKey}|{type}|{version}"));
        return "evt_" + Convert.ToHexStringLower(hash)[..32];
    }

    /// <summary>
    /// Journals an anomaly (a transition that records without moving) and, when a human must look, flags the
    /// checkout; <paramref name="notifyMerchant"/> also tells the merchant with an attention event. In memory until <see cref="SaveAsync"/>.
    /// </summary>
    private async Task RecordAnomalyAsync(string kind, string detail, bool needsAttention, bool notifyMerchant, CheckoutCause cause)
    {
        await FireAsync(CheckoutTrigger.RecordAnomaly, cause, $"{kind}: {detail}");
        var anomaly = new Anomaly { Kind = kind, At = Now, Detail = detail, Version = State.Version };
        State.Anomalies.Add(anomaly);
        State.RequiresAttention |= needsAttention;
        if (notifyMerchant)
        {
            RaiseEvent(CheckoutEventTypes.AttentionRequired, anomaly);
        }

        LogAnomaly(logger, _key, kind, detail);
    }

    private static List<string> DifferencesFrom(CreateCheckoutCommand existing, CreateCheckoutCommand request)
    {
        var differences = new List<string>();
        if (existing.Amount != request.Amount)
        {
            differences.Add("amount");
        }

        if (existing.Store != request.Store)
        {
            differences.Add("store");
        }

        if (!string.Equals(existing.GoodsName, request.GoodsName, StringComparison.Ordinal))
        {
            differences.Add("goodsName");
        }

        if (existing.Customer != request.Customer)
        {
            differences.Add("customer");
        }

        if (existing.ExpiresAt != request.ExpiresAt)
        {
            differences.Add("expiresAt");
        }

        if (existing.Metadata.Count != request.Metadata.Count
            || existing.Metadata.Any(pair => !request.Metadata.TryGetValue(pair.Key, out var value) || value != pair.Value))
        {
            differences.Add("metadata");
        }

        return differences;
    }

    private async Task<IReadOnlyList<string>> PermittedActionsAsync()
    {
        var actions = new List<string>();
        var triggers = await _machine.GetPermittedTriggersAsync();
        if (triggers.Contains(CheckoutTrigger.Cancel))
        {
            actions.Add("cancel");
        }

        if (triggers.Contains(CheckoutTrigger.Fulfil))
        {
            actions.Add("fulfil");
        }

        if (State.Status != CheckoutStatus.Created || State.Nicepay.Registration != RegistrationProgress.None)
        {
            actions.Add("status-check");
        }

        return actions;
    }

    private static CheckoutCommandResult NotFound() =>
        new() { Outcome = CommandOutcome.NotFound, Detail = "No checkout with this reference." };

    private async Task<CheckoutCommandResult> NotPermittedAsync(string action) =>
        await ResultAsync(CommandOutcome.NotPermitted, $"Cannot {action} a checkout that is {State.Status.ToString().ToLowerInvariant()}.");

    private async Task<CheckoutCommandResult> ResultAsync(CommandOutcome outcome, string? detail = null) => new()
    {
        Outcome = outcome,
        Checkout = ToSnapshot(),
        Detail = detail,
        PermittedActions = await PermittedActionsAsync(),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkout {CheckoutKey}: {From} -> {To} on {Trigger} ({Cause}), version {Version}")]
    private static partial void LogTransition(ILogger logger, string checkoutKey, CheckoutStatus from, CheckoutStatus to, string trigger, CheckoutCause cause, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {CheckoutKey}: anomaly {Kind}: {Detail}")]
    private static partial void LogAnomaly(ILogger logger, string checkoutKey, string kind, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {CheckoutKey}: state write failed ({Error}); reloading from storage")]
    private static partial void LogWriteFailed(ILogger logger, string checkoutKey, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {CheckoutKey}: reloading the state failed too ({Error}); deactivating, the next call reads storage again")]
    private static partial void LogReloadFailed(ILogger logger, string checkoutKey, string error);
}
