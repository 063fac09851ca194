using CrampCds.Core.Data;

namespace CrampCds.Core.Rules;

/// <summary>When: cramp context and cirrhosis. Then: info on cramp management in cirrhosis.</summary>
public sealed class CirrhosisCrampsRule : IRule
{
    public string Id => "cirrhosis-cramps";
    public IReadOnlyList<string> Hooks => RuleSupport.PatientView;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Conditions];

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (facts.IsAdult && facts.CrampContext && facts.Cirrhosis)
        {
            var content = context.Content(Id);
            var severe = facts.Renal.Status == Facts.RenalStatus.Severe;
            findings.Add(new Finding
            {
                RuleId = Id,
                Values = RuleSupport.Values(
                    ("baclofen", content.Label(severe ? "severeRenal" : "baclofen")),
                    ("baclofenDetail", Cards.CardRenderer.FillValues(content.Label(severe ? "severeRenalDetail" : "baclofenDetail"), context.Catalog.Globals, ("basis", facts.Renal.Basis)))),
            });
        }
    }

    public RuleRequirements Requires { get; } = new() { Labels = ["baclofen", "baclofenDetail", "severeRenal", "severeRenalDetail"] };
}

/// <summary>When: cramp context and dialysis. Then: info on dialysis-related cramps.</summary>
public sealed class DialysisCrampsRule : IRule
{
    public string Id => "dialysis-cramps";
    public IReadOnlyList<string> Hooks => RuleSupport.PatientView;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Conditions];

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (facts.IsAdult && facts.CrampContext && facts.Dialysis)
        {
            findings.Add(new Finding { RuleId = Id });
        }
    }
}
