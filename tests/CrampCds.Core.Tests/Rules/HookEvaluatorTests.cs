using CrampCds.Core.Cases;
using CrampCds.Core.Data;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Core.Tests.Rules;

public class HookEvaluatorTests
{
    [Fact]
    public void Cards_come_most_severe_first_and_rules_keep_their_order_within_a_severity()
    {
        // Rule order: info, critical, warning, info, warning.
        IRule[] rules =
        [
            new FixedRule("causative-drugs", "info"),
            new FixedRule("quinine-order", "critical"),
            new FixedRule("baclofen-dose", "warning"),
            new FixedRule("magnesium-high", "info"),
            new FixedRule("baclofen-renal", "warning"),
        ];
        var evaluator = new HookEvaluator(TestContent.Catalog, rules, [], new FixedTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero)));
        var request = Requests.Parse(Requests.OrderHook(HookNames.OrderSign, [Requests.CodedDraft("d1", Requests.QuinineCoding)]), HookNames.OrderSign);

        var cards = evaluator.Evaluate(request, new PatientDataBuilder().Build()).Cards
            .Where(c => c.RuleId != "data-unavailable")
            .Select(c => (c.RuleId, c.Indicator));

        cards.Should().Equal(
            ("quinine-order", "critical"),
            ("baclofen-dose", "warning"),
            ("baclofen-renal", "warning"),
            ("causative-drugs", "info"),
            ("magnesium-high", "info"));
    }

    private sealed class FixedRule(string id, string indicator) : IRule
    {
        public string Id => id;

        public IReadOnlyList<string> Hooks => [HookNames.OrderSign];

        public IReadOnlyList<DataCategory> Uses => [];

        public void Evaluate(RuleContext context, ICollection<Finding> findings) =>
            findings.Add(new Finding { RuleId = id, Indicator = indicator });
    }
}
