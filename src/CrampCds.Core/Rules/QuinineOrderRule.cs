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
        var malariaDiagnosed = ConditionFacts.HasActive(context, ConceptIds.Malaria);
        foreach (var order in context.JudgedOrders)
        {
            var descriptions = MedicationResolver.Describe(order, context.Data);
            if (!context.Drugs.Matches(descriptions, ConceptIds.Quinine))
            {
                continue;
            }

            if (malariaDiagnosed || ReasonIs(context, order, ConceptIds.Malaria) || ReasonIs(context, order, ConceptIds.Babesiosis))
            {
                continue;
            }

            findings.Add(new Finding
            {
                RuleId = RuleId,
                Target = order,
                Values = new Dictionary<string, string> { ["drug"] = MedicationNames.Display(descriptions) },
            });
        }
    }

    private static bool ReasonIs(RuleContext context, Fhir.MedicationRequest order, string conceptId)
    {
        foreach (var reason in order.ReasonCode ?? [])
        {
            if (context.Conditions.MatchesCodeOrText(reason, conceptId))
            {
                return true;
            }
        }

        return context.Conditions.MatchesCodeOrText(order.ReasonCodeableConcept, conceptId);
    }
}
