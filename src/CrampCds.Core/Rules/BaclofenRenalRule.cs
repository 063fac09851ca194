using CrampCds.Core.Data;
using CrampCds.Core.Facts;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: baclofen is ordered and renal status is severe (critical; suggestion: remove the draft), moderate
/// (warning) or unknown (info: renal function not known). Baclofen is excreted unchanged by the kidneys.
/// </summary>
public sealed class BaclofenRenalRule : IRule
{
    public string Id => "baclofen-renal";
    public IReadOnlyList<string> Hooks => RuleSupport.OrderHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Patient, DataCategory.Labs, DataCategory.Conditions];

    public RuleRequirements Requires { get; } = new()
    {
        Labels = ["severe.state", "severe.advice", "moderate.state", "moderate.advice", "unknown.state", "unknown.advice"],
        Suggestions = ["remove-order"],
    };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult || facts.Renal.Status == RenalStatus.Normal)
        {
            return;
        }

        var content = context.Content(Id);
        var (state, indicator) = facts.Renal.Status switch
        {
            RenalStatus.Severe => ("severe", "critical"),
            RenalStatus.Moderate => ("moderate", "warning"),
            _ => ("unknown", "info"),
        };
        foreach (var order in facts.JudgedOrders)
        {
            if (order.Is(ConceptIds.Baclofen))
            {
                findings.Add(new Finding
                {
                    RuleId = Id,
                    Target = order.Source,
                    Indicator = indicator,
                    SuggestionIds = state == "severe" ? ["remove-order"] : [],
                    Values = RuleSupport.Values(
                        ("drug", order.Name),
                        ("renalState", content.Label(state + ".state")),
                        ("advice", content.Label(state + ".advice")),
                        ("basis", facts.Renal.Basis)),
                });
            }
        }
    }
}
