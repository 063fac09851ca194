using System.Globalization;
using System.Runtime.CompilerServices;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Facts;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: a new baclofen order (no active or on-hold baclofen) starts above the tightest starting limit that
/// applies (older adult: per dose and per day; cramp context: per day; otherwise per day), or any baclofen
/// order exceeds the cramp maximum (with cramp context, warning) or the label maximum (critical).
/// Then: one card per order naming every limit exceeded; when a starting limit is exceeded and renal status
/// is not severe, a suggestion to rewrite the draft to the safe starting dose.
/// </summary>
public sealed class BaclofenDoseRule : IRule
{
    public string Id => "baclofen-dose";
    public IReadOnlyList<string> Hooks => RuleSupport.OrderHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Patient, .. RuleSupport.Medications, DataCategory.Conditions, DataCategory.Labs];

    public RuleRequirements Requires { get; } = new()
    {
        Thresholds =
        [
            "olderAdultMaxMgPerDose", "olderAdultStartMaxMgPerDay", "crampStartMaxMgPerDay", "startMaxMgPerDay",
            "crampMaxMgPerDay", "labelMaxMgPerDay", "safeStartMgPerDose", "safeStartCrampTimesPerDay", "safeStartTimesPerDay",
        ],
        Labels = ["olderPerDose", "olderStart", "crampStart", "start", "crampMax", "labelMax", "safeStartText", "startAdvice", "continuingAdvice"],
        Suggestions = ["safe-start"],
        Product = true,
    };

    [SkipLocalsInit]
    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult)
        {
            return;
        }

        var content = context.Content(Id);
        var alreadyTaking = facts.IsTaking(ConceptIds.Baclofen);
        Span<char> limitsBuffer = stackalloc char[512];
        foreach (var order in facts.JudgedOrders)
        {
            if (!order.Is(ConceptIds.Baclofen) || order.Dose is not { MgPerDay: { } perDay } dose)
            {
                continue;
            }

            // At most four limits, joined on the stack: no list, one string.
            var limits = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, limitsBuffer);
            var exceeded = 0;
            var startExceeded = false;
            if (!alreadyTaking)
            {
                if (facts.IsOlderAdult && dose.MgPerAdministration > content.Threshold("olderAdultMaxMgPerDose"))
                {
                    AppendLimit(ref limits, ref exceeded, content.Label("olderPerDose"));
                    startExceeded = true;
                }

                var (dayLimit, label) = StartLimit(facts, content);
                if (perDay > dayLimit)
                {
                    AppendLimit(ref limits, ref exceeded, content.Label(label));
                    startExceeded = true;
                }
            }

            if (facts.CrampContext && perDay > content.Threshold("crampMaxMgPerDay"))
            {
                AppendLimit(ref limits, ref exceeded, content.Label("crampMax"));
            }

            var critical = perDay > content.Threshold("labelMaxMgPerDay");
            if (critical)
            {
                AppendLimit(ref limits, ref exceeded, content.Label("labelMax"));
            }

            if (exceeded == 0)
            {
                limits.Clear();
                continue;
            }

            var timesPerDay = (int)content.Threshold(facts.CrampContext ? "safeStartCrampTimesPerDay" : "safeStartTimesPerDay");
            var safeStart = CardRenderer.FillValues(content.Label("safeStartText"), context.Catalog.Globals, ("mg", NumberText.TwoDecimals(content.Threshold("safeStartMgPerDose"))),
                ("times", timesPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("perDay", NumberText.TwoDecimals(content.Threshold("safeStartMgPerDose") * timesPerDay)));
            var offerSafeStart = startExceeded && facts.Renal.Status != RenalStatus.Severe && order.Source is MedicationRequest { Id: not null };
            findings.Add(new Finding
            {
                RuleId = Id,
                Target = order.Source,
                Indicator = critical ? "critical" : "warning",
                Values = RuleSupport.Values(
                    ("drug", order.Name),
                    ("dose", RuleSupport.DoseText(context, dose)),
                    ("limits", limits.ToStringAndClear()),
                    ("safeStart", safeStart),
                    ("advice", startExceeded
                        ? CardRenderer.FillValues(content.Label("startAdvice"), context.Catalog.Globals, ("safeStart", safeStart))
                        : content.Label(alreadyTaking ? "continuingAdvice" : "startAdvice"))),
                SuggestionIds = offerSafeStart ? ["safe-start"] : [],
                Actions = offerSafeStart
                    ? new Dictionary<string, IReadOnlyList<SuggestionAction>>
                    {
                        ["safe-start"] = [new SuggestionAction
                        {
                            Type = "update",
                            Description = "",
                            Resource = SuggestedResources.Rewrite(
                                (MedicationRequest)order.Source,
                                context.Request.Context.DraftJson.TryGetValue($"{order.Source.TypeName}/{order.Source.Id}", out var draftJson) ? draftJson : null,
                                content.Product!,
                                timesPerDay,
                                safeStart,
                                context.Request.Context.PatientId),
                        }],
                    }
                    : null,
            });
        }
    }

    private static void AppendLimit(ref DefaultInterpolatedStringHandler limits, ref int count, string label)
    {
        if (count++ > 0)
        {
            limits.AppendLiteral("; ");
        }

        limits.AppendFormatted(label);
    }

    // The tightest daily starting limit that applies: cramp context, older adult, otherwise the label start.
    private static (decimal Limit, string Label) StartLimit(ClinicalFacts facts, RuleContent content)
    {
        var limit = (content.Threshold("startMaxMgPerDay"), "start");
        if (facts.IsOlderAdult && content.Threshold("olderAdultStartMaxMgPerDay") <= limit.Item1)
        {
            limit = (content.Threshold("olderAdultStartMaxMgPerDay"), "olderStart");
        }

        if (facts.CrampContext && content.Threshold("crampStartMaxMgPerDay") <= limit.Item1)
        {
            limit = (content.Threshold("crampStartMaxMgPerDay"), "crampStart");
        }

        return limit;
    }
}
