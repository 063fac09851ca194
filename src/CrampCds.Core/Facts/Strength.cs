using System.Globalization;

namespace CrampCds.Core.Facts;

/// <summary>A product's strength: mg per unit (tablet, capsule) or mg per mL (liquids).</summary>
public readonly record struct Strength(decimal Milligrams, bool PerMilliliter)
{
    /// <summary>Reads a strength as cds-cards writes it: "10 MG" or "1 MG/ML".</summary>
    public static Strength? Parse(string? text) => FromRxNormName("x " + text);

    /// <summary>
    /// Reads a single-ingredient RxNorm name: "baclofen 10 MG Oral Tablet" is 10 mg per unit,
    /// "baclofen 1 MG/ML Oral Solution" is 1 mg per mL. Combinations ("carbidopa 25 MG / levodopa 100 MG")
    /// and other units give null: a strength is never guessed.
    /// </summary>
    public static Strength? FromRxNormName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains(" / ", StringComparison.Ordinal))
        {
            return null;
        }

        Strength? found = null;
        var tokens = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < tokens.Length; i++)
        {
            if (!decimal.TryParse(tokens[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                continue;
            }

            var unit = tokens[i + 1];
            Strength? strength = unit.ToUpperInvariant() switch
            {
                "MG" => new Strength(value, PerMilliliter: false),
                "MG/ML" => new Strength(value, PerMilliliter: true),
                "G" => new Strength(value * 1000m, PerMilliliter: false),
                "MCG" or "UG" => new Strength(value / 1000m, PerMilliliter: false),
                _ => null,
            };
            if (strength is null)
            {
                continue;
            }

            if (found is not null)
            {
                return null;
            }

            found = strength;
        }

        return found;
    }
}
