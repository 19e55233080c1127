using System.Text.RegularExpressions;

namespace Orchestrator.Silo.Configuration;

/// <summary>
/// Derives the address other parts of the process can call us at from what the server listens on (<c>urls</c>, set by
/// <c>--urls</c> or <c>ASPNETCORE_URLS</c>): the first URL, with wildcard hosts made concrete.
/// </summary>
internal static partial class ListenAddress
{
    /// <summary>Kestrel's default when no URL is configured.</summary>
    public const string DefaultUrls = "http://localhost:5000";

    /// <summary>
    /// The first URL of a ';'-separated list, with 0.0.0.0, *, + and [::] replaced by 127.0.0.1 (a wildcard is where we
    /// listen, not an address anyone can call), without a trailing slash.
    /// </summary>
    public static string FirstCallableUrl(string? urls)
    {
        var first = (urls ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? DefaultUrls;

        var match = UrlParts().Match(first);
        if (!match.Success)
        {
            return first.TrimEnd('/');
        }

        var host = match.Groups["host"].Value;
        if (host is "" or "0.0.0.0" or "*" or "+" or "[::]")
        {
            host = "127.0.0.1";
        }

        return $"{match.Groups["scheme"].Value}://{host}{match.Groups["rest"].Value}".TrimEnd('/');
    }

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?<host>\[[^\]]*\]|[^/:]*)(?<rest>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex UrlParts();
}
