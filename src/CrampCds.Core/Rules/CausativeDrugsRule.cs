using System.Collections.Immutable;
using System.Text;
using CrampCds.Core.Data;
using CrampCds.Core.Facts;
using CrampCds.Core.Hooks;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: cramp context and a drug associated with cramps is active (patient-view) or ordered (order hooks).
/// Then: ONE card listing each drug, its class and why, at the highest indicator of its drugs.
/// </summary>
public sealed class CausativeDrugsRule : IRule
{
    public string Id => "causative-drugs";
    public IReadOnlyList<string> Hooks => RuleSupport.AllHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [.. RuleSupport.Medications, DataCategory.Conditions];
    public RuleRequirements Requires { get; } = new() { Classes = true };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult || !facts.CrampContext)
        {
            return;
        }

        var content = context.Content(Id);
        var classes = content.Classes!;
        var medications = context.Request.Hook == HookNames.PatientView ? facts.ActiveMedications : facts.JudgedOrders;
        StringBuilder? lines = null;
        List<string>? names = null;
        var warning = false;
        foreach (var medication in medications)
        {
            if (ClassOf(medication, classes) is not { } drugClass || names?.Contains(medication.Name) == true)
            {
                continue;
            }

            (names ??= []).Add(medication.Name);
            warning |= drugClass.Indicator == "warning";
            (lines ??= new StringBuilder()).Append("- **").Append(Cards.Markdown.Escape(medication.Name)).Append("** (").Append(drugClass.Display).Append("): ").Append(drugClass.Why).Append('\n');
        }

        if (names is null)
        {
            return;
        }

        findings.Add(new Finding
        {
            RuleId = Id,
            Target = names.Count == 1 ? Named(medications, names[0]).Source : null,
            Indicator = warning ? "warning" : "info",
            Values = RuleSupport.Values(("drugs", string.Join(", ", names))),
            MarkdownValues = RuleSupport.Values(("list", lines!.ToString().TrimEnd())),
        });
    }

    /// <summary>The medication's class that the rule lists: a warning class before an informational one, else the first.</summary>
    private static Cards.DrugClassContent? ClassOf(MedicationFact medication, IReadOnlyDictionary<string, Cards.DrugClassContent> classes)
    {
        Cards.DrugClassContent? first = null;
        if (medication.Classes.Count == 0)
        {
            return null;
        }

        foreach (var id in medication.Classes)
        {
            if (classes.TryGetValue(id, out var drugClass))
            {
                if (drugClass.Indicator == "warning")
                {
                    return drugClass;
                }

                first ??= drugClass;
            }
        }

        return first;
    }

    private static MedicationFact Named(ImmutableArray<MedicationFact> medications, string name)
    {
        foreach (var medication in medications)
        {
            if (medication.Name == name)
            {
                return medication;
            }
        }

        throw new InvalidOperationException("a listed name names no medication");
    }
}
