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
        var (severe, indicator, stateLabel, adviceLabel) = facts.Renal.Status switch
        {
            RenalStatus.Severe => (true, "critical", "severe.state", "severe.advice"),
            RenalStatus.Moderate => (false, "warning", "moderate.state", "moderate.advice"),
            _ => (false, "info", "unknown.state", "unknown.advice"),
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
                    SuggestionIds = severe ? ["remove-order"] : [],
                    Values = RuleSupport.Values(
                        ("drug", order.Name),
                        ("renalState", content.Label(stateLabel)),
                        ("advice", content.Label(adviceLabel)),
                        ("basis", facts.Renal.Basis)),
                });
            }
        }
    }
}
