namespace Orchestrator.Nicepay.Tests;

public sealed class MitraCodesTests
{
    [Theory]
    [InlineData(CvsPartner.Indomaret, "INDO")]
    [InlineData(CvsPartner.AlfaGroup, "ALMA")]
    public void ToCodeAndParse_ForEachPartner_RoundTrip(CvsPartner partner, string code)
    {
        Assert.Equal(code, MitraCodes.ToCode(partner));
        Assert.Equal(partner, MitraCodes.Parse(code));
    }

    [Theory]
    [InlineData(" alma ", CvsPartner.AlfaGroup)]
    [InlineData("Indo", CvsPartner.Indomaret)]
    public void TryParse_WithOtherCaseOrSpaces_Accepts(string code, CvsPartner expected)
    {
        Assert.True(MitraCodes.TryParse(code, out var partner));
        Assert.Equal(expected, partner);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ALFA")]
    public void TryParse_WithUnknownCode_ReturnsFalse(string? code) => Assert.False(MitraCodes.TryParse(code, out _));

    [Fact]
    public void Parse_WithUnknownCode_ThrowsFormatException() => Assert.Throws<FormatException>(() => MitraCodes.Parse("LAWSON"));

    [Fact]
    public void ToCode_WithUndefinedValue_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => MitraCodes.ToCode((CvsPartner)9));
}
