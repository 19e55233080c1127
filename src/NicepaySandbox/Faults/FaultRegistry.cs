namespace Orchestrator.NicepaySandbox.Faults;

/// <summary>The fault rules in force. The oldest active rule that matches fires; one rule per request or notification.</summary>
internal sealed class FaultRegistry(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<FaultView> _rules = [];
    private long _nextId;

    public FaultView Add(FaultOperation operation, string kind, FaultMatch? match, int? delayMs, int? count, int? httpStatus, int? copies, int? matchCl)
    {
        lock (_gate)
        {
            var rule = new FaultView(
                $"fault-{++_nextId}", operation.ToString().ToLowerInvariant(), kind, match, delayMs, count, count, 0,
                httpStatus, copies, matchCl, Spent: false, time.GetUtcNow().ToOffset(TimeSpan.FromHours(7)))
            {
                OperationValue = operation,
            };
            _rules.Add(rule);
            return rule;
        }
    }

    public IReadOnlyList<FaultView> List()
    {
        lock (_gate)
        {
            return [.. _rules];
        }
    }

    public FaultView? Find(string id)
    {
        lock (_gate)
        {
            return _rules.Find(r => r.Id == id);
        }
    }

    public bool Remove(string id)
    {
        lock (_gate)
        {
            return _rules.RemoveAll(r => r.Id == id) > 0;
        }
    }

    public int Clear()
    {
        lock (_gate)
        {
            var removed = _rules.Count;
            _rules.Clear();
            return removed;
        }
    }

    /// <summary>Fires the oldest active rule for <c>operation</c> that matches, spending one of its count.</summary>
    /// <remarks>
    /// <c>acceptsKind</c>: Narrows the kinds that may fire here (a reversal notification cannot trigger another reversal).
    /// </remarks>
    public FaultView? TryFire(FaultOperation operation, FaultSubject subject, Func<string, bool>? acceptsKind = null)
    {
        lock (_gate)
        {
            var index = _rules.FindIndex(r =>
                !r.Spent
                && r.OperationValue == operation
                && (r.Match is null || r.Match.Matches(subject))
                && (acceptsKind is null || acceptsKind(r.Kind)));
            if (index < 0)
            {
                return null;
            }

            var rule = _rules[index];
            var remaining = rule.Remaining - 1;
            var fired = rule with { Fired = rule.Fired + 1, Remaining = remaining, Spent = remaining <= 0 };
            _rules[index] = fired;
            return fired;
        }
    }
}
