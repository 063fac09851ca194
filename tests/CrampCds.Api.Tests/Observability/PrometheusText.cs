using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace CrampCds.Api.Tests.Observability;

/// <summary>One sample line of the Prometheus text format: a metric name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool HasLabels(params (string Name, string Value)[] labels) =>
        Labels.Count == labels.Length && labels.All(l => Labels.TryGetValue(l.Name, out var value) && value == l.Value);
}

/// <summary>
/// A strict reader of the Prometheus text exposition format (version 0.0.4), so a scrape in a test fails on anything
/// a Prometheus server would refuse: every sample belongs to a family declared by <c># HELP</c> and <c># TYPE</c>
/// lines before it, names and labels are well formed, values are numbers, and the text ends with a newline.
/// </summary>
public static partial class PrometheusText
{
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>(?:[^""}]|""(?:[^""\\]|\\.)*"")*)\})? (?<value>[^ ]+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"\G(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\\n]|\\[\\""n])*)""(,|$)")]
    private static partial Regex LabelPair();

    [GeneratedRegex(@"^# HELP (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    /// <summary>The samples of a scrape, after checking its every line.</summary>
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        if (text.Length == 0)
        {
            return samples;
        }

        text.Should().EndWith("\n", "the exposition format ends every line, the last one too, with \\n");
        var helped = new HashSet<string>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text[..^1].Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var help = HelpLine().Match(line);
                help.Success.Should().BeTrue("'{0}' should be a HELP line", line);
                helped.Add(help.Groups["name"].Value).Should().BeTrue("'{0}' is described once", help.Groups["name"].Value);
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var type = TypeLine().Match(line);
                type.Success.Should().BeTrue("'{0}' should be a TYPE line", line);
                types.TryAdd(type.Groups["name"].Value, type.Groups["type"].Value).Should().BeTrue("'{0}' is typed once", type.Groups["name"].Value);
                continue;
            }

            var match = SampleLine().Match(line);
            match.Success.Should().BeTrue("'{0}' should be a sample line: name{{label=\"value\",...}} number", line);
            var name = match.Groups["name"].Value;
            var family = FamilyOf(name, types);
            family.Should().NotBeNull("sample '{0}' needs a # TYPE line before it", line);
            helped.Should().Contain(family!, "sample '{0}' needs a # HELP line before it", line);
            var labels = ParseLabels(match.Groups["labels"].Value, line);
            if (types[family!] == "histogram" && name.EndsWith("_bucket", StringComparison.Ordinal))
            {
                labels.Should().ContainKey("le", "a histogram bucket carries its upper bound");
            }

            samples.Add(new PrometheusSample(name, labels, ParseValue(match.Groups["value"].Value, line)));
        }

        return samples;
    }

    /// <summary>The value of the one sample with exactly these labels, or null when there is none.</summary>
    public static double? Value(this IEnumerable<PrometheusSample> samples, string name, params (string Name, string Value)[] labels)
    {
        var found = samples.Where(s => s.Name == name && s.HasLabels(labels)).ToArray();
        found.Length.Should().BeLessThanOrEqualTo(1, "a series appears once in a scrape");
        return found.Length == 0 ? null : found[0].Value;
    }

    /// <summary>Every sample of one metric name.</summary>
    public static IReadOnlyList<PrometheusSample> Series(this IEnumerable<PrometheusSample> samples, string name) =>
        samples.Where(s => s.Name == name).ToArray();

    /// <summary>The declared type of each family, e.g. <c>crampcds_cards_total</c> → <c>counter</c>.</summary>
    public static IReadOnlyDictionary<string, string> Types(string text) =>
        text.Split('\n')
            .Select(line => TypeLine().Match(line))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);

    private static string? FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name))
        {
            return name;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out var type) && type is "histogram" or "summary")
            {
                return name[..^suffix.Length];
            }
        }

        return null;
    }

    private static Dictionary<string, string> ParseLabels(string text, string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var consumed = 0;
        for (var pair = LabelPair().Match(text); pair.Success && pair.Length > 0; pair = pair.NextMatch())
        {
            labels.TryAdd(pair.Groups["name"].Value, Unescape(pair.Groups["value"].Value)).Should().BeTrue("'{0}' names each label once", line);
            consumed += pair.Length;
        }

        consumed.Should().Be(text.Length, "'{0}' should hold only label=\"value\" pairs", line);
        return labels;
    }

    private static double ParseValue(string value, string line) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"'{line}' has no number for its value"),
    };

    private static string Unescape(string value)
    {
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                text.Append(value[i] == 'n' ? '\n' : value[i]);
            }
            else
            {
                text.Append(value[i]);
            }
        }

        return text.ToString();
    }
}
