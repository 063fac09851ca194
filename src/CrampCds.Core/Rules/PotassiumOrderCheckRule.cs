using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Facts;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: potassium is ordered with a current K above the upper limit, severe renal status, or a
/// potassium-sparing diuretic active (warning: hyperkalemia risk); or with no current K (info: check K
/// first, with a suggestion to order it).
/// </summary>
public sealed class PotassiumOrderCheckRule : IRule
{
    public string Id => "potassium-order-check";
    public IReadOnlyList<string> Hooks => RuleSupport.OrderHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Labs, DataCategory.Conditions, .. RuleSupport.Medications, DataCategory.Patient];
    public RuleRequirements Requires { get; } = new()
    {
        UnitThresholds = ["high"],
        Labels = ["highPotassium", "severeRenal", "potassiumSparing", "none", "riskSummary", "checkSummary"],
        Suggestions = ["order-potassium"],
        LabOrders = ["potassium"],
    };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult)
        {
            return;
        }

        // Most orders are not potassium: they cost one scan and no allocation.
        if (!facts.JudgedOrders.Any(IsPotassium))
        {
            return;
        }

        var orders = facts.JudgedOrders.Where(IsPotassium).ToList();

        var content = context.Content(Id);
        var potassium = facts.Current(Analyte.Potassium);
        var risks = new List<string>();
        if (potassium is not null && RuleSupport.Position(potassium, content, null, "high") == 1)
        {
            risks.Add(CardRenderer.FillValues(content.Label("highPotassium"), context.Catalog.Globals, ("potassium", RuleSupport.LabText(context, potassium)), ("limit", potassium.LimitText(content, "high"))));
        }

        if (facts.Renal.Status == RenalStatus.Severe)
        {
            risks.Add(CardRenderer.FillValues(content.Label("severeRenal"), context.Catalog.Globals, ("basis", facts.Renal.Basis)));
        }

        var sparing = facts.ActiveMedications.Concat(facts.DraftOrders).Where(m => m.IsIn(ConceptIds.PotassiumSparingDiuretic)).Select(m => m.Name).Distinct().ToList();
        if (sparing.Count > 0)
        {
            risks.Add(CardRenderer.FillValues(content.Label("potassiumSparing"), context.Catalog.Globals, ("drugs", string.Join(", ", sparing))));
        }

        var noCurrent = potassium is null && !context.Data.IsMissing(DataCategory.Labs);
        if (risks.Count == 0 && !noCurrent)
        {
            return;
        }

        if (noCurrent)
        {
            risks.Add(content.Label("none"));
        }

        foreach (var order in orders)
        {
            findings.Add(new Finding
            {
                RuleId = Id,
                Target = order.Source,
                Indicator = risks.Count > (noCurrent ? 1 : 0) ? "warning" : "info",
                Values = RuleSupport.Values(
                    ("drug", order.Name),
                    ("headline", content.Label(risks.Count > (noCurrent ? 1 : 0) ? "riskSummary" : "checkSummary"))),
                MarkdownValues = RuleSupport.Values(("findings", string.Join("\n", risks.Select(r => "- " + Markdown.Escape(r))))),
                SuggestionIds = noCurrent ? ["order-potassium"] : [],
                Actions = noCurrent
                    ? new Dictionary<string, IReadOnlyList<SuggestionAction>>
                    {
                        ["order-potassium"] = [new SuggestionAction { Type = "create", Description = "", Resource = SuggestedResources.LabOrder(content.LabOrders!["potassium"], context.Request.Context.PatientId) }],
                    }
                    : null,
            });
        }
    }

    private static bool IsPotassium(MedicationFact order) => order.IsIn(ConceptIds.PotassiumSupplement);
}
