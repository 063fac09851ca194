using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CrampCds.Core.Rules;

namespace CrampCds.Core.Cards;

/// <summary>Turns a finding into a spec-valid card from its rule's cds-cards wording.</summary>
/// <remarks>
/// Texts are rendered into 2 KB stack buffers, several per call; they are not zeroed first (SkipLocalsInit), since a
/// handler reads only what it has written.
/// </remarks>
[SkipLocalsInit]
public static class CardRenderer
{
    public const string RuleIdExtension = "org.crampcds.rule-id";
    public const string ContentVersionExtension = "org.crampcds.content-version";
    private const int MaxSummaryLength = 139;
    private const char Ellipsis = '\u2026';

    // Card texts are a few hundred characters: rendered on the stack, then copied once into the card's string.
    private const int StackChars = 1024;

    /// <param name="globals">Values every card may name: thresholds as "{rule-id.name}", fact settings as "{facts.name}".</param>
    /// <param name="issuedAt">When the card is issued: its uuid and its suggestions' carry the time (see <see cref="CardIds"/>).</param>
    public static Card Render(Finding finding, RuleContent content, IReadOnlyDictionary<string, string> globals, DateTimeOffset issuedAt, CardIds ids)
    {
        var suggestions = RenderSuggestions(finding, content, issuedAt, ids);
        return new Card(new CardText(content, finding, globals))
        {
            Uuid = ids.Next(issuedAt),
            Indicator = finding.Indicator ?? content.Indicator,
            Source = content.Source,
            Links = LinksOf(content),
            Suggestions = suggestions,
            SelectionBehavior = suggestions is null ? null : content.SelectionBehavior ?? "at-most-one",
            OverrideReasons = OverrideReasonsOf(content),
            Extension = content.CardExtension,
            RuleId = content.Id,
            Fragments = content.Fragments,
        };
    }

