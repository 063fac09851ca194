using System.Globalization;

namespace CrampCds.Core.Cards;

/// <summary>
/// Numbers as cards print them: invariant, without trailing zeros. Whole numbers below 1,000 (most doses, counts and
/// results) come from a table built once instead of a new string on every call.
/// </summary>
public static class NumberText
{
    private static readonly string[] Whole = [.. Enumerable.Range(0, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>At most two decimals ("0.##"): doses.</summary>
    public static string TwoDecimals(decimal value) => Table(value) ?? value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>At most three decimals ("0.###"): results, ranges and thresholds.</summary>
    public static string ThreeDecimals(decimal value) => Table(value) ?? value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string? Table(decimal value) => value >= 0 && value < Whole.Length && decimal.IsInteger(value) ? Whole[(int)value] : null;
}
