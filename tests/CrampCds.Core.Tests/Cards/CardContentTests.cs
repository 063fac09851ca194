using CrampCds.Core.Cards;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public class CardContentTests
{
    [Fact]
    public void What_a_rule_derives_from_its_content_is_made_once_and_made_anew_for_other_globals_or_a_copy_of_the_content()
    {
        var content = TestContent.Catalog.Rules["baclofen-dose"] with { };
        var globals = TestContent.Catalog.Globals;
        var made = 0;
        Probe Derive(RuleContent c, IReadOnlyDictionary<string, string> g)
        {
            made++;
            return new Probe(c, g);
        }

        var first = content.Derived(globals, Derive);
        content.Derived(globals, Derive).Should().BeSameAs(first);
        made.Should().Be(1);

        var other = new Dictionary<string, string>(globals);
        var again = content.Derived(other, Derive);
        made.Should().Be(2, "values filled with one catalog's globals are not another's");
        again.Globals.Should().BeSameAs(other);
        again.Content.Should().BeSameAs(content);

        var copy = content with { Thresholds = new Dictionary<string, decimal>(content.Thresholds!) { ["labelMaxMgPerDay"] = 60 } };
        copy.Derived(other, Derive).Content.Should().BeSameAs(copy, "a copy carries the kept value, made from the original");
        made.Should().Be(3);
    }

    private sealed class Probe(RuleContent content, IReadOnlyDictionary<string, string> globals) : DerivedContent(content, globals);
}
