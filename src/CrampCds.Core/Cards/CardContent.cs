using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrampCds.Core.Facts;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Cards;

// The shapes of the cds-cards files. Unknown members are refused, so a typo in a file stops start-up
// instead of silently dropping wording.

public sealed record ServiceDefinition
{
    public required string Id { get; init; }
    public required string Hook { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public string? UsageRequirements { get; init; }
    public required IReadOnlyDictionary<string, string> Prefetch { get; init; }
}

public sealed record ServicesFile
{
    public required IReadOnlyList<ServiceDefinition> Services { get; init; }
}

public sealed record ReviewRecord
{
    public string? Reviewer { get; init; }
    public string? Date { get; init; }
}

public sealed record SuggestionTemplate
{
    public required string Id { get; init; }
    public required string Label { get; init; }
    public bool? IsRecommended { get; init; }
    public required string ActionType { get; init; }
    public required string ActionDescription { get; init; }
}

/// <summary>One rule's clinical content: wording, source, links, suggestions, override reasons.</summary>
public sealed record RuleContent
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Version { get; init; }
    public required ReviewRecord Review { get; init; }
    public required string Indicator { get; init; }
    public required string Summary
    {
        get;
        init
        {
            field = value;
            SummaryTemplate = Template.Parse(value);
        }
    }

    public required string Detail
    {
        get;
        init
        {
            field = value;
            DetailTemplate = Template.Parse(value);
        }
    }

    /// <summary><see cref="Summary"/> split into runs and placeholders once, when the content is loaded.</summary>
    [JsonIgnore]
    public Template SummaryTemplate { get; private init; } = null!;

    /// <summary><see cref="Detail"/> split into runs and placeholders once, when the content is loaded.</summary>
    [JsonIgnore]
    public Template DetailTemplate { get; private init; } = null!;

    public required CardSource Source { get; init; }
    public IReadOnlyList<CardLink>? Links { get; init; }
    public IReadOnlyList<SuggestionTemplate>? Suggestions { get; init; }
    public string? SelectionBehavior { get; init; }
    public IReadOnlyList<Coding>? OverrideReasons { get; init; }

    /// <summary>The card's extension (rule id and content version): built once, the same for every card of the rule.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string> CardExtension => field ??= new Dictionary<string, string>
    {
        [CardRenderer.RuleIdExtension] = Id,
        [CardRenderer.ContentVersionExtension] = Version,
    };

    /// <summary>The members every card of the rule carries unchanged, written as JSON once.</summary>
    [JsonIgnore]
    internal CardFragments Fragments => field ??= CardFragments.Of(this);

    private object? _derived;

    /// <summary>
    /// What the rule owning this content derives from it and the catalog's globals alone (its limits as numbers, its fixed
    /// wording), made on the first call and kept: neither changes once loaded. As with <see cref="Fragments"/>, two calls
    /// at once may both make it, to the same value. A copy made with <c>with</c> (which copies the kept value) or other
    /// globals make it anew. <paramref name="derive"/> should be a static lambda.
    /// </summary>
    internal T Derived<T>(IReadOnlyDictionary<string, string> globals, Func<RuleContent, IReadOnlyDictionary<string, string>, T> derive)
        where T : DerivedContent
    {
        if (_derived is T derived && ReferenceEquals(derived.Content, this) && ReferenceEquals(derived.Globals, globals))
        {
            return derived;
        }

        var made = derive(this, globals);
        _derived = made;
        return made;
    }

    /// <summary>Labels for values the rule fills in (e.g. data category names), keyed by value.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Numeric limits the rule applies (mg/day, ages, days), keyed by name.</summary>
    public IReadOnlyDictionary<string, decimal>? Thresholds { get; init; }

    /// <summary>Lab limits per reported unit ("mmol/L", "mEq/L", "mg/dL", "umol/L"), keyed by name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>? UnitThresholds { get; init; }

    /// <summary>Drug classes the rule reports on, keyed by the class ids in terminology/medications.json.</summary>
    public IReadOnlyDictionary<string, DrugClassContent>? Classes { get; init; }

    /// <summary>A product the rule suggests (e.g. the safe baclofen starting dose).</summary>
    public SuggestedProduct? Product { get; init; }

    /// <summary>
    /// Override reasons (codes) that snooze this rule's card for the same patient for CrampCds:Feedback:SnoozeDays
    /// (e.g. "patient aware, already managed"). Never for critical cards.
    /// </summary>
    public IReadOnlyList<string>? SnoozeReasons { get; init; }

    /// <summary>Lab tests the rule suggests ordering, keyed by analyte id (potassium, magnesium, creatinine).</summary>
    public IReadOnlyDictionary<string, CodeEntry>? LabOrders { get; init; }
}

public sealed record DrugClassContent
{
    public required string Display { get; init; }
    public required string Indicator { get; init; }
    public required string Why { get; init; }
}

