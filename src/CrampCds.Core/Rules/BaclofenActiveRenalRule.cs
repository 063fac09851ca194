using CrampCds.Core.Data;
using CrampCds.Core.Facts;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: baclofen is active on the list and renal status is severe (any adult, no cramp context needed).
/// Then: a warning to review the dose, and never to stop it abruptly.
/// </summary>
public sealed class BaclofenActiveRenalRule : IRule
{
    public string Id => "baclofen-active-renal";
    public IReadOnlyList<string> Hooks => RuleSupport.PatientView;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Patient, .. RuleSupport.Medications, DataCategory.Labs, DataCategory.Conditions];
    public RuleRequirements Requires { get; } = new() { Labels = ["doseUnknown"] };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult || facts.Renal.Status != RenalStatus.Severe)
        {
            return;
        }

        foreach (var medication in facts.ActiveMedications)
        {
            if (medication.Is(ConceptIds.Baclofen))
            {
                var dose = medication.Dose.IsAssessable ? RuleSupport.DoseText(context, medication.Dose) : context.Content(Id).Label("doseUnknown");
                findings.Add(new Finding
                {
                    RuleId = Id,
                    Target = medication.Source,
                    Values = RuleSupport.Values(("drug", medication.Name), ("dose", dose), ("basis", facts.Renal.Basis)),
                });
            }
        }
    }
}
