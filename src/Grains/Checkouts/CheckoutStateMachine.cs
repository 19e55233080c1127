using Orchestrator.Contracts.Checkouts;
using Stateless;
using Stateless.Graph;

namespace Orchestrator.Grains.Checkouts;

/// <summary>
/// The checkout's transition table: the single source of truth for what may happen in which status. The grain builds
/// one per activation over its persisted status; tests build one over a local variable. A trigger the table does not
/// permit throws <see cref="CheckoutTransitionNotPermittedException"/>, which the grain turns into a refusal (409).
/// </summary>
public static class CheckoutStateMachine
{
    /// <summary>Statuses in which the checkout waits for the customer to pay.</summary>
    public static readonly IReadOnlySet<CheckoutStatus> AwaitingPayment = new HashSet<CheckoutStatus>
    {
        CheckoutStatus.Registered,
        CheckoutStatus.Notified,
    };

    /// <summary>
    /// Builds the machine. <paramref name="registrationMayExist"/> guards cancelling a checkout whose registration
    /// outcome is unknown: a payment code may exist that we cannot cancel without its transaction id.
    /// </summary>
    public static StateMachine<CheckoutStatus, CheckoutTrigger> Create(
        Func<CheckoutStatus> readStatus,
        Action<CheckoutStatus> writeStatus,
        Func<bool> registrationMayExist)
    {
        // RetainSynchronizationContext keeps every async action on the Orleans activation scheduler; it must be set
        // before Configure() because each state representation copies it when created (stack-notes §8.3).
        var machine = new StateMachine<CheckoutStatus, CheckoutTrigger>(readStatus, writeStatus)
        {
            RetainSynchronizationContext = true,
        };

        machine.OnUnhandledTriggerAsync((status, trigger, unmetGuards) =>
            throw new CheckoutTransitionNotPermittedException(status, trigger, unmetGuards));

        machine.Configure(CheckoutStatus.Created)
            .Permit(CheckoutTrigger.Register, CheckoutStatus.Registered)
            .Permit(CheckoutTrigger.FailRegistration, CheckoutStatus.Failed)
            .InternalTransitionAsync(CheckoutTrigger.DeferRegistration, NoAction)
            // A notification before we learnt the transaction id: NICEPAY registered it after all.
            .InternalTransitionAsync(CheckoutTrigger.RecordNotification, NoAction)
            .InternalTransitionAsync(CheckoutTrigger.RecordAnomaly, NoAction)
            .PermitIf(CheckoutTrigger.Cancel, CheckoutStatus.Cancelled,
                () => !registrationMayExist(), "no payment code can exist");

        machine.Configure(CheckoutStatus.Registered)
            .Permit(CheckoutTrigger.RecordNotification, CheckoutStatus.Notified)
            // A status check found the payment although no notification came: the lost notification is recovered.
            .Permit(CheckoutTrigger.ConfirmPayment, CheckoutStatus.Confirmed)
            .Permit(CheckoutTrigger.Expire, CheckoutStatus.Expired)
            .Permit(CheckoutTrigger.Cancel, CheckoutStatus.Cancelled)
            .Permit(CheckoutTrigger.Reverse, CheckoutStatus.Reversed)
            .InternalTransitionAsync(CheckoutTrigger.RecordInquiryFailure, NoAction)
            .InternalTransitionAsync(CheckoutTrigger.RecordAnomaly, NoAction);

        machine.Configure(CheckoutStatus.Notified)
            .Permit(CheckoutTrigger.ConfirmPayment, CheckoutStatus.Confirmed)
            // The final inquiry at the end of validity still says unpaid: the notification was not borne out.
            .Permit(CheckoutTrigger.Expire, CheckoutStatus.Expired)
            .Permit(CheckoutTrigger.Reverse, CheckoutStatus.Reversed)
            .InternalTransitionAsync(CheckoutTrigger.RecordNotification, NoAction)
            .InternalTransitionAsync(CheckoutTrigger.RecordContradiction, NoAction)
            .InternalTransitionAsync(CheckoutTrigger.RecordInquiryFailure, NoAction)
            .InternalTransitionAsync(CheckoutTrigger.RecordAnomaly, NoAction);

        machine.Configure(CheckoutStatus.Confirmed)
            .Permit(CheckoutTrigger.Fulfil, CheckoutStatus.Fulfilled)
            .Permit(CheckoutTrigger.Reverse, CheckoutStatus.Reversed)
            .InternalTransitionAsync(CheckoutTrigger.RecordNotification, NoAction)
            .InternalTransitionAsync(CheckoutTrigger.RecordAnomaly, NoAction);

        machine.Configure(CheckoutStatus.Fulfilled)
            .Permit(CheckoutTrigger.Reverse, CheckoutStatus.Reversed)
            .InternalTransitionAsync(CheckoutTrigger.RecordNotification, NoAction)
            .InternalTransitionAsync(CheckoutTrigger.RecordAnomaly, NoAction);

        // Expired, cancelled and failed are closed for the merchant, but a payment NICEPAY verifies as paid is never
        // lost: it still moves the checkout to confirmed (journaled as late).
        foreach (var closed in new[] { CheckoutStatus.Expired, CheckoutStatus.Cancelled, CheckoutStatus.Failed })
        {
            machine.Configure(closed)
                .Permit(CheckoutTrigger.ConfirmPayment, CheckoutStatus.Confirmed)
                .InternalTransitionAsync(CheckoutTrigger.RecordNotification, NoAction)
                .InternalTransitionAsync(CheckoutTrigger.RecordInquiryFailure, NoAction)
                .InternalTransitionAsync(CheckoutTrigger.RecordAnomaly, NoAction);
        }

        machine.Configure(CheckoutStatus.Expired).Permit(CheckoutTrigger.Reverse, CheckoutStatus.Reversed);
        machine.Configure(CheckoutStatus.Cancelled).Permit(CheckoutTrigger.Reverse, CheckoutStatus.Reversed);

        machine.Configure(CheckoutStatus.Reversed)
            .InternalTransitionAsync(CheckoutTrigger.RecordNotification, NoAction)
            .InternalTransitionAsync(CheckoutTrigger.RecordAnomaly, NoAction);

        return machine;
    }

    /// <summary>The state diagram in Mermaid, generated from the table (docs/state-machine.md embeds it).</summary>
    public static string ToMermaid()
    {
        var status = CheckoutStatus.Created;
        var machine = Create(() => status, s => status = s, () => false);

        // Internal transitions are drawn as self-loops; Stateless labels their (anonymous) action "Function".
        return MermaidGraph.Format(machine.GetInfo()).Replace(" [Function]", "", StringComparison.Ordinal);
    }

    // Internal transitions only record (the grain journals them); they have no action of their own.
    private static Task NoAction(StateMachine<CheckoutStatus, CheckoutTrigger>.Transition transition) => Task.CompletedTask;
}

/// <summary>The transition table does not permit a trigger in the current status.</summary>
public sealed class CheckoutTransitionNotPermittedException(CheckoutStatus status, CheckoutTrigger trigger, ICollection<string>? unmetGuards = null)
    : InvalidOperationException(unmetGuards is { Count: > 0 }
        ? $"{trigger} is not permitted when the checkout is {status}: requires {string.Join(", ", unmetGuards)}."
        : $"{trigger} is not permitted when the checkout is {status}.")
{
    /// <summary>The status the checkout was in.</summary>
    public CheckoutStatus Status { get; } = status;

    /// <summary>The trigger that was refused.</summary>
    public CheckoutTrigger Trigger { get; } = trigger;
}
