using System.Diagnostics.CodeAnalysis;
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
    private readonly CardText _text;
    private string? _summary;
    private string? _detail;
    private readonly bool _detailPending;

    public Card()
    {
    }

    /// <summary>
    /// A rendered card whose summary and detail are written from their templates when first read, or straight into the
    /// answer by <see cref="CardsJson"/> without ever becoming strings: most cards are only ever written.
    /// </summary>
    // The summary has no value yet on purpose: it is rendered from the text when read.
#pragma warning disable CS8618
    [SetsRequiredMembers]
    internal Card(CardText text)
#pragma warning restore CS8618
    {
        _text = text;
        _detailPending = true;
        Uuid = "";
        Indicator = "";
        Source = null!;
    }

    public required string Uuid { get; init; }

    public required string Summary
    {
        get => _summary ?? (_text.Content is null ? null! : _summary = _text.Summary());
        init => _summary = value;
    }

    public string? Detail
    {
        get => _detailPending ? _detail ??= _text.Detail() : _detail;
        init
        {
            _detail = value;
            _detailPending = false;
        }
    }

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

    /// <summary>The summary's template and values while it has not been read as a string.</summary>
    internal CardText? PendingSummary => _summary is null && _text.Content is not null ? _text : null;

    /// <summary>The detail's template and values while it has not been read or replaced.</summary>
    internal CardText? PendingDetail => _detailPending && _detail is null ? _text : null;

    // By what a card says, not by whether its texts were rendered yet: a card read once equals its unread copy.
    public bool Equals(Card? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Uuid == other.Uuid && Summary == other.Summary && Detail == other.Detail && Indicator == other.Indicator
                && Equals(Source, other.Source) && Equals(Suggestions, other.Suggestions) && SelectionBehavior == other.SelectionBehavior
                && Equals(OverrideReasons, other.OverrideReasons) && Equals(Links, other.Links) && Equals(Extension, other.Extension)
                && RuleId == other.RuleId && Equals(Fragments, other.Fragments)));

    // Members that never change after rendering, so the hash does not either.
    public override int GetHashCode() => HashCode.Combine(Uuid, Indicator, RuleId);
}

/// <summary>What a card's summary and detail are rendered from: its rule's wording and the finding's values.</summary>
internal readonly record struct CardText(RuleContent Content, Rules.Finding Finding, IReadOnlyDictionary<string, string> Globals)
{
    public string Summary() => CardRenderer.RenderSummary(this);

    public string Detail() => CardRenderer.RenderDetail(this);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CardSource))]
[JsonSerializable(typeof(IReadOnlyList<Coding>))]
[JsonSerializable(typeof(IReadOnlyList<CardLink>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
public sealed partial class CardsJsonContext : JsonSerializerContext;
