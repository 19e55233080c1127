using System.Text.RegularExpressions;

namespace Orchestrator.Contracts.Merchants;

/// <summary>
/// The one rule for merchant ids, shared by configuration validation and the operator search, so that a search accepts
/// exactly the ids a merchant can be configured with.
/// </summary>
public static partial class MerchantIds
{
    /// <summary>The rule in words, for validation messages.</summary>
    public const string Rule = "1–40 lowercase letters, digits, '-' or '_', starting with a letter or digit";

    /// <summary>True when <paramref name="id"/> follows <see cref="Rule"/>.</summary>
    public static bool IsValid(string id) => Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
