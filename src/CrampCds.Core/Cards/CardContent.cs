using System.Text.Json;
using System.Text.Json.Serialization;
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
    public required string Summary { get; init; }
    public required string Detail { get; init; }
    public required CardSource Source { get; init; }
    public IReadOnlyList<CardLink>? Links { get; init; }
    public IReadOnlyList<SuggestionTemplate>? Suggestions { get; init; }
    public string? SelectionBehavior { get; init; }
    public IReadOnlyList<Coding>? OverrideReasons { get; init; }

    /// <summary>Labels for values the rule fills in (e.g. data category names), keyed by value.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

public sealed record CodeEntry
{
    public required string Code { get; init; }
    public string? Display { get; init; }

    /// <summary>The TERMINOLOGY.md source ids that verify the code (e.g. "S1, S4").</summary>
    public required string Source { get; init; }
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
    public required IReadOnlyList<DrugConcept> Concepts { get; init; }
}

public sealed record ConditionsFile
{
    public required string Version { get; init; }
    public required IReadOnlyList<ConditionConcept> Concepts { get; init; }
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
internal sealed partial class CardContentJsonContext : JsonSerializerContext;
