using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Facts;
using CrampCds.Core.Hooks;

namespace CrampCds.Core.Rules;

/// <summary>Small pieces the rules share: hook lists, data needs, number formats.</summary>
internal static class RuleSupport
{
    public static readonly IReadOnlyList<string> OrderHooks = [HookNames.OrderSelect, HookNames.OrderSign];
    public static readonly IReadOnlyList<string> PatientView = [HookNames.PatientView];
    public static readonly IReadOnlyList<string> AllHooks = [HookNames.PatientView, HookNames.OrderSelect, HookNames.OrderSign];

    public static readonly IReadOnlyList<DataCategory> Medications = [DataCategory.MedicationRequests, DataCategory.MedicationStatements];

    /// <summary>"30 mg/day (10 mg 3 times a day)", worded by facts.json's valueWording.</summary>
    public static string DoseText(RuleContext context, DailyDose dose)
    {
        var wording = context.Catalog.Facts.ValueWording;
        return dose.MgPerAdministration is { } single && dose.AdministrationsPerDay is { } times
            ? CardRenderer.FillValues(wording.DoseSchedule, context.Catalog.Globals, ("mgPerDay", NumberText.TwoDecimals(dose.MgPerDay!.Value)), ("mg", NumberText.TwoDecimals(single)), ("times", NumberText.TwoDecimals(times)))
            : CardRenderer.FillValues(wording.Dose, context.Catalog.Globals, ("mgPerDay", NumberText.TwoDecimals(dose.MgPerDay ?? 0)));
    }

    /// <summary>Why the dose could not be computed, worded by facts.json's doseProblems.</summary>
    public static string DoseProblemText(RuleContext context, DailyDose dose) =>
        CardRenderer.FillValues(context.Catalog.Facts.DoseProblems.For(dose.Problem), context.Catalog.Globals, ("unit", dose.ProblemUnit ?? ""));

    public static bool HasCrampReason(RuleContext context, MedicationFact order) => ReasonIs(context, order, ConceptIds.Cramp);

    /// <summary>True when one of the order's reasons names <paramref name="conceptId"/> (coded, or in its text).</summary>
    public static bool ReasonIs(RuleContext context, MedicationFact order, string conceptId)
    {
        var reasons = order.Reasons;
        for (var i = 0; i < reasons.Count; i++)
        {
            if (context.Conditions.MatchesCodeOrText(reasons[i], conceptId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A finding's values for its wording (two to six: a scanned array, see <see cref="SmallMap{TValue}"/>).</summary>
    public static IReadOnlyDictionary<string, string> Values(params ReadOnlySpan<(string Key, string Value)> values)
    {
        var items = new KeyValuePair<string, string>[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            items[i] = new(values[i].Key, values[i].Value);
        }

        return SmallMap<string>.Distinct(items);
    }

    /// <summary>"3.4 mmol/L (2026-11-01); lab reference 3.5-5.1 mmol/L; flagged L", worded by facts.json's valueWording.</summary>
    public static string LabText(RuleContext context, LabFact lab)
    {
        var wording = context.Catalog.Facts.ValueWording;
        var text = lab.Describe(context.Catalog);
        if (lab.ReferenceRange is { } range)
        {
            text = CardRenderer.FillValues(wording.LabReference, context.Catalog.Globals, ("result", text), ("range", range));
        }

        if (lab.Interpretation is { } interpretation)
        {
            text = CardRenderer.FillValues(wording.LabFlagged, context.Catalog.Globals, ("result", text), ("interpretation", interpretation));
        }

        return text;
    }

    /// <summary>
    /// Whether a result is above (1), within (0) or below (-1) limits; the cds-cards thresholds decide, and the
    /// lab's interpretation only when the unit cannot be converted. Null when neither can tell.
    /// </summary>
    public static int? Position(LabFact lab, Cards.RuleContent content, string? lowName, string? highName)
    {
        var high = highName is null ? null : lab.CompareTo(content, highName);
        var low = lowName is null ? null : lab.CompareTo(content, lowName);
        if (high is not null || low is not null)
        {
            return high > 0 ? 1 : low < 0 ? -1 : 0;
        }

        return lab.Interpretation switch
        {
            "H" or "HH" or "HU" => 1,
            "L" or "LL" or "LU" => -1,
            "N" => 0,
            _ => null,
        };
    }
}