public sealed record SuggestedProduct
{
    public required string Code { get; init; }
    public required string Display { get; init; }
    public required string Source { get; init; }
}

public sealed record CodeEntry
{
    public required string Code { get; init; }
    public string? Display { get; init; }

    /// <summary>The TERMINOLOGY.md source ids that verify the code (e.g. "S1, S4").</summary>
    public required string Source { get; init; }

    /// <summary>Products: the strength of the single ingredient ("10 MG", "1 MG/ML").</summary>
    public string? Strength { get; init; }

    /// <summary>Lab codes: the unit the code is reported in.</summary>
    public string? Unit { get; init; }
}

/// <summary>A drug (or drug group) the rules name, with every way an order can identify it.</summary>
public sealed record DrugConcept
{
    public required string Id { get; init; }
    public required string Display { get; init; }
    public IReadOnlyList<CodeEntry>? Ingredients { get; init; }
    public IReadOnlyList<CodeEntry>? Products { get; init; }
    public IReadOnlyList<CodeEntry>? Atc { get; init; }

    /// <summary>Names matched on a word boundary, case-insensitively: generic, salt and brand names.</summary>
    public IReadOnlyList<string>? Names { get; init; }

    /// <summary>The drug classes (rule vocabulary) the drug belongs to.</summary>
    public IReadOnlyList<string> Classes
    {
        get;
        init
        {
            field = value;
            ClassSet = value.ToFrozenSet(StringComparer.Ordinal);
        }
    } = [];

    /// <summary><see cref="Classes"/> as a set, built when the content is loaded.</summary>
    [JsonIgnore]
    public FrozenSet<string> ClassSet { get; private init; } = FrozenSet<string>.Empty;

    /// <summary>Routes (keys of <see cref="MedicationsFile.Routes"/>) under which the drug does not count.</summary>
    public IReadOnlyList<string>? ExcludeRoutes { get; init; }

    /// <summary>When given, the drug counts only by these routes (or when the route is not known).</summary>
    public IReadOnlyList<string>? RequireRoutes { get; init; }

    /// <summary>Words in the medication's name that rule the concept out (e.g. bowel preparations).</summary>
    public IReadOnlyList<string>? ExcludeNames { get; init; }
}

/// <summary>A diagnosis the rules name.</summary>
public sealed record ConditionConcept
{
    public required string Id { get; init; }
    public required string Display { get; init; }
    public IReadOnlyList<CodeEntry>? Snomed { get; init; }

    /// <summary>ICD-10-CM codes matched by prefix (B54 covers B54 and B54.x).</summary>
    public IReadOnlyList<CodeEntry>? Icd10CmPrefixes { get; init; }

    /// <summary>Names matched in free text (a draft order's reason text), word boundary, case-insensitive.</summary>
    public IReadOnlyList<string>? Names { get; init; }
}

public sealed record MedicationsFile
{
    public required string Version { get; init; }

    /// <summary>Route name -> words that reveal it in a route's text or a product name ("Oral Tablet", "Inhaler").</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Routes { get; init; } = FrozenDictionary<string, IReadOnlyList<string>>.Empty;

    public required IReadOnlyList<DrugConcept> Concepts { get; init; }
}

/// <summary>How facts are derived: ages, lab windows and the eGFR bands of renal status (cds-cards/facts.json).</summary>
public sealed record FactsSettings
{
    public required string Version { get; init; }
    public required ReviewRecord Review { get; init; }
    public required int AdultAgeYears { get; init; }
    public required int OlderAdultAgeYears { get; init; }
    public required int CurrentLabDays { get; init; }
    public required int RenalLookbackDays { get; init; }
    public required decimal EgfrSevereBelow { get; init; }
    public required decimal EgfrModerateBelow { get; init; }

    /// <summary>How a card words what the renal status rests on.</summary>
    public required RenalBasisWording RenalBasis { get; init; }

    /// <summary>How a card words a daily dose and a lab's reference range and flag.</summary>
    public required ValueWording ValueWording { get; init; }

    /// <summary>How a card words why a dose could not be computed.</summary>
    public required DoseProblemWording DoseProblems { get; init; }
}

/// <summary>Why a daily dose could not be computed, as a card states it; <c>{unit}</c> is the dose's unit.</summary>
public sealed record DoseProblemWording
{
    public required string NoDosage { get; init; }
    public required string OutOfRange { get; init; }
    public required string FrequencyUnreadable { get; init; }
    public required string NoDoseQuantity { get; init; }
    public required string MillilitresNeedStrength { get; init; }
    public required string StrengthUnknown { get; init; }
    public required string UnitNotConvertible { get; init; }

