using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Cards;

// CDS Hooks 2.0 response contracts. Optional members are null (and omitted), never empty.

public sealed record CardSource
{
    public required string Label { get; init; }
    public string? Url { get; init; }
    public string? Icon { get; init; }
}

public sealed record CardLink
{
    public required string Label { get; init; }
    public required string Url { get; init; }
    public required string Type { get; init; }
}

public sealed record SuggestionAction
{
    public required string Type { get; init; }
    public required string Description { get; init; }
    public string? ResourceId { get; init; }
    public JsonObject? Resource { get; init; }
}

public sealed record Suggestion
{
    public required string Label { get; init; }
    public required string Uuid { get; init; }
    public bool? IsRecommended { get; init; }
    public IReadOnlyList<SuggestionAction>? Actions { get; init; }
}

public sealed record Card
{
    public required string Uuid { get; init; }
    public required string Summary { get; init; }
    public string? Detail { get; init; }
    public required string Indicator { get; init; }
    public required CardSource Source { get; init; }
    public IReadOnlyList<Suggestion>? Suggestions { get; init; }
    public string? SelectionBehavior { get; init; }
    public IReadOnlyList<Coding>? OverrideReasons { get; init; }
    public IReadOnlyList<CardLink>? Links { get; init; }

    /// <summary>Carries the rule id and content version, so the EHR's feedback and our card log can name the rule.</summary>
    public IReadOnlyDictionary<string, string>? Extension { get; init; }

    [JsonIgnore]
    public string RuleId { get; init; } = "";

    /// <summary>The rule's source, override reasons, links and extension already written as JSON (see <see cref="CardsJson"/>).</summary>
    [JsonIgnore]
    internal CardFragments? Fragments { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CardSource))]
[JsonSerializable(typeof(IReadOnlyList<Coding>))]
[JsonSerializable(typeof(IReadOnlyList<CardLink>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
public sealed partial class CardsJsonContext : JsonSerializerContext;
