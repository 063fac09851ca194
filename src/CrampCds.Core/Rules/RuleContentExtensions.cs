using CrampCds.Core.Cards;
using CrampCds.Core.Facts;

namespace CrampCds.Core.Rules;

/// <summary>Reads a rule's limits from its cds-cards file (presence is checked at start-up).</summary>
public static class RuleContentExtensions
{
    public static decimal Threshold(this RuleContent content, string name) => content.Thresholds![name];

    public static string Label(this RuleContent content, string name) => content.Labels![name];

    /// <summary>
    /// Compares a lab result with a per-unit limit: in the reported unit when the file gives a limit for it,
    /// otherwise in the canonical unit. Null when neither applies (the unit cannot be converted).
    /// </summary>
    public static int? CompareTo(this LabFact lab, RuleContent content, string name)
    {
        var limits = content.UnitThresholds![name];
        if (limits.TryGetValue(LabUnits.Key(lab.Unit), out var inReported))
        {
            return lab.CompareWith(lab.Value, inReported);
        }

        if (lab.Canonical is { } canonical && limits.TryGetValue(LabUnits.Key(LabUnits.CanonicalUnit(lab.Analyte)), out var inCanonical))
        {
            return lab.CompareWith(canonical, inCanonical);
        }

        return null;
    }

    /// <summary>The limit as the card prints it, in the lab's unit when the file has one for it.</summary>
    public static string LimitText(this LabFact lab, RuleContent content, string name)
    {
        var limits = content.UnitThresholds![name];
        var unit = limits.ContainsKey(LabUnits.Key(lab.Unit)) ? lab.Unit : LabUnits.CanonicalUnit(lab.Analyte);
        return $"{NumberText.ThreeDecimals(limits[LabUnits.Key(unit)])} {LabUnits.Display(unit)}";
    }
}
