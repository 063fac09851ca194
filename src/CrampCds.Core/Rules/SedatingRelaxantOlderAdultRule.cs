using CrampCds.Core.Data;
using CrampCds.Core.Facts;
using CrampCds.Core.Hooks;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: cramp context, an older adult, and a sedating muscle relaxant or an oral benzodiazepine (ordered,
/// or active for patient-view). Then: a warning: falls, sedation, anticholinergic effects; no direct effect on cramps.
/// </summary>
public sealed class SedatingRelaxantOlderAdultRule : IRule
{
    public string Id => "sedating-relaxant-older-adult";
    public IReadOnlyList<string> Hooks => RuleSupport.AllHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Patient, .. RuleSupport.Medications, DataCategory.Conditions];

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsOlderAdult || !facts.CrampContext)
        {
            return;
        }

        if (context.Request.Hook == HookNames.PatientView)
        {
            var names = facts.ActiveMedications.Where(IsSedating).Select(m => m.Name).Distinct().ToList();
            if (names.Count > 0)
            {
                findings.Add(new Finding { RuleId = Id, Values = RuleSupport.Values(("drug", string.Join(", ", names)), ("age", facts.AgeYears?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "")) });
            }

            return;
        }

        foreach (var order in facts.JudgedOrders)
        {
            if (IsSedating(order))
            {
                findings.Add(new Finding { RuleId = Id, Target = order.Source, Values = RuleSupport.Values(("drug", order.Name), ("age", facts.AgeYears?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "")) });
            }
        }
    }

    private static bool IsSedating(MedicationFact medication) =>
        medication.IsIn(ConceptIds.SedatingMuscleRelaxant) || medication.IsIn(ConceptIds.OralBenzodiazepine);
}
