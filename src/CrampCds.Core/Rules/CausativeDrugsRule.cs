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
        var lines = new StringBuilder();
        var names = new List<string>();
        var warning = false;
        foreach (var medication in medications)
        {
            var drugClass = medication.Classes.Where(classes.ContainsKey).Select(c => classes[c]).OrderByDescending(c => c.Indicator == "warning").FirstOrDefault();
            if (drugClass is null || names.Contains(medication.Name))
            {
                continue;
            }

            names.Add(medication.Name);
            warning |= drugClass.Indicator == "warning";
            lines.Append("- **").Append(Cards.Markdown.Escape(medication.Name)).Append("** (").Append(drugClass.Display).Append("): ").Append(drugClass.Why).Append('\n');
        }

        if (names.Count == 0)
        {
            return;
        }

        findings.Add(new Finding
        {
            RuleId = Id,
            Target = names.Count == 1 ? medications.First(m => m.Name == names[0]).Source : null,
            Indicator = warning ? "warning" : "info",
            Values = RuleSupport.Values(("drugs", string.Join(", ", names))),
            MarkdownValues = RuleSupport.Values(("list", lines.ToString().TrimEnd())),
        });
    }
}
