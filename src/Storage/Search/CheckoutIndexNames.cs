using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Storage.Search;

/// <summary>
/// <c>checkout_index</c> stores <see cref="CheckoutStatus"/> and <see cref="StoreNetwork"/> by their C# names
/// ("Registered", "Indomaret"), readable in SQL; grain state stores the same enums by number. These are the two
/// mappings, derived from the enums so that a new value cannot be forgotten here.
/// </summary>
internal static class CheckoutIndexNames
{
    public static CheckoutStatus ParseStatus(string name) =>
        IsName(name) && Enum.TryParse<CheckoutStatus>(name, ignoreCase: false, out var status) && Enum.IsDefined(status)
            ? status
            : throw new InvalidOperationException($"checkout_index holds status '{name}', which this build does not know.");

    public static StoreNetwork ParseStore(string name) =>
        IsName(name) && Enum.TryParse<StoreNetwork>(name, ignoreCase: false, out var store) && Enum.IsDefined(store)
            ? store
            : throw new InvalidOperationException($"checkout_index holds store '{name}', which this build does not know.");

    // Enum.TryParse also reads numbers ("3"); only names are stored.
    private static bool IsName(string name) => name.Length > 0 && char.IsAsciiLetter(name[0]);

    /// <summary>
    /// A SQL <c>CASE</c> turning the JSON text of an enum number into its name, e.g.
    /// <c>CASE x WHEN '0' THEN 'Created' … END</c>; NULL for a number this build does not know.
    /// </summary>
    public static string NumberToNameSql<TEnum>(string textExpression)
        where TEnum : struct, Enum =>
        $"CASE {textExpression} "
        + string.Join(" ", Enum.GetValues<TEnum>().Select(value =>
            $"WHEN '{Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)}' THEN '{value}'"))
        + " END";
}
