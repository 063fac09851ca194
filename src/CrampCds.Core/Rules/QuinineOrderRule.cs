using CrampCds.Core.Data;
using CrampCds.Core.Hooks;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: a judged draft order is quinine (any product, brand or free text), at any age.
/// Unless: the order's reason or an active Condition is malaria, or the reason names babesiosis.
/// Then: a critical card with the FDA boxed warning and a suggestion to delete the draft.
/// </summary>
public sealed class QuinineOrderRule : IRule
{
    public const string RuleId = "quinine-order";

    public string Id => RuleId;

    public IReadOnlyList<string> Hooks { get; } = [HookNames.OrderSelect, HookNames.OrderSign];

    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Conditions];

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        if (context.Facts.Malaria)
        {
            return;
        }

        foreach (var order in context.Facts.JudgedOrders)
        {
            if (order.Is(ConceptIds.Quinine)
                && !RuleSupport.ReasonIs(context, order, ConceptIds.Malaria) && !RuleSupport.ReasonIs(context, order, ConceptIds.Babesiosis))
            {
                findings.Add(new Finding { RuleId = RuleId, Target = order.Source, Values = RuleSupport.Values(("drug", order.Name)) });
            }
        }
    }
}
