using System.Globalization;

namespace Orchestrator.NicepaySandbox.Ledger;

/// <summary>NICEPAY's dates and times are Jakarta wall-clock time (WIB, UTC+7, no daylight saving).</summary>
internal static class JakartaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    public static DateTimeOffset ToJakarta(DateTimeOffset instant) => instant.ToOffset(Offset);

    /// <summary><c>yyyyMMdd</c>, as in <c>transDt</c>, <c>payValidDt</c> and <c>depositDt</c>.</summary>
    public static string Date(DateTimeOffset instant) => ToJakarta(instant).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary><c>HHmmss</c>, as in <c>transTm</c>, <c>payValidTm</c> and <c>depositTm</c>.</summary>
    public static string Time(DateTimeOffset instant) => ToJakarta(instant).ToString("HHmmss", CultureInfo.InvariantCulture);

    /// <summary><c>yyyyMMddHHmmss</c>, the middle part of a tXid.</summary>
    public static string Stamp(DateTimeOffset instant) => ToJakarta(instant).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Reads <c>yyyyMMdd</c> + <c>HHmmss</c> as Jakarta time; false when it is not a real date and time.</summary>
    public static bool TryParse(string date, string time, out DateTimeOffset instant)
    {
        if (DateTime.TryParseExact(date + time, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            instant = new DateTimeOffset(local, Offset);
            return true;
        }

        instant = default;
        return false;
    }
}
