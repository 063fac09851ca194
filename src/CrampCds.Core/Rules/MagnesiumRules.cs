using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Facts;

namespace CrampCds.Core.Rules;

/// <summary>The oral magnesium supplement orders the three magnesium rules judge.</summary>
internal static class MagnesiumOrders
{
    /// <remarks>Most calls order no magnesium: they get the empty list without allocating.</remarks>
    public static IReadOnlyList<MedicationFact> Judged(RuleContext context)
    {
        List<MedicationFact>? judged = null;
        if (context.Facts.IsAdult)
        {
            foreach (var order in context.Facts.JudgedOrders)
            {
                if (order.IsIn(ConceptIds.MagnesiumSupplement))
                {
                    (judged ??= []).Add(order);
                }
            }
        }

        return judged ?? (IReadOnlyList<MedicationFact>)[];
    }
}

/// <summary>
/// When: an oral magnesium supplement is ordered and renal status is severe. Then: a warning (magnesium
/// accumulates); supersedes magnesium-high and magnesium-without-deficit for that order.
/// </summary>
public sealed class MagnesiumRenalRule : IRule
{
    public string Id => "magnesium-renal";
    public IReadOnlyList<string> Hooks => RuleSupport.OrderHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Labs, DataCategory.Conditions, DataCategory.Patient];

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        if (context.Facts.Renal.Status != RenalStatus.Severe)
        {
            return;
        }

        foreach (var order in MagnesiumOrders.Judged(context))
        {
            findings.Add(new Finding { RuleId = Id, Target = order.Source, Values = RuleSupport.Values(("drug", order.Name), ("basis", context.Facts.Renal.Basis)) });
        }
    }
}

/// <summary>When: an oral magnesium supplement is ordered with a current magnesium above the upper limit. Then: a warning.</summary>
public sealed class MagnesiumHighRule : IRule
{
    public string Id => "magnesium-high";
    public IReadOnlyList<string> Hooks => RuleSupport.OrderHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Labs];
    public RuleRequirements Requires { get; } = new() { UnitThresholds = ["high"] };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (facts.Renal.Status == RenalStatus.Severe || facts.Current(Analyte.Magnesium) is not { } magnesium)
        {
            return;
        }

        var content = context.Content(Id);
        if (RuleSupport.Position(magnesium, content, null, "high") != 1)
        {
            return;
        }

        foreach (var order in MagnesiumOrders.Judged(context))
        {
            findings.Add(new Finding
            {
                RuleId = Id,
                Target = order.Source,
                Values = RuleSupport.Values(("drug", order.Name), ("magnesium", RuleSupport.LabText(context, magnesium)), ("limit", magnesium.LimitText(content, "high"))),
            });
        }
    }
}

/// <summary>
/// When: an oral magnesium supplement is ordered with cramp context and a current normal magnesium, or no
/// current magnesium. Then: info, do not supplement empirically; when none is current, suggest ordering one.
/// </summary>
public sealed class MagnesiumWithoutDeficitRule : IRule
{
    public string Id => "magnesium-without-deficit";
    public IReadOnlyList<string> Hooks => RuleSupport.OrderHooks;
    public IReadOnlyList<DataCategory> Uses { get; } = [DataCategory.Labs, DataCategory.Conditions];
    public RuleRequirements Requires { get; } = new()
    {
        UnitThresholds = ["low", "high"],
        Labels = ["normal", "none"],
        Suggestions = ["order-magnesium"],
        LabOrders = ["magnesium"],
    };

    public void Evaluate(RuleContext context, ICollection<Finding> findings)
    {
        var facts = context.Facts;
        if (!facts.CrampContext || facts.Renal.Status == RenalStatus.Severe)
        {
            return;
        }

        var content = context.Content(Id);
        var magnesium = facts.Current(Analyte.Magnesium);
        string finding;
        if (magnesium is not null)
        {
            if (RuleSupport.Position(magnesium, content, "low", "high") != 0)
            {
                return;
            }

            finding = CardRenderer.FillValues(content.Label("normal"), context.Catalog.Globals, ("magnesium", RuleSupport.LabText(context, magnesium)));
        }
        else if (context.Data.IsMissing(DataCategory.Labs))
        {
            // Results could not be read: the data card says so; "no result" would be a false statement.
            return;
        }
        else
        {
            finding = content.Label("none");
        }

        foreach (var order in MagnesiumOrders.Judged(context))
        {
            findings.Add(new Finding
            {
                RuleId = Id,
                Target = order.Source,
                Values = RuleSupport.Values(("drug", order.Name), ("finding", finding)),
                SuggestionIds = magnesium is null ? ["order-magnesium"] : [],
                Actions = magnesium is null
                    ? new Dictionary<string, IReadOnlyList<SuggestionAction>>
                    {
                        ["order-magnesium"] = [new SuggestionAction { Type = "create", Description = "", Resource = SuggestedResources.LabOrder(content.LabOrders!["magnesium"], context.Request.Context.PatientId) }],
                    }
                    : null,
            });
        }
    }
}
