using CrampCds.Core.Data;

namespace CrampCds.Core.Rules;

/// <summary>When: a baclofen order's daily dose cannot be computed. Then: an info card with the limits to check by hand.</summary>
public sealed class BaclofenDoseUnknownRule : IRule
{
    public string Id => "baclofen-dose-unknown";
    public IReadOnlyList<string> Hooks => RuleSupport.OrderHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [];

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        if (!context.Facts.IsAdult)
        {
            return;
        }

        foreach (var order in context.Facts.JudgedOrders)
        {
            if (order.Is(ConceptIds.Baclofen) && !order.Dose.IsAssessable)
            {
                findings.Add(new Finding
                {
                    RuleId = Id,
                    Target = order.Source,
                    Values = RuleSupport.Values(("drug", order.Name), ("reason", RuleSupport.DoseProblemText(context, order.Dose))),
                });
            }
        }
    }
}
