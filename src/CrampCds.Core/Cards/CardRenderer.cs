using System.Text;
using CrampCds.Core.Rules;

namespace CrampCds.Core.Cards;

/// <summary>Turns a finding into a spec-valid card from its rule's cds-cards wording.</summary>
public static class CardRenderer
{
    public const string RuleIdExtension = "org.crampcds.rule-id";
    public const string ContentVersionExtension = "org.crampcds.content-version";
    private const int MaxSummaryLength = 139;

    /// <param name="globals">Values every card may name: thresholds as "{rule-id.name}", fact settings as "{facts.name}".</param>
    public static Card Render(Finding finding, RuleContent content, IReadOnlyDictionary<string, string> globals)
    {
        var suggestions = RenderSuggestions(finding, content);

        // A value may itself be wording that names a threshold ("above {baclofen-dose.crampMaxMgPerDay} mg/day").
        var summaryValues = new Dictionary<string, string>(finding.Values.Count, StringComparer.Ordinal);
        var detailValues = new Dictionary<string, string>(finding.Values.Count + finding.MarkdownValues.Count, StringComparer.Ordinal);
        foreach (var (key, value) in finding.Values)
        {
            var filled = value.Contains('{', StringComparison.Ordinal) ? Fill(value, globals) : value;
            summaryValues[key] = filled;
            detailValues[key] = Markdown.Escape(filled);
        }

        foreach (var (key, value) in finding.MarkdownValues)
        {
            detailValues[key] = value.Contains('{', StringComparison.Ordinal) ? Fill(value, globals) : value;
        }

        return new Card
        {
            Uuid = Guid.NewGuid().ToString(),
            Summary = Shorten(Fill(content.Summary, summaryValues, globals)),
            Detail = Fill(content.Detail, detailValues, globals),
            Indicator = finding.Indicator ?? content.Indicator,
            Source = content.Source,
            Links = content.Links is { Count: > 0 } links ? links : null,
            Suggestions = suggestions,
            SelectionBehavior = suggestions is null ? null : content.SelectionBehavior ?? "at-most-one",
            OverrideReasons = content.OverrideReasons is { Count: > 0 } reasons ? reasons : null,
            Extension = content.CardExtension,
            RuleId = content.Id,
        };
    }

    /// <summary>Replaces each <c>{name}</c> with its value; names without a value stay as written.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) => Fill(template, values, null);

    /// <summary>As <see cref="Fill(string, IReadOnlyDictionary{string, string})"/>, looking in <paramref name="fallback"/> for names <paramref name="values"/> lacks.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string>? fallback)
    {
        if ((values.Count == 0 && fallback is null) || !template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        var result = new StringBuilder(template.Length + 64);
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                result.Append(template, position, template.Length - position);
                break;
            }

            result.Append(template, position, open - position);
            var name = template.Substring(open + 1, close - open - 1);
            if (values.TryGetValue(name, out var value) || (fallback is not null && fallback.TryGetValue(name, out value)))
            {
                result.Append(value);
            }
            else
            {
                result.Append(template, open, close - open + 1);
            }

            position = close + 1;
        }

        return result.ToString();
    }

    private static List<Suggestion>? RenderSuggestions(Finding finding, RuleContent content)
    {
        if (content.Suggestions is not { Count: > 0 } templates)
        {
            return null;
        }

        var suggestions = new List<Suggestion>(templates.Count);
        foreach (var template in templates)
        {
            if (finding.SuggestionIds is { } wanted && !wanted.Contains(template.Id))
            {
                continue;
            }

            if (RenderActions(template, finding) is { Count: > 0 } actions)
            {
                suggestions.Add(new Suggestion
                {
                    Label = Fill(template.Label, finding.Values),
                    Uuid = Guid.NewGuid().ToString(),
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
        summary.Length <= MaxSummaryLength ? summary : string.Concat(summary.AsSpan(0, MaxSummaryLength - 1), "\u2026");
}
