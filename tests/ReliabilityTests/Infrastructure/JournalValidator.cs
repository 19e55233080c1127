using Orchestrator.Contracts.Checkouts;
using Orchestrator.Grains.Checkouts;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>
/// Checks a checkout's journal, as the operator API shows it, against the transition table itself
/// (<see cref="CheckoutStateMachine.Create"/> from src/Grains): the journal must be a path through the machine.
/// <list type="bullet">
/// <item>It starts with <c>Create</c> at version 1 in <c>created</c>; versions are 1, 2, 3… without gaps or repeats.</item>
/// <item>Each entry starts where the one before ended, and replaying its trigger from its <c>from</c> status is permitted
/// by the table and lands on its <c>to</c> status. (The one guard, "no payment code can exist" on cancelling a created
/// checkout, depends on state the journal does not show; the replay lets it pass.)</item>
/// <item>Triggers that can happen once in a checkout's life happen at most once (<see cref="OnceOnly"/>): a second one
/// would be a double transition (two registrations, two confirmations…).</item>
/// <item>No notification is applied twice: entries caused by a notification never repeat the same trigger and details
/// (the details name the notification's status, amount, match and tXid).</item>
/// </list>
/// </summary>
public static class JournalValidator
{
    /// <summary>Triggers a checkout's life has at most one of.</summary>
    public static readonly IReadOnlySet<string> OnceOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "Create",
        nameof(CheckoutTrigger.Register),
        nameof(CheckoutTrigger.FailRegistration),
        nameof(CheckoutTrigger.ConfirmPayment),
        nameof(CheckoutTrigger.Fulfil),
        nameof(CheckoutTrigger.Expire),
        nameof(CheckoutTrigger.Cancel),
        nameof(CheckoutTrigger.Reverse),
    };

    /// <summary>Every way the journal breaks the rules above; empty when it is a valid path.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IReadOnlyList<JournalEntryJson> journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        var violations = new List<string>();
        if (journal.Count == 0)
        {
            return ["the journal is empty"];
        }

        var first = journal[0];
        if (first is not { Version: 1, Trigger: "Create", From: "created", To: "created" })
        {
            violations.Add($"the first entry is v{first.Version} {first.From} -> {first.To} on {first.Trigger}, not v1 created -> created on Create");
        }

        var status = CheckoutStatus.Created;
        var machine = CheckoutStateMachine.Create(() => status, next => status = next, registrationMayExist: () => false);
        for (var i = 1; i < journal.Count; i++)
        {
            var entry = journal[i];
            var previous = journal[i - 1];
            if (entry.Version != previous.Version + 1)
            {
                violations.Add($"v{previous.Version} is followed by v{entry.Version}");
            }

            if (!string.Equals(entry.From, previous.To, StringComparison.Ordinal))
            {
                violations.Add($"v{entry.Version} starts in {entry.From}, but v{previous.Version} ended in {previous.To}");
            }

            if (!Enum.TryParse<CheckoutTrigger>(entry.Trigger, ignoreCase: false, out var trigger) || !Enum.IsDefined(trigger))
            {
                violations.Add($"v{entry.Version}: '{entry.Trigger}' is not a trigger of the state machine");
                continue;
            }

            if (!TryParseStatus(entry.From, out var from) || !TryParseStatus(entry.To, out var to))
            {
                violations.Add($"v{entry.Version}: unknown status in {entry.From} -> {entry.To}");
                continue;
            }

            status = from;
            if (!machine.CanFire(trigger))
            {
                violations.Add($"v{entry.Version}: {trigger} is not permitted in {entry.From}");
                continue;
            }

            await machine.FireAsync(trigger);
            if (status != to)
            {
                violations.Add($"v{entry.Version}: {trigger} from {entry.From} leads to {status.ToString().ToLowerInvariant()}, but the journal says {entry.To}");
            }
        }

        foreach (var repeated in journal.GroupBy(entry => entry.Trigger).Where(g => OnceOnly.Contains(g.Key) && g.Count() > 1))
        {
            violations.Add($"{repeated.Key} applied {repeated.Count()} times (v{string.Join(", v", repeated.Select(e => e.Version))})");
        }

        foreach (var repeated in journal.Where(entry => entry.Cause == "notification")
                     .GroupBy(entry => (entry.Trigger, entry.Details))
                     .Where(g => g.Count() > 1))
        {
            violations.Add($"one notification applied {repeated.Count()} times: {repeated.Key.Trigger} '{repeated.Key.Details}' (v{string.Join(", v", repeated.Select(e => e.Version))})");
        }

        return violations;
    }

    /// <summary>Parses a wire status name (<c>registered</c>) into the contract's enum.</summary>
    public static bool TryParseStatus(string wireName, out CheckoutStatus status) =>
        Enum.TryParse(wireName, ignoreCase: true, out status) && Enum.IsDefined(status);
}
