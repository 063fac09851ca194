using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Facts;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: cramp context and any of potassium, magnesium, creatinine has no current result. Then: one info
/// card naming them (with the last known value and date), and a suggestion to order them.
/// </summary>
public sealed class ElectrolytesMissingRule : IRule
{
    private static readonly (Analyte Analyte, string Id)[] Checked =
    [
        (Analyte.Potassium, "potassium"),
        (Analyte.Magnesium, "magnesium"),
        (Analyte.Creatinine, "creatinine"),
    ];

    public string Id => "electrolytes-missing";
    public IReadOnlyList<string> Hooks => RuleSupport.PatientView;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Labs, DataCategory.Conditions];
    public RuleRequirements Requires { get; } = new()
    {
        Labels = ["potassium", "magnesium", "creatinine", "lastKnown", "neverMeasured"],
        Suggestions = ["order-labs"],
        LabOrders = ["potassium", "magnesium", "creatinine"],
    };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult || !facts.CrampContext || context.Data.IsMissing(DataCategory.Labs))
        {
            return;
        }

        var content = context.Content(Id);
        var names = new List<string>();
        var details = new List<string>();
        var orders = new List<SuggestionAction>();
        foreach (var (analyte, id) in Checked)
        {
            if (facts.Current(analyte) is not null)
            {
                continue;
            }

            var last = facts.Latest(analyte);
            names.Add(content.Label(id));
            details.Add($"- {content.Label(id)}: " + Markdown.Escape(last is null
                ? content.Label("neverMeasured")
                : CardRenderer.FillValues(content.Label("lastKnown"), context.Catalog.Globals, ("result", RuleSupport.LabText(context, last)))));
            orders.Add(new SuggestionAction { Type = "create", Description = "", Resource = SuggestedResources.LabOrder(content.LabOrders![id], context.Request.Context.PatientId) });
        }

        if (names.Count == 0)
        {
            return;
        }

        findings.Add(new Finding
        {
            RuleId = Id,
            Values = RuleSupport.Values(("missing", string.Join(", ", names))),
            MarkdownValues = RuleSupport.Values(("details", string.Join("\n", details))),
            Actions = new Dictionary<string, IReadOnlyList<SuggestionAction>> { ["order-labs"] = orders },
        });
    }
}
