using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cases;

/// <summary>Every case beside every rule in cds-cards/cases/: a full hook request and the cards it must get.</summary>
public class RuleCasesTests
{
    // Cases write dates relative to the clock; run them at two different "nows" so none depends on the day.
    private static readonly DateTimeOffset[] Clocks =
    [
        new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero),
        new(2031, 2, 28, 23, 30, 0, TimeSpan.Zero),
    ];

    private static string CasesPath => Path.Combine(TestContent.CardsPath, "cases");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CasesPath, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(CasesPath, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_gets_exactly_its_expected_cards(string relativePath)
    {
        var file = CaseFile.Load(Path.Combine(CasesPath, relativePath));
        foreach (var now in Clocks)
        {
            var evaluator = new Core.Rules.HookEvaluator(TestContent.Catalog, TestContent.Rules, [], new FixedTimeProvider(now));

            var result = file.Run(TestContent.Catalog, evaluator, now);

            result.PreconditionFailed.Should().BeFalse();
            result.Cards.Select(c => c.RuleId).Order(StringComparer.Ordinal)
                .Should().Equal(file.Expect.Order(StringComparer.Ordinal), $"{relativePath}: {file.Description} (at {now:yyyy-MM-dd})");
            foreach (var (ruleId, indicator) in file.Indicators)
            {
                result.Cards.Where(c => c.RuleId == ruleId).Should().OnlyContain(c => c.Indicator == indicator, $"{relativePath}: {ruleId} is {indicator}");
            }

            foreach (var card in result.Cards)
            {
                AssertSpecValid(card);
            }
        }
    }

    [Fact]
    public void Every_rule_has_an_in_case_and_an_out_case()
    {
        foreach (var rule in TestContent.Rules)
        {
            var folder = Path.Combine(CasesPath, rule.Id);
            Directory.Exists(folder).Should().BeTrue($"rule {rule.Id} needs cases in {folder}");
            var names = Directory.GetFiles(folder, "*.json").Select(Path.GetFileName).ToList();
            names.Should().Contain(n => n!.StartsWith("in-", StringComparison.Ordinal), $"{rule.Id} needs an in- case");
            names.Should().Contain(n => n!.StartsWith("out-", StringComparison.Ordinal), $"{rule.Id} needs an out- case");
        }
    }

    [Fact]
    public void Every_in_case_expects_its_own_rule_and_no_out_case_does()
    {
        foreach (var path in Directory.GetFiles(CasesPath, "*.json", SearchOption.AllDirectories))
        {
            var rule = Path.GetFileName(Path.GetDirectoryName(path))!;
            var expect = CaseFile.Load(path).Expect;
            var name = Path.GetFileName(path);
            if (name.StartsWith("in-", StringComparison.Ordinal))
            {
                expect.Should().Contain(rule, path);
            }
            else
            {
                name.Should().StartWith("out-", path);
                expect.Should().NotContain(rule, path);
            }
        }
    }

    private static void AssertSpecValid(Card card)
    {
        Guid.TryParse(card.Uuid, out _).Should().BeTrue();
        card.Summary.Length.Should().BeLessThan(140);
        card.Summary.Should().NotContain("{", "every placeholder in a summary is filled: " + card.Summary);
        card.Detail.Should().NotContain("{", "every placeholder in a detail is filled");
        card.Indicator.Should().BeOneOf("info", "warning", "critical");
        card.Source.Label.Should().NotBeNullOrWhiteSpace();
        if (card.Suggestions is { Count: > 0 })
        {
            card.SelectionBehavior.Should().NotBeNull();
            card.Suggestions.Should().OnlyContain(s => IsGuid(s.Uuid) && s.Actions!.Count > 0);
        }

        if (card.Indicator is "warning" or "critical")
        {
            card.OverrideReasons.Should().NotBeNullOrEmpty();
        }
    }

    private static bool IsGuid(string value) => Guid.TryParse(value, out _);
}
