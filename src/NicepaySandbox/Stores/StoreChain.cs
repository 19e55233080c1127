using Orchestrator.NicepaySandbox.Ledger;

namespace Orchestrator.NicepaySandbox.Stores;

/// <summary>
/// A store the customer can pay at. ALMA numbers are paid at any Alfa-group store, INDO numbers at Indomaret only
/// (contract §7). Cut-off hours are Jakarta time: Alfa group 22:00–01:00, Indomaret 23:00–01:00.
/// </summary>
internal sealed record StoreChain(string Name, string DisplayName, string MitraCd, int ClosesAtHour, int OpensAtHour)
{
    private static readonly Dictionary<string, StoreChain> _byName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["indomaret"] = new("indomaret", "Indomaret", "INDO", 23, 1),
        ["alfamart"] = new("alfamart", "Alfamart", "ALMA", 22, 1),
        ["alfamidi"] = new("alfamidi", "Alfamidi", "ALMA", 22, 1),
        ["lawson"] = new("lawson", "Lawson", "ALMA", 22, 1),
        ["dandan"] = new("dandan", "Dan+Dan", "ALMA", 22, 1),
    };

    public static IEnumerable<string> Names => _byName.Keys;

    public static StoreChain? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>True inside the nightly cut-off, which wraps past midnight.</summary>
    public bool IsClosedAt(DateTimeOffset instant)
    {
        var hour = JakartaTime.ToJakarta(instant).Hour;
        return hour >= ClosesAtHour || hour < OpensAtHour;
    }
}
