using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Cards;

/// <summary>
/// How an answer is written. Non-ASCII text and the characters Markdown and prose use (<c>'</c>, <c>&lt;</c>, <c>&amp;</c>,
/// <c>+</c>) go out as they are rather than as <c>\u</c> escapes: an answer is JSON read by a JSON parser, never inlined
/// into a page, so no decoded string changes, and cards are smaller and quicker to write. Quotes, backslashes and control
/// characters are still escaped, as JSON requires.
/// </summary>
/// <remarks>
/// A card is written by hand, member by member. What is the same for every card of a rule (its source, override reasons,
/// links and extension: more than half of a card's bytes) was written once, when the content was loaded
/// (<see cref="CardFragments"/>), and is copied as it stands; a card whose members are not its rule's own (built in a
/// test, or changed with <c>with</c>) has them serialized, to the same bytes.
/// </remarks>
public static class CardsJson
{
    private static readonly JsonEncodedText CardsName = JsonEncodedText.Encode("cards");
    private static readonly JsonEncodedText UuidName = JsonEncodedText.Encode("uuid");
    private static readonly JsonEncodedText SummaryName = JsonEncodedText.Encode("summary");
    private static readonly JsonEncodedText DetailName = JsonEncodedText.Encode("detail");
    private static readonly JsonEncodedText IndicatorName = JsonEncodedText.Encode("indicator");
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText SuggestionsName = JsonEncodedText.Encode("suggestions");
    private static readonly JsonEncodedText SelectionBehaviorName = JsonEncodedText.Encode("selectionBehavior");
    private static readonly JsonEncodedText OverrideReasonsName = JsonEncodedText.Encode("overrideReasons");
    private static readonly JsonEncodedText LinksName = JsonEncodedText.Encode("links");
    private static readonly JsonEncodedText ExtensionName = JsonEncodedText.Encode("extension");
    private static readonly JsonEncodedText LabelName = JsonEncodedText.Encode("label");
    private static readonly JsonEncodedText IsRecommendedName = JsonEncodedText.Encode("isRecommended");
    private static readonly JsonEncodedText ActionsName = JsonEncodedText.Encode("actions");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText DescriptionName = JsonEncodedText.Encode("description");
    private static readonly JsonEncodedText ResourceIdName = JsonEncodedText.Encode("resourceId");
    private static readonly JsonEncodedText ResourceName = JsonEncodedText.Encode("resource");

    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <c>{"cards":[...]}</c>.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<Card> cards)
    {
        writer.WriteStartObject();
        WriteArray(writer, CardsName, cards, WriteCard);
        writer.WriteEndObject();
    }

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

    /// <summary>One member written as JSON, with <see cref="WriterOptions"/>' escaping.</summary>
    internal static byte[] Encode<T>(T value, JsonTypeInfo<T> type)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, type);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteCard(Utf8JsonWriter writer, Card card)
    {
        var fragments = card.Fragments;
        writer.WriteStartObject();
        writer.WriteString(UuidName, card.Uuid);
        if (card.PendingSummary is { } summary)
        {
            CardRenderer.WriteSummary(writer, SummaryName, summary);
        }
        else
        {
            JsonText.WriteString(writer, SummaryName, card.Summary);
        }

        if (card.PendingDetail is { } pending)
        {
            CardRenderer.WriteDetail(writer, DetailName, pending);
        }
        else if (card.Detail is { } detail)
        {
            JsonText.WriteString(writer, DetailName, detail);
        }

        writer.WriteString(IndicatorName, card.Indicator);
        WriteMember(writer, SourceName, card.Source, fragments?.Source, CardsJsonContext.Default.CardSource);
        if (card.Suggestions is { } suggestions)
        {
            WriteArray(writer, SuggestionsName, suggestions, WriteSuggestion);
        }

        if (card.SelectionBehavior is { } selectionBehavior)
        {
            writer.WriteString(SelectionBehaviorName, selectionBehavior);
        }

        WriteMember(writer, OverrideReasonsName, card.OverrideReasons, fragments?.OverrideReasons, CardsJsonContext.Default.IReadOnlyListCoding);
        WriteMember(writer, LinksName, card.Links, fragments?.Links, CardsJsonContext.Default.IReadOnlyListCardLink);
        WriteMember(writer, ExtensionName, card.Extension, fragments?.Extension, CardsJsonContext.Default.IReadOnlyDictionaryStringString);
        writer.WriteEndObject();
    }

    private static void WriteMember<T>(Utf8JsonWriter writer, JsonEncodedText name, T? value, EncodedMember<T>? encoded, JsonTypeInfo<T> type)
        where T : class
    {
        if (value is null)
        {
            return;
        }

        writer.WritePropertyName(name);
        if (encoded is { } same && ReferenceEquals(same.Value, value))
        {
            writer.WriteRawValue(same.Json, skipInputValidation: true);
        }
        else
        {
            JsonSerializer.Serialize(writer, value, type);
        }
    }

    private static void WriteSuggestion(Utf8JsonWriter writer, Suggestion suggestion)
    {
        writer.WriteStartObject();
        writer.WriteString(LabelName, suggestion.Label);
        writer.WriteString(UuidName, suggestion.Uuid);
        if (suggestion.IsRecommended is { } isRecommended)
        {
            writer.WriteBoolean(IsRecommendedName, isRecommended);
        }

        if (suggestion.Actions is { } actions)
        {
            WriteArray(writer, ActionsName, actions, WriteAction);
        }

        writer.WriteEndObject();
    }

    private static void WriteAction(Utf8JsonWriter writer, SuggestionAction action)
    {
        writer.WriteStartObject();
        writer.WriteString(TypeName, action.Type);
        writer.WriteString(DescriptionName, action.Description);
        if (action.ResourceId is { } resourceId)
        {
            writer.WriteString(ResourceIdName, resourceId);
        }

        if (action.Resource is { } resource)
        {
            writer.WritePropertyName(ResourceName);
            resource.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    // Static method groups: the compiler caches their delegates, so writing an array allocates nothing.
    private static void WriteArray<T>(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartArray(name);
        for (var i = 0; i < items.Count; i++)
        {
            write(writer, items[i]);
        }

        writer.WriteEndArray();
    }
}

/// <summary>A member of every card of a rule, and its JSON.</summary>
internal sealed record EncodedMember<T>(T Value, byte[] Json)
    where T : class;

/// <summary>What every card of one rule carries unchanged, written as JSON once (when the content is loaded).</summary>
internal sealed class CardFragments
{
    private CardFragments(RuleContent content)
    {
        Source = new(content.Source, CardsJson.Encode(content.Source, CardsJsonContext.Default.CardSource));
        if (CardRenderer.OverrideReasonsOf(content) is { } reasons)
        {
            OverrideReasons = new(reasons, CardsJson.Encode(reasons, CardsJsonContext.Default.IReadOnlyListCoding));
        }

        if (CardRenderer.LinksOf(content) is { } links)
        {
            Links = new(links, CardsJson.Encode(links, CardsJsonContext.Default.IReadOnlyListCardLink));
        }

        Extension = new(content.CardExtension, CardsJson.Encode(content.CardExtension, CardsJsonContext.Default.IReadOnlyDictionaryStringString));
    }

    public EncodedMember<CardSource> Source { get; }
    public EncodedMember<IReadOnlyList<Coding>>? OverrideReasons { get; }
    public EncodedMember<IReadOnlyList<CardLink>>? Links { get; }
    public EncodedMember<IReadOnlyDictionary<string, string>> Extension { get; }

    public static CardFragments Of(RuleContent content) => new(content);
}
