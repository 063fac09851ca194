using System.Collections.Frozen;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Facts;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using CrampCds.Core.Terminology;

namespace CrampCds.Core.Rules;

/// <summary>What a rule sees: the request, the gathered data, the orders it judges, the terminology and "now".</summary>
public sealed record RuleContext
{
    public required HookRequest Request { get; init; }
    public required PatientData Data { get; init; }

    public required DrugTerminology Drugs { get; init; }
    public required ConditionTerminology Conditions { get; init; }
    /// <summary>The facts derived once for this call.</summary>
    public required ClinicalFacts Facts { get; init; }

    /// <summary>The clinical content: each rule's thresholds and wording.</summary>
    public required CardCatalog Catalog { get; init; }

    public RuleContent Content(string ruleId) => Catalog.Rules[ruleId];
}

/// <summary>A rule's finding: which card to render, the values its wording needs, and the order it is about.</summary>
public sealed record Finding
{
    public required string RuleId { get; init; }

    /// <summary>Values for the <c>{placeholders}</c> in the rule's wording (plain text; escaped in the Markdown detail).</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>Values the rule built as Markdown (lists), inserted into the detail as they are.</summary>
    public IReadOnlyDictionary<string, string> MarkdownValues { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>The draft order (or listed medication) the card is about: suggestions act on it.</summary>
    public Resource? Target { get; init; }

    /// <summary>Overrides the rule file's indicator where a rule grades its finding.</summary>
    public string? Indicator { get; init; }

    /// <summary>Which of the rule file's suggestions apply (null: every one whose action can be built).</summary>
    public IReadOnlyList<string>? SuggestionIds { get; init; }

    /// <summary>Actions the rule built (resources to create or update), keyed by suggestion id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<SuggestionAction>>? Actions { get; init; }
}

/// <summary>A clinical rule: pure logic over facts; its wording lives in cds-cards/rules/{Id}.json.</summary>
public interface IRule
{
    string Id { get; }

    /// <summary>The hooks the rule runs on.</summary>
    IReadOnlyList<string> Hooks { get; }

    /// <summary>The data categories the rule reads; when one is missing, the data card names this rule's check.</summary>
    IReadOnlyList<DataCategory> Uses { get; }

    /// <summary>The rule file's thresholds, unit thresholds, classes and suggestions the rule reads; checked at start-up.</summary>
    RuleRequirements Requires => RuleRequirements.None;

    void Evaluate(RuleContext context, ICollection<Finding> findings);
}

/// <summary>What a rule needs from its cds-cards file, so a missing threshold stops start-up rather than a request.</summary>
public sealed record RuleRequirements
{
    public static RuleRequirements None { get; } = new();

    public IReadOnlyList<string> Thresholds { get; init; } = [];
    public IReadOnlyList<string> UnitThresholds { get; init; } = [];
    public IReadOnlyList<string> Suggestions { get; init; } = [];
    public IReadOnlyList<string> Labels { get; init; } = [];
    public bool Classes { get; init; }
    public bool Product { get; init; }
    public IReadOnlyList<string> LabOrders { get; init; } = [];
}
