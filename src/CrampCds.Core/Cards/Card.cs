using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
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
}

public sealed record CardsResponse(IReadOnlyList<Card> Cards);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CardsResponse))]
public sealed partial class CardsJsonContext : JsonSerializerContext;

/// <summary>
/// How an answer is written. Non-ASCII text and the characters Markdown and prose use (<c>'</c>, <c>&lt;</c>, <c>&amp;</c>,
/// <c>+</c>) go out as they are rather than as <c>\u</c> escapes: an answer is JSON read by a JSON parser, never inlined
/// into a page, so no decoded string changes, and cards are smaller and quicker to write. Quotes, backslashes and control
/// characters are still escaped, as JSON requires. The escaping is the writer's, so the serializer keeps its generated
/// fast path (it has none for options with their own encoder).
/// </summary>
public static class CardsJson
{
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <c>{"cards":[...]}</c>.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<Card> cards) =>
        JsonSerializer.Serialize(writer, new CardsResponse(cards), CardsJsonContext.Default.CardsResponse);

    /// <summary>The answer as text (the command line, tests).</summary>
    public static string Serialize(IReadOnlyList<Card> cards)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, cards);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
