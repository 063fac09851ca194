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

            var limits = content.Derived(context.Catalog.Globals, static (c, globals) => new Limits(c, globals));

            // At most four limits, joined on the stack: no list, one string.
            var exceededText = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, limitsBuffer);
            var exceeded = 0;
            var startExceeded = false;
            if (!alreadyTaking)
            {
                if (facts.IsOlderAdult && dose.MgPerAdministration > limits.OlderAdultMaxMgPerDose)
                {
                    AppendLimit(ref exceededText, ref exceeded, content.Label("olderPerDose"));
                    startExceeded = true;
                }

                var (dayLimit, label) = limits.StartLimit(facts);
                if (perDay > dayLimit)
                {
                    AppendLimit(ref exceededText, ref exceeded, content.Label(label));
                    startExceeded = true;
                }
            }

            if (facts.CrampContext && perDay > limits.CrampMaxMgPerDay)
            {
                AppendLimit(ref exceededText, ref exceeded, content.Label("crampMax"));
            }

            var critical = perDay > limits.LabelMaxMgPerDay;
            if (critical)
            {
                AppendLimit(ref exceededText, ref exceeded, content.Label("labelMax"));
            }

            if (exceeded == 0)
            {
                exceededText.Clear();
                continue;
            }

            var safeStart = facts.CrampContext ? limits.CrampSafeStart : limits.SafeStart;
            var offerSafeStart = startExceeded && facts.Renal.Status != RenalStatus.Severe && order.Source is MedicationRequest { Id: not null };
            findings.Add(new Finding
            {
                RuleId = Id,
                Target = order.Source,
                Indicator = critical ? "critical" : "warning",
                Values = RuleSupport.Values(
                    ("drug", order.Name),
                    ("dose", RuleSupport.DoseText(context, dose)),
                    ("limits", exceededText.ToStringAndClear()),
                    ("safeStart", safeStart.Text),
                    ("advice", alreadyTaking ? content.Label("continuingAdvice") : safeStart.Advice)),
                SuggestionIds = offerSafeStart ? SafeStartSuggestion : [],
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
                                safeStart.TimesPerDay,
                                safeStart.Text,
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

    private static readonly IReadOnlyList<string> SafeStartSuggestion = ["safe-start"];

    /// <summary>The rule's limits and its fixed wording (the safe start and its advice, with and without cramps), read once.</summary>
    private sealed class Limits : DerivedContent
    {
        public Limits(RuleContent content, IReadOnlyDictionary<string, string> globals)
            : base(content, globals)
        {
            OlderAdultMaxMgPerDose = content.Threshold("olderAdultMaxMgPerDose");
            OlderAdultStartMaxMgPerDay = content.Threshold("olderAdultStartMaxMgPerDay");
            CrampStartMaxMgPerDay = content.Threshold("crampStartMaxMgPerDay");
            StartMaxMgPerDay = content.Threshold("startMaxMgPerDay");
            CrampMaxMgPerDay = content.Threshold("crampMaxMgPerDay");
            LabelMaxMgPerDay = content.Threshold("labelMaxMgPerDay");
            CrampSafeStart = SafeStartOf(content, globals, (int)content.Threshold("safeStartCrampTimesPerDay"));
            SafeStart = SafeStartOf(content, globals, (int)content.Threshold("safeStartTimesPerDay"));
        }

        public decimal OlderAdultMaxMgPerDose { get; }
        public decimal OlderAdultStartMaxMgPerDay { get; }
        public decimal CrampStartMaxMgPerDay { get; }
        public decimal StartMaxMgPerDay { get; }
        public decimal CrampMaxMgPerDay { get; }
        public decimal LabelMaxMgPerDay { get; }
        public (int TimesPerDay, string Text, string Advice) CrampSafeStart { get; }
        public (int TimesPerDay, string Text, string Advice) SafeStart { get; }

        // The tightest daily starting limit that applies: cramp context, older adult, otherwise the label start.
        public (decimal Limit, string Label) StartLimit(ClinicalFacts facts)
        {
            var limit = (StartMaxMgPerDay, "start");
            if (facts.IsOlderAdult && OlderAdultStartMaxMgPerDay <= limit.Item1)
            {
                limit = (OlderAdultStartMaxMgPerDay, "olderStart");
            }

            if (facts.CrampContext && CrampStartMaxMgPerDay <= limit.Item1)
            {
                limit = (CrampStartMaxMgPerDay, "crampStart");
            }

            return limit;
        }

        private static (int, string, string) SafeStartOf(RuleContent content, IReadOnlyDictionary<string, string> globals, int timesPerDay)
        {
            var mg = content.Threshold("safeStartMgPerDose");
            var text = CardRenderer.FillValues(content.Label("safeStartText"), globals, ("mg", NumberText.TwoDecimals(mg)),
                ("times", timesPerDay.ToString(CultureInfo.InvariantCulture)),
                ("perDay", NumberText.TwoDecimals(mg * timesPerDay)));
            return (timesPerDay, text, CardRenderer.FillValues(content.Label("startAdvice"), globals, ("safeStart", text)));
        }
    }
}
