using CrampCds.Core.Data;

namespace CrampCds.Core.Rules;

/// <summary>
/// When: baclofen is ordered and hepatic encephalopathy (warning) or cirrhosis (info) is coded.
/// Then: first-line in cirrhosis at low doses unless renal status is severe; watch for encephalopathy.
/// </summary>
public sealed class BaclofenHepaticRule : IRule
{
    public string Id => "baclofen-hepatic";
    public IReadOnlyList<string> Hooks => RuleSupport.OrderHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Conditions];
    public RuleRequirements Requires { get; } = new() { Labels = ["encephalopathy.state", "encephalopathy.advice", "cirrhosis.state", "cirrhosis.advice", "severeRenal.advice"] };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.IsAdult || !(facts.HepaticEncephalopathy || facts.Cirrhosis))
        {
            return;
        }

        var content = context.Content(Id);
        var state = facts.HepaticEncephalopathy ? "encephalopathy" : "cirrhosis";
        foreach (var order in facts.JudgedOrders)
        {
            if (order.Is(ConceptIds.Baclofen))
            {
                findings.Add(new Finding
                {
                    RuleId = Id,
                    Target = order.Source,
                    Indicator = facts.HepaticEncephalopathy ? "warning" : "info",
                    Values = RuleSupport.Values(
                        ("drug", order.Name),
                        ("hepaticState", content.Label(state + ".state")),
                        ("advice", content.Label(facts.Renal.Status == Facts.RenalStatus.Severe ? "severeRenal.advice" : state + ".advice"))),
                });
            }
        }
    }
}
