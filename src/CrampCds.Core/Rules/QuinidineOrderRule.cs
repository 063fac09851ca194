using CrampCds.Core.Data;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: single-ingredient quinidine is ordered with a cramp reason, or with cramp context and no reason
/// (never dextromethorphan/quinidine). Then: a warning that its toxicity outweighs a modest benefit.
/// </summary>
public sealed class QuinidineOrderRule : IRule
{
    public string Id => "quinidine-order";
    public IReadOnlyList<string> Hooks => RuleSupport.OrderHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Conditions];

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult)
        {
            return;
        }

        foreach (var order in facts.JudgedOrders)
        {
            if (!order.Is(ConceptIds.Quinidine) || order.Is(ConceptIds.DextromethorphanQuinidine))
            {
                continue;
            }

            var forCramps = RuleSupport.HasCrampReason(context, order) || (order.Reasons.Count == 0 && facts.CrampContext);
            if (forCramps)
            {
                findings.Add(new Finding { RuleId = Id, Target = order.Source, Values = RuleSupport.Values(("drug", order.Name)) });
            }
        }
    }
}
