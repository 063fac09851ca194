using System.Globalization;
using System.Text;

namespace CrampCds.Core.Cases;

/// <summary>
/// Case files write dates relative to the clock, so they never go stale: <c>${today}</c>,
/// <c>${today-30d}</c>, <c>${today-70y}</c>, <c>${today+2d}</c> (a date) and <c>${now-2h}</c> (an instant).
/// </summary>
public static class CaseDates
{
    public static string Resolve(string text, DateTimeOffset now)
    {
        var result = new StringBuilder(text.Length);
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("${", position, StringComparison.Ordinal);
            if (open < 0)
            {
                result.Append(text, position, text.Length - position);
                break;
            }

            var close = text.IndexOf('}', open);
            if (close < 0)
            {
                throw new FormatException($"unterminated date token at character {open}");
            }

            result.Append(text, position, open - position);
            result.Append(Evaluate(text.AsSpan(open + 2, close - open - 2), now));
            position = close + 1;
        }

        return result.ToString();
    }

    private static string Evaluate(ReadOnlySpan<char> token, DateTimeOffset now)
    {
        var isDate = token.StartsWith("today", StringComparison.Ordinal);
        if (!isDate && !token.StartsWith("now", StringComparison.Ordinal))
        {
            throw new FormatException($"unknown date token '${{{token}}}': use today or now");
        }

        var rest = token[(isDate ? 5 : 3)..];
        var value = now;
        if (!rest.IsEmpty)
        {
            var sign = rest[0] switch { '+' => 1, '-' => -1, _ => throw new FormatException($"date token '${{{token}}}' needs + or -") };
            var unit = rest[^1];
            var amount = int.Parse(rest[1..^1], NumberStyles.None, CultureInfo.InvariantCulture) * sign;
            value = unit switch
            {
                'y' => now.AddYears(amount),
                'm' => now.AddMonths(amount),
                'd' => now.AddDays(amount),
                'h' => now.AddHours(amount),
                _ => throw new FormatException($"date token '${{{token}}}': unit must be y, m, d or h"),
            };
        }

        return isDate
            ? value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
