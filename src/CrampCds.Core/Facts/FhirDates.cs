using System.Globalization;

namespace CrampCds.Core.Facts;

/// <summary>FHIR date, dateTime and instant values, including partial dates ("1975", "1975-06").</summary>
public static class FhirDates
{
    /// <summary>The earliest instant a value can mean ("1975" is 1975-01-01), or null when unreadable.</summary>
    public static DateTimeOffset? Earliest(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year > 0)
        {
            return new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        }

        if (text.Length == 7 && DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var month))
        {
            return new DateTimeOffset(month, TimeSpan.Zero);
        }

        if (text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
        {
            return new DateTimeOffset(day, TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) ? instant : null;
    }

    /// <summary>Whole years from <paramref name="birthDate"/> (its earliest day, so the older possible age) to <paramref name="now"/>.</summary>
    public static int? AgeInYears(string? birthDate, DateTimeOffset now)
    {
        if (Earliest(birthDate) is not { } born || born > now)
        {
            return null;
        }

        var age = now.Year - born.Year;
        if (now.Month < born.Month || (now.Month == born.Month && now.Day < born.Day))
        {
            age--;
        }

        return age;
    }

    /// <summary>How a card prints a date.</summary>
    public static string Display(DateTimeOffset? date) =>
        date is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "date unknown";
}