    internal static string RenderSummary(CardText card)
    {
        if (card.Content.SummaryTemplate.IsLiteral)
        {
            return Shorten(card.Content.SummaryTemplate.Text);
        }

        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[StackChars]);
        Append(ref text, card, detail: false);
        return Shorten(text.ToStringAndClear());
    }

    internal static string RenderDetail(CardText card)
    {
        if (card.Content.DetailTemplate.IsLiteral)
        {
            return card.Content.DetailTemplate.Text;
        }

        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[StackChars]);
        Append(ref text, card, detail: true);
        return text.ToStringAndClear();
    }

    /// <summary>Writes the summary <see cref="RenderSummary"/> would give, rendered in a stack buffer: no string is made.</summary>
    internal static void WriteSummary(Utf8JsonWriter writer, JsonEncodedText name, CardText card)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[StackChars]);
        Append(ref text, card, detail: false);
        JsonText.WriteString(writer, name, Shorten(text.Text, stackalloc char[MaxSummaryLength]));
        text.Clear();
    }

    /// <summary>Writes the detail <see cref="RenderDetail"/> would give, rendered in a stack buffer: no string is made.</summary>
    internal static void WriteDetail(Utf8JsonWriter writer, JsonEncodedText name, CardText card)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[StackChars]);
        Append(ref text, card, detail: true);
        JsonText.WriteString(writer, name, text.Text);
        text.Clear();
    }

    /// <summary>The rule's links as a card carries them: none is null, never empty.</summary>
    internal static IReadOnlyList<CardLink>? LinksOf(RuleContent content) => content.Links is { Count: > 0 } links ? links : null;

    internal static IReadOnlyList<Fhir.Coding>? OverrideReasonsOf(RuleContent content) =>
        content.OverrideReasons is { Count: > 0 } reasons ? reasons : null;

    /// <summary>Replaces each <c>{name}</c> with its value; names without a value stay as written.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0 || !template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[StackChars]);
        AppendFilled(ref text, template, [], values);
        return text.ToStringAndClear();
    }

    /// <summary>
    /// Replaces each <c>{name}</c> with the value <paramref name="values"/> gives it, else the global's: a label's few
    /// values given in place, so filling makes the one string it returns.
    /// </summary>
    public static string FillValues(string template, IReadOnlyDictionary<string, string> globals, params ReadOnlySpan<(string Name, string Value)> values)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[StackChars]);
        AppendFilled(ref text, template, values, globals);
        return text.ToStringAndClear();
    }

    /// <summary>
    /// A card's summary or detail in one buffer. A value may itself be wording that names a global ("above
    /// {baclofen-dose.crampMaxMgPerDay} mg/day"); values from orders and labs are Markdown-escaped in the detail,
    /// the finding's Markdown values (wording the rules compose) are not.
    /// </summary>
    private static void Append(ref DefaultInterpolatedStringHandler text, CardText card, bool detail)
    {
        var template = detail ? card.Content.DetailTemplate : card.Content.SummaryTemplate;
        var values = card.Finding.Values;
        var markdownValues = detail ? card.Finding.MarkdownValues : null;
        var globals = card.Globals;
        foreach (var segment in template.Segments)
        {
            var run = template.Text.AsSpan(segment.Start, segment.Length);
            if (segment.Name is not { } name)
            {
                text.AppendFormatted(run);
            }
            else if (markdownValues is not null && markdownValues.TryGetValue(name, out var markdown))
            {
                AppendFilled(ref text, markdown, [], globals);
            }
            else if (values.TryGetValue(name, out var value))
            {
                if (!detail)
                {
                    AppendFilled(ref text, value, [], globals);
                }
                else if (value.Contains('{', StringComparison.Ordinal))
                {
                    AppendEscapedFilled(ref text, value, globals);
                }
                else
                {
                    Markdown.AppendEscaped(ref text, value);
                }
            }
            else if (globals.TryGetValue(name, out var global))
            {
                text.AppendFormatted(global);
            }
            else
            {
                text.AppendFormatted(run);
            }
        }
    }

    private static void AppendEscapedFilled(ref DefaultInterpolatedStringHandler text, string value, IReadOnlyDictionary<string, string> globals)
    {
        var filled = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[StackChars]);
        AppendFilled(ref filled, value, [], globals);
        Markdown.AppendEscaped(ref text, filled.Text);
        filled.Clear();
    }

    /// <summary>The one fill loop: a name takes the value given in place, else the map's; names without either stay as written.</summary>
    private static void AppendFilled(
        ref DefaultInterpolatedStringHandler text,
        string template,
        scoped ReadOnlySpan<(string Name, string Value)> given,
        IReadOnlyDictionary<string, string> values)
    {
        for (var position = 0; position < template.Length;)
        {
            var (literal, placeholder) = Template.Next(template, position);
            text.AppendFormatted(template.AsSpan(position, literal));
            position += literal;
            if (placeholder == 0)
            {
                continue;
            }

            var run = template.AsSpan(position, placeholder);
            if ((Given(given, run[1..^1]) ?? (NamedValues.TryGet(values, run[1..^1], out var found) ? found : null)) is { } value)
            {
                text.AppendFormatted(value);
            }
            else
            {
                text.AppendFormatted(run);
            }

            position += placeholder;
        }
    }

    private static string? Given(scoped ReadOnlySpan<(string Name, string Value)> given, ReadOnlySpan<char> name)
    {
        foreach (var (candidate, value) in given)
        {
            if (name.SequenceEqual(candidate))
            {
                return value;
            }
        }

        return null;
    }

    private static List<Suggestion>? RenderSuggestions(Finding finding, RuleContent content, DateTimeOffset issuedAt, CardIds ids)
    {
        if (content.Suggestions is not { Count: > 0 } templates)
        {
            return null;
        }

        var suggestions = new List<Suggestion>(templates.Count);
        for (var i = 0; i < templates.Count; i++)
        {
            var template = templates[i];
            if (finding.SuggestionIds is { } wanted && !wanted.Contains(template.Id))
            {
                continue;
            }

            if (RenderActions(template, finding) is { Count: > 0 } actions)
            {
                suggestions.Add(new Suggestion
                {
                    Label = Fill(template.Label, finding.Values),
                    Uuid = ids.Next(issuedAt),
                    IsRecommended = template.IsRecommended,
                    Actions = actions,
                });
            }
        }

        return suggestions.Count > 0 ? suggestions : null;
    }

    private static List<SuggestionAction>? RenderActions(SuggestionTemplate template, Finding finding)
    {
        var description = Fill(template.ActionDescription, finding.Values);
        if (template.ActionType == "delete")
        {
            // A draft without an id cannot be named, so there is nothing to delete.
            return finding.Target?.Id is { } id
                ? [new SuggestionAction { Type = "delete", Description = description, ResourceId = $"{finding.Target.TypeName}/{id}" }]
                : null;
        }

        if (finding.Actions?.TryGetValue(template.Id, out var built) != true)
        {
            return null;
        }

        var actions = new List<SuggestionAction>(built!.Count);
        foreach (var action in built)
        {
            actions.Add(action with { Type = template.ActionType, Description = Fill(action.Description.Length > 0 ? action.Description : template.ActionDescription, finding.Values) });
        }

        return actions;
    }

    private static string Shorten(string summary) =>
        summary.Length <= MaxSummaryLength ? summary : new string(Shorten(summary, stackalloc char[MaxSummaryLength]));

    /// <summary>The summary as the spec allows it: at most 139 characters, a longer one cut with an ellipsis into <paramref name="buffer"/>.</summary>
    private static ReadOnlySpan<char> Shorten(ReadOnlySpan<char> summary, Span<char> buffer)
    {
        if (summary.Length <= MaxSummaryLength)
        {
            return summary;
        }

        // A cut between the two halves of a surrogate pair would leave half a character (written as U+FFFD): it moves
        // before the pair.
        var kept = char.IsHighSurrogate(summary[MaxSummaryLength - 2]) ? MaxSummaryLength - 2 : MaxSummaryLength - 1;
        summary[..kept].CopyTo(buffer);
        buffer[kept] = Ellipsis;
        return buffer[..(kept + 1)];
    }
}
