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

        // The shapes FHIR servers send almost always, read without the general parser (a few times faster).
        if (TryIso(text, out var iso))
        {
            return iso;
        }

        if (text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
        {
            return new DateTimeOffset(day, TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) ? instant : null;
    }

    /// <summary>
    /// "yyyy-MM-dd" (UTC midnight) or "yyyy-MM-ddTHH:mm:ss[.fffffff](Z|+HH:mm|-HH:mm)"; false for anything else,
    /// which the general parser then reads as before.
    /// </summary>
    internal static bool TryIso(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-'
            || !Digits(s[..4], out var year) || !Digits(s.Slice(5, 2), out var month) || !Digits(s.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        if (s.Length == 10)
        {
            value = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
            return true;
        }

        if (s.Length < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':'
            || !Digits(s.Slice(11, 2), out var hour) || !Digits(s.Slice(14, 2), out var minute) || !Digits(s.Slice(17, 2), out var second)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var rest = s[19..];
        long ticks = 0;
        if (rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            if (digits == 1 || digits > 8)
            {
                return false;
            }

            Digits(rest[1..digits], out var fraction);
            ticks = fraction * Pow10(8 - digits);
            rest = rest[digits..];
        }

        TimeSpan offset;
        if (rest is "Z")
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':'
            && Digits(rest.Slice(1, 2), out var offsetHours) && Digits(rest.Slice(4, 2), out var offsetMinutes)
            && offsetHours <= 14 && offsetMinutes <= 59)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (rest[0] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second).AddTicks(ticks);
        var utc = local - offset;
        if (utc < DateTime.MinValue.AddDays(1) || utc > DateTime.MaxValue.AddDays(-1))
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static long Pow10(int exponent)
    {
        long result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
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
    public static string Display(DateTimeOffset date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
