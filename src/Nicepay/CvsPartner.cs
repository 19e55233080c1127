using System.Diagnostics.CodeAnalysis;

namespace Orchestrator.Nicepay;

/// <summary>The convenience-store network a CVS payment code is issued for (<c>mitraCd</c> on the wire).</summary>
public enum CvsPartner
{
    /// <summary>Indomaret (<c>INDO</c>).</summary>
    Indomaret = 1,

    /// <summary>The Alfa group: Alfamart, Alfamidi, Dan+Dan and Lawson (<c>ALMA</c>).</summary>
    AlfaGroup = 2,
}

/// <summary>The <c>mitraCd</c> wire codes of <see cref="CvsPartner"/>.</summary>
public static class MitraCodes
{
    /// <summary>Indomaret.</summary>
    public const string Indomaret = "INDO";

    /// <summary>Alfamart, Alfamidi, Dan+Dan and Lawson.</summary>
    public const string AlfaGroup = "ALMA";

    /// <summary>The wire code of <paramref name="partner"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="CvsPartner"/>.</exception>
    public static string ToCode(CvsPartner partner) => partner switch
    {
        CvsPartner.Indomaret => Indomaret,
        CvsPartner.AlfaGroup => AlfaGroup,
        _ => throw new ArgumentOutOfRangeException(nameof(partner), partner, "Unknown CVS partner."),
    };

    /// <summary>Reads a wire code, ignoring case and surrounding white space.</summary>
    public static bool TryParse([NotNullWhen(true)] string? code, out CvsPartner partner)
    {
        switch (code?.Trim().ToUpperInvariant())
        {
            case Indomaret:
                partner = CvsPartner.Indomaret;
                return true;
            case AlfaGroup:
                partner = CvsPartner.AlfaGroup;
                return true;
            default:
                partner = default;
                return false;
        }
    }

    /// <summary>Reads a wire code, ignoring case and surrounding white space.</summary>
    /// <exception cref="FormatException">The code is neither <c>INDO</c> nor <c>ALMA</c>.</exception>
    public static CvsPartner Parse(string code) =>
        TryParse(code, out var partner)
            ? partner
            : throw new FormatException($"'{code}' is not a NICEPAY CVS mitraCd (expected {Indomaret} or {AlfaGroup}).");
}
