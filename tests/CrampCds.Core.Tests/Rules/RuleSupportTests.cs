using CrampCds.Core.Cards;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Core.Tests.Rules;

public class RuleSupportTests
{
    private static readonly IReadOnlyDictionary<string, string> Values =
        RuleSupport.Values(("drug", "Baclofen 10 MG Oral Tablet"), ("dose", "30 mg/day"), ("drugs", ""));

    [Fact]
    public void Each_value_name_finds_its_own_value_and_only_an_exact_name_matches()
    {
        Values["drug"].Should().Be("Baclofen 10 MG Oral Tablet");
        Values["drugs"].Should().BeEmpty();
        Values.TryGetValue("Drug", out _).Should().BeFalse();
        Values.ContainsKey("dos").Should().BeFalse();
        var missing = () => Values["limit"];
        missing.Should().Throw<KeyNotFoundException>().WithMessage("*limit*");
    }

    [Fact]
    public void Values_are_listed_in_the_order_the_rule_gave_them()
    {
        Values.Count.Should().Be(3);
        Values.Keys.Should().Equal("drug", "dose", "drugs");
        Values.Values.Should().Equal("Baclofen 10 MG Oral Tablet", "30 mg/day", "");
    }

    [Fact]
    public void A_value_name_given_twice_is_refused_as_a_dictionary_would()
    {
        var twice = () => RuleSupport.Values(("drug", "a"), ("dose", "b"), ("drug", "c"));
        twice.Should().Throw<ArgumentException>().WithMessage("*'drug'*twice*");
        var unnamed = () => RuleSupport.Values(("drug", "a"), (null!, "b"));
        unnamed.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void The_renderer_fills_a_template_from_them()
    {
        CardRenderer.Fill("{drug}: {dose} ({unknown})", Values).Should().Be("Baclofen 10 MG Oral Tablet: 30 mg/day ({unknown})");
    }
}
