using CrampCds.Core.Cards;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

/// <summary>The placeholder syntax, the same for a parsed card text and a one-off fill: stray braces stay as written.</summary>
public class TemplateTests
{
    private static readonly Dictionary<string, string> Values = new() { ["drug"] = "quinine" };

    [Theory]
    [InlineData("{drug}", "quinine", new[] { "drug" })]
    [InlineData("take {drug} daily", "take quinine daily", new[] { "drug" })]
    [InlineData("no placeholder", "no placeholder", new string[0])]
    [InlineData("", "", new string[0])]
    [InlineData("open {drug", "open {drug", new string[0])]
    [InlineData("}{drug}{", "}quinine{", new[] { "drug" })]
    [InlineData("{} {drug}", "{} quinine", new[] { "", "drug" })]
    [InlineData("a{b{drug}c", "a{b{drug}c", new[] { "b{drug" })]
    [InlineData("{{drug}}", "{{drug}}", new[] { "{drug" })]
    [InlineData("{drug}{drug}", "quininequinine", new[] { "drug", "drug" })]
    public void A_text_splits_into_runs_and_names_and_fills_alike(string text, string filled, string[] names)
    {
        var template = Template.Parse(text);

        string.Concat(template.Segments.Select(s => text.Substring(s.Start, s.Length))).Should().Be(text);
        template.Segments.Where(s => s.Name is not null).Select(s => s.Name).Should().Equal(names);
        template.Segments.Should().NotContain(s => s.Length == 0, "no run is empty");
        template.Segments.Zip(template.Segments.Skip(1)).Should().NotContain(p => p.First.Name == null && p.Second.Name == null, "a literal is one run");
        template.IsLiteral.Should().Be(names.Length == 0);
        CardRenderer.Fill(text, Values).Should().Be(filled);
    }
}