    public string For(DoseProblem problem) => problem switch
    {
        DoseProblem.NoDosage => NoDosage,
        DoseProblem.OutOfRange => OutOfRange,
        DoseProblem.FrequencyUnreadable => FrequencyUnreadable,
        DoseProblem.NoDoseQuantity => NoDoseQuantity,
        DoseProblem.MillilitresNeedStrength => MillilitresNeedStrength,
        DoseProblem.StrengthUnknown => StrengthUnknown,
        DoseProblem.UnitNotConvertible => UnitNotConvertible,
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "a computed dose has no problem to word"),
    };

    /// <summary>Each template with its name in facts.json and the placeholders it is given.</summary>
    public IEnumerable<(string Name, string Template, string[] Given)> Templates =>
    [
        ("noDosage", NoDosage, []),
        ("outOfRange", OutOfRange, []),
        ("frequencyUnreadable", FrequencyUnreadable, []),
        ("noDoseQuantity", NoDoseQuantity, []),
        ("millilitresNeedStrength", MillilitresNeedStrength, []),
        ("strengthUnknown", StrengthUnknown, []),
        ("unitNotConvertible", UnitNotConvertible, ["unit"]),
    ];
}

/// <summary>
/// The renal status's basis as a card states it: <c>{condition}</c> the coded condition's name, <c>{analyte}</c> and
/// <c>{result}</c> the eGFR (or creatinine) and its value, unit and date, <c>{latest}</c> the results too old to count.
/// </summary>
public sealed record RenalBasisWording
{
    public required string Coded { get; init; }
    public required string Measured { get; init; }
    public required string Computed { get; init; }
    public required string None { get; init; }
    public required string Unusable { get; init; }

    /// <summary>Each template with its name in facts.json and the placeholders it is given.</summary>
    public IEnumerable<(string Name, string Template, string[] Given)> Templates =>
    [
        ("coded", Coded, ["condition"]),
        ("measured", Measured, ["analyte", "result"]),
        ("computed", Computed, ["analyte", "result"]),
        ("none", None, []),
        ("unusable", Unusable, ["latest"]),
    ];
}

/// <summary>
/// A dose and a lab result as cards state them: <c>{mgPerDay}</c>, <c>{mg}</c> (one administration) and <c>{times}</c>
/// (a day); <c>{result}</c> the value, unit and date, then the lab's own <c>{range}</c> and <c>{interpretation}</c> code;
/// a range from its <c>{low}</c> and <c>{high}</c> ends and <c>{unit}</c>; a result itself from its <c>{value}</c>
/// (with any comparator), <c>{unit}</c> and <c>{date}</c> (else dateUnknown); a medication the record does not name.
/// </summary>
public sealed record ValueWording
{
    public required string Dose { get; init; }
    public required string DoseSchedule { get; init; }
    public required string LabReference { get; init; }
    public required string LabFlagged { get; init; }
    public required string RangeBetween { get; init; }
    public required string RangeFrom { get; init; }
    public required string RangeTo { get; init; }
    public required string LabResult { get; init; }
    public required string DateUnknown { get; init; }
    public required string UnnamedMedication { get; init; }

    /// <summary>Each template with its name in facts.json and the placeholders it is given.</summary>
    public IEnumerable<(string Name, string Template, string[] Given)> Templates =>
    [
        ("dose", Dose, ["mgPerDay"]),
        ("doseSchedule", DoseSchedule, ["mgPerDay", "mg", "times"]),
        ("labReference", LabReference, ["result", "range"]),
        ("labFlagged", LabFlagged, ["result", "interpretation"]),
        ("rangeBetween", RangeBetween, ["low", "high", "unit"]),
        ("rangeFrom", RangeFrom, ["low", "unit"]),
        ("rangeTo", RangeTo, ["high", "unit"]),
        ("labResult", LabResult, ["value", "unit", "date"]),
        ("dateUnknown", DateUnknown, []),
        ("unnamedMedication", UnnamedMedication, []),
    ];
}

public sealed record LabAnalyte
{
    public required string Id { get; init; }
    public required string Display { get; init; }
    public required IReadOnlyList<CodeEntry> Codes { get; init; }
}

public sealed record LabsFile
{
    public required string Version { get; init; }
    public required IReadOnlyList<LabAnalyte> Analytes { get; init; }
}

public sealed record ConditionsFile
{
    public required string Version { get; init; }
    public required IReadOnlyList<ConditionConcept> Concepts { get; init; }
}

/// <summary>A rule's values derived from its content (<see cref="RuleContent.Derived{T}"/>), for the content and globals they were made from.</summary>
internal abstract class DerivedContent(RuleContent content, IReadOnlyDictionary<string, string> globals)
{
    public RuleContent Content { get; } = content;

    public IReadOnlyDictionary<string, string> Globals { get; } = globals;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ServicesFile))]
[JsonSerializable(typeof(RuleContent))]
[JsonSerializable(typeof(MedicationsFile))]
[JsonSerializable(typeof(ConditionsFile))]
[JsonSerializable(typeof(LabsFile))]
[JsonSerializable(typeof(FactsSettings))]
internal sealed partial class CardContentJsonContext : JsonSerializerContext;
