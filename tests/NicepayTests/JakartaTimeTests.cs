namespace Orchestrator.Nicepay.Tests;

public sealed class JakartaTimeTests
{
    [Fact]
    public void Offset_Always_IsSevenHours() => Assert.Equal(TimeSpan.FromHours(7), JakartaTime.Offset);

    [Fact]
    public void ToTimeStamp_FromUtcInstant_WritesJakartaWallClock() =>
        Assert.Equal("20221202152801", JakartaTime.ToTimeStamp(new DateTimeOffset(2022, 12, 2, 8, 28, 1, TimeSpan.Zero)));

    [Fact]
    public void ToTimeStamp_LateUtcEvening_RollsToNextJakartaDay() =>
        Assert.Equal("20240301003000", JakartaTime.ToTimeStamp(new DateTimeOffset(2024, 2, 29, 17, 30, 0, TimeSpan.Zero)));

    [Fact]
    public void ToTimeStamp_FromOtherOffset_ConvertsToJakarta() =>
        Assert.Equal("20221202152801", JakartaTime.ToTimeStamp(new DateTimeOffset(2022, 12, 2, 17, 28, 1, TimeSpan.FromHours(9))));

    [Fact]
    public void ToDateAndToTime_FromUtcInstant_SplitJakartaWallClock()
    {
        var instant = new DateTimeOffset(2018, 3, 8, 2, 55, 0, TimeSpan.Zero);

        Assert.Equal("20180308", JakartaTime.ToDate(instant));
        Assert.Equal("095500", JakartaTime.ToTime(instant));
    }

    [Fact]
    public void ParseDateTime_WithDateAndTime_ReturnsJakartaInstant()
    {
        var parsed = JakartaTime.ParseDateTime("20180419", "132734");

        Assert.Equal(new DateTimeOffset(2018, 4, 19, 6, 27, 34, TimeSpan.Zero), parsed);
        Assert.Equal(JakartaTime.Offset, parsed!.Value.Offset);
    }

    [Fact]
    public void ParseDateTime_OfFormattedInstant_RoundTripsToSameInstant()
    {
        var instant = new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero);

        Assert.Equal(instant, JakartaTime.ParseDateTime(JakartaTime.ToDate(instant), JakartaTime.ToTime(instant)));
    }

    [Theory]
    [InlineData(null, "132734")]
    [InlineData("20180419", null)]
    [InlineData("", "")]
    [InlineData("2018041", "132734")]
    [InlineData("20181332", "132734")]
    [InlineData("20180419", "256000")]
    [InlineData("2018-04-19", "13:27:34")]
    public void ParseDateTime_WithMissingOrMalformedPart_ReturnsNull(string? date, string? time) =>
        Assert.Null(JakartaTime.ParseDateTime(date, time));
}
