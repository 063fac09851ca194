using System.Collections.Frozen;
using CrampCds.Core.Cards;
using CrampCds.Core.Facts;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Terminology;

/// <summary>Which analyte a LOINC code reports (serum/plasma and whole-blood codes alike).</summary>
public sealed class LabTerminology
{
    private readonly FrozenDictionary<string, Analyte> _analytes;

    private readonly string[] _displays;

    public LabTerminology(LabsFile file)
    {
        _displays = Enum.GetValues<Analyte>().Select(a => file.Analytes.FirstOrDefault(x => ParseAnalyte(x.Id) == a)?.Display ?? a.ToString()).ToArray();
        _analytes = file.Analytes
            .SelectMany(a => a.Codes.Select(c => (c.Code, Analyte: ParseAnalyte(a.Id))))
            .Where(x => x.Analyte is not null)
            .GroupBy(x => x.Code, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.First().Analyte!.Value, StringComparer.Ordinal);
    }

    /// <summary>Every LOINC code in the lists.</summary>
    internal IEnumerable<string> Codes => _analytes.Keys;

    /// <summary>How a card names the analyte (labs.json's display: "eGFR", "creatinine").</summary>
    public string Display(Analyte analyte) => _displays[(int)analyte];

    public Analyte? AnalyteOf(CodeableConcept? code)
    {
        foreach (var coding in code?.Coding ?? [])
        {
            if (coding.Code is { } value && (coding.System is null || coding.System == CodeSystems.Loinc)
                && _analytes.TryGetValue(value, out var analyte))
            {
                return analyte;
            }
        }

        return null;
    }

    private static Analyte? ParseAnalyte(string id) => id switch
    {
        "potassium" => Analyte.Potassium,
        "magnesium" => Analyte.Magnesium,
        "creatinine" => Analyte.Creatinine,
        "egfr" => Analyte.Egfr,
        _ => null,
    };
}
