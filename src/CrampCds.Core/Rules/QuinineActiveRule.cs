using CrampCds.Core.Data;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: quinine is active on the medication list, with no malaria reason or malaria condition (long-term
/// quinine is almost always for cramps; no cramp diagnosis needed; any age).
/// Then: a critical card; suggestion: mark that MedicationRequest stopped.
/// </summary>
public sealed class QuinineActiveRule : IRule
{
    public string Id => "quinine-active";
    public IReadOnlyList<string> Hooks => RuleSupport.PatientView;
    public IReadOnlyList<DataCategory> Uses { get; } = [.. RuleSupport.Medications, DataCategory.Conditions];
    public RuleRequirements Requires { get; } = new() { Suggestions = ["stop-order"] };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        if (context.Facts.Malaria)
        {
            return;
        }

        foreach (var medication in context.Facts.ActiveMedications)
        {
            if (!medication.Is(ConceptIds.Quinine)
                || RuleSupport.ReasonIs(context, medication, ConceptIds.Malaria) || RuleSupport.ReasonIs(context, medication, ConceptIds.Babesiosis))
            {
                continue;
            }

            var actions = medication.Source is MedicationRequest { Id: not null } order
                ? new Dictionary<string, IReadOnlyList<Cards.SuggestionAction>>
                {
                    ["stop-order"] = [new Cards.SuggestionAction { Type = "update", Description = "", Resource = SuggestedResources.Stopped(order, context.Request.Context.PatientId) }],
                }
                : null;
            findings.Add(new Finding { RuleId = Id, Target = medication.Source, Values = RuleSupport.Values(("drug", medication.Name)), Actions = actions });
        }
    }
}
