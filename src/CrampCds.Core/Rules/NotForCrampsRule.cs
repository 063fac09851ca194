using CrampCds.Core.Data;

namespace CrampCds.Core.Rules;

/// <summary>When: a drug not recommended for leg cramps is ordered with a cramp reason. Then: info.</summary>
public sealed class NotForCrampsRule : IRule
{
    public string Id => "not-for-cramps";
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
            if (order.IsIn(ConceptIds.NotForCramps) && RuleSupport.HasCrampReason(context, order))
            {
                findings.Add(new Finding { RuleId = Id, Target = order.Source, Values = RuleSupport.Values(("drug", order.Name)) });
            }
        }
    }
}
