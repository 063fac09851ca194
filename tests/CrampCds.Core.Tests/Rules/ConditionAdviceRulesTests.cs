using CrampCds.Core.Cases;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Core.Tests.Rules;

public class ConditionAdviceRulesTests
{
    [Fact]
    public void Cirrhosis_advice_never_recommends_baclofen_when_renal_impairment_is_severe()
    {
        var now = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var evaluator = new HookEvaluator(TestContent.Catalog, TestContent.Rules, [], new FixedTimeProvider(now));
        var severe = CaseFile.Load(Path.Combine(TestContent.CardsPath, "cases", "cirrhosis-cramps", "in-cirrhosis-with-severe-renal-impairment.json"));
        var normal = CaseFile.Load(Path.Combine(TestContent.CardsPath, "cases", "cirrhosis-cramps", "in-cirrhosis-with-cramps.json"));

        var withSevere = severe.Run(TestContent.Catalog, evaluator, now).Cards.Single();
        var withNormal = normal.Run(TestContent.Catalog, evaluator, now).Cards.Single();

        withSevere.Summary.Should().Contain("avoid baclofen").And.NotContain("first-line");
        withSevere.Detail.Should().Contain("avoid it");
        withNormal.Summary.Should().Contain("baclofen 10-30 mg/day first-line");
    }
}
