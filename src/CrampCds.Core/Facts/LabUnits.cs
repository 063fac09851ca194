using System.Runtime.CompilerServices;

namespace CrampCds.Core.Facts;

/// <summary>The analytes the rules read.</summary>
public enum Analyte
{
    Potassium,
    Magnesium,
    Creatinine,
    Egfr,
}

/// <summary>A unit as the rules know it; anything else is <see cref="Unknown"/> and never guessed.</summary>
public enum LabUnit
{
    Unknown,
    MmolPerL,
    MeqPerL,
    MgPerDl,
    UmolPerL,
    MlPerMinPer173M2,
    MlPerMin,
}

/// <summary>
/// Unit spellings and conversions to each analyte's canonical unit: K mmol/L, Mg mmol/L, creatinine mg/dL,
/// eGFR mL/min/1.73m2. Factors: Mg mg/dL x 0.4114 = mmol/L, mEq/L / 2 = mmol/L; creatinine umol/L / 88.4 = mg/dL.
/// </summary>
public static class LabUnits
{
    private const decimal MagnesiumMgPerDlToMmol = 0.4114m;
    private const decimal CreatinineUmolPerMgDl = 88.4m;

    public static LabUnit CanonicalUnit(Analyte analyte) => analyte switch
    {
        Analyte.Potassium or Analyte.Magnesium => LabUnit.MmolPerL,
        Analyte.Creatinine => LabUnit.MgPerDl,
        Analyte.Egfr => LabUnit.MlPerMinPer173M2,
        _ => LabUnit.Unknown,
    };

    /// <summary>Reads a UCUM code or a printed unit ("mEq/L", "µmol/L", "mL/min/1.73 m2").</summary>
    // The buffer is written before it is read: it is not zeroed on every lab read.
    [SkipLocalsInit]
    public static LabUnit Parse(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return LabUnit.Unknown;
        }

        Span<char> buffer = stackalloc char[Math.Min(unit.Length, 64)];
        var length = 0;
        foreach (var c in unit.AsSpan(0, Math.Min(unit.Length, 64)))
        {
            if (!char.IsWhiteSpace(c) && c is not ('{' or '}' or '[' or ']' or '_'))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        var u = buffer[..length];
        return u switch
        {
            "mmol/l" => LabUnit.MmolPerL,
            "meq/l" => LabUnit.MeqPerL,
            "mg/dl" => LabUnit.MgPerDl,
            "umol/l" or "µmol/l" or "μmol/l" or "micromol/l" => LabUnit.UmolPerL,
            "ml/min/1.73m2" or "ml/min/1.73m^2" or "ml/min/1.73.m2" or "ml/min/1.73m²" or "ml/min/{1.73m2}" => LabUnit.MlPerMinPer173M2,
            "ml/min" => LabUnit.MlPerMin,
            _ => LabUnit.Unknown,
        };
    }

    /// <summary>The value in the analyte's canonical unit, or null when the unit cannot be converted.</summary>
    public static decimal? ToCanonical(Analyte analyte, decimal value, LabUnit unit)
    {
        try
        {
            return Convert(analyte, value, unit);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static decimal? Convert(Analyte analyte, decimal value, LabUnit unit) => (analyte, unit) switch
    {
        (Analyte.Potassium, LabUnit.MmolPerL or LabUnit.MeqPerL) => value,
        (Analyte.Magnesium, LabUnit.MmolPerL) => value,
        (Analyte.Magnesium, LabUnit.MgPerDl) => value * MagnesiumMgPerDlToMmol,
        (Analyte.Magnesium, LabUnit.MeqPerL) => value / 2m,
        (Analyte.Creatinine, LabUnit.MgPerDl) => value,
        (Analyte.Creatinine, LabUnit.UmolPerL) => value / CreatinineUmolPerMgDl,
        (Analyte.Creatinine, LabUnit.MmolPerL) => value * 1000m / CreatinineUmolPerMgDl,
        (Analyte.Egfr, LabUnit.MlPerMinPer173M2) => value,

        // eGFR LOINC codes are per 1.73 m² by definition; some feeds (Synthea among them) print plain mL/min.
        (Analyte.Egfr, LabUnit.MlPerMin) => value,
        _ => null,
    };

    /// <summary>How a card prints a unit.</summary>
    public static string Display(LabUnit unit) => unit switch
    {
        LabUnit.MmolPerL => "mmol/L",
        LabUnit.MeqPerL => "mEq/L",
        LabUnit.MgPerDl => "mg/dL",
        LabUnit.UmolPerL => "µmol/L",
        LabUnit.MlPerMinPer173M2 => "mL/min/1.73 m²",
        LabUnit.MlPerMin => "mL/min",
        _ => "",
    };

    /// <summary>The cds-cards key of a unit in a threshold table ("mmol/L", "mEq/L", "mg/dL", "umol/L", "mL/min/1.73m2").</summary>
    public static string Key(LabUnit unit) => unit switch
    {
        LabUnit.MmolPerL => "mmol/L",
        LabUnit.MeqPerL => "mEq/L",
        LabUnit.MgPerDl => "mg/dL",
        LabUnit.UmolPerL => "umol/L",
        LabUnit.MlPerMinPer173M2 => "mL/min/1.73m2",
        LabUnit.MlPerMin => "mL/min",
        _ => "",
    };
}
