using CrampCds.Core.Data;
using CrampCds.Core.Facts;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: cramp context and a current potassium below the low limit (below the critical limit: critical).
/// Then: correct documented hypokalemia; name the potassium-wasting drugs on the list; monitor K.
/// </summary>
public sealed class HypokalemiaRule : IRule
{
    public string Id => "hypokalemia";
    public IReadOnlyList<string> Hooks => RuleSupport.PatientView;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Labs, DataCategory.Conditions, .. RuleSupport.Medications];
    public RuleRequirements Requires { get; } = new() { UnitThresholds = ["low", "critical"], Labels = ["wastingDrugs", "noWastingDrugs"], Classes = true };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult || !facts.CrampContext || facts.Current(Analyte.Potassium) is not { } potassium)
        {
            return;
        }

        var content = context.Content(Id);
        if (RuleSupport.Position(potassium, content, "low", null) != -1)
        {
            return;
        }

        var critical = potassium.CompareTo(content, "critical") is < 0 || (potassium.CompareTo(content, "low") is null && potassium.Interpretation is "LL");
        var wasting = facts.ActiveMedications
            .Where(m => m.Classes.Any(content.Classes!.ContainsKey))
            .Select(m => $"{m.Name} ({content.Classes![m.Classes.First(content.Classes.ContainsKey)].Display})")
            .Distinct()
            .ToList();
        findings.Add(new Finding
        {
            RuleId = Id,
            Indicator = critical ? "critical" : "warning",
            Values = RuleSupport.Values(
                ("potassium", RuleSupport.LabText(context, potassium)),
                ("limit", potassium.LimitText(content, critical ? "critical" : "low")),
                ("drugs", wasting.Count > 0
                    ? Cards.CardRenderer.FillValues(content.Label("wastingDrugs"), context.Catalog.Globals, ("drugs", string.Join(", ", wasting)))
                    : content.Label("noWastingDrugs"))),
        });
    }
}
