using CrampCds.Core.Data;
using CrampCds.Core.Facts;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: cramp context and a current magnesium below the low limit. Then: a warning with the replacement
/// advice; with severe renal status, specialist advice instead of routine supplementation.
/// </summary>
public sealed class HypomagnesemiaRule : IRule
{
    public string Id => "hypomagnesemia";
    public IReadOnlyList<string> Hooks => RuleSupport.PatientView;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Labs, DataCategory.Conditions];
    public RuleRequirements Requires { get; } = new() { UnitThresholds = ["low"], Labels = ["treat", "severeRenal"] };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult || !facts.CrampContext || facts.Current(Analyte.Magnesium) is not { } magnesium)
        {
            return;
        }

        var content = context.Content(Id);
        if (RuleSupport.Position(magnesium, content, "low", null) != -1)
        {
            return;
        }

        var advice = facts.Renal.Status == RenalStatus.Severe
            ? Cards.CardRenderer.FillValues(content.Label("severeRenal"), context.Catalog.Globals, ("basis", facts.Renal.Basis))
            : content.Label("treat");
        findings.Add(new Finding
        {
            RuleId = Id,
            Values = RuleSupport.Values(("magnesium", RuleSupport.LabText(context, magnesium)), ("limit", magnesium.LimitText(content, "low")), ("advice", advice)),
        });
    }
}
