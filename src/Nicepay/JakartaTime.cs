using System.Globalization;

namespace Orchestrator.Nicepay;

/// <summary>
/// NICEPAY's clock: every date and time on the wire is Asia/Jakarta wall-clock time (WIB, UTC+07:00).
/// Indonesia has no daylight saving time, so a fixed offset is exact and needs no tz database.
/// </summary>
public static class JakartaTime
{
    /// <summary>The fixed WIB offset, +07:00.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    private const string TimeStampFormat = "yyyyMMddHHmmss";
    private const string DateFormat = "yyyyMMdd";
    private const string TimeFormat = "HHmmss";

    /// <summary>The instant as <c>yyyyMMddHHmmss</c> in Jakarta time (the <c>timeStamp</c> field).</summary>
    public static string ToTimeStamp(DateTimeOffset instant) => Format(instant, TimeStampFormat);

    /// <summary>The Jakarta date of the instant as <c>yyyyMMdd</c> (e.g. <c>payValidDt</c>).</summary>
    public static string ToDate(DateTimeOffset instant) => Format(instant, DateFormat);

    /// <summary>The Jakarta time of day of the instant as <c>HHmmss</c> (e.g. <c>payValidTm</c>).</summary>
    public static string ToTime(DateTimeOffset instant) => Format(instant, TimeFormat);

    /// <summary>
    /// Reads a NICEPAY date (<c>yyyyMMdd</c>) and time (<c>HHmmss</c>) pair as a Jakarta instant (offset +07:00).
    /// Returns <see langword="null"/> when either part is missing, empty or malformed: NICEPAY sends such pairs
    /// as <c>null</c> or <c>""</c> when it has no value.
    /// </summary>
    public static DateTimeOffset? ParseDateTime(string? date, string? time)
    {
        if (string.IsNullOrWhiteSpace(date) || string.IsNullOrWhiteSpace(time))
        {
            return null;
        }

        return DateTime.TryParseExact(
                date.Trim() + time.Trim(),
                TimeStampFormat,
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var wallClock)
            ? new DateTimeOffset(wallClock, Offset)
            : null;
    }

    private static string Format(DateTimeOffset instant, string format) =>
        instant.ToOffset(Offset).ToString(format, CultureInfo.InvariantCulture);
}
