using CrampCds.Core.Cards;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public class CardContentTests
{
    [Fact]
    public void What_a_rule_derives_from_its_content_is_made_once_per_catalogs_globals_and_made_anew_for_other_globals()
    {
        var content = TestContent.Catalog.Rules["baclofen-dose"] with { };
        var globals = TestContent.Catalog.Globals;
        var made = 0;
        Probe Derive(RuleContent c, IReadOnlyDictionary<string, string> g)
        {
            made++;
            return new Probe(g, c.Id);
        }

        var first = content.Derived(globals, Derive);
        content.Derived(globals, Derive).Should().BeSameAs(first);
        made.Should().Be(1);

        var other = new Dictionary<string, string>(globals);
        var again = content.Derived(other, Derive);
        made.Should().Be(2, "values filled with one catalog's globals are not another's");
        again.Globals.Should().BeSameAs(other);
        again.RuleId.Should().Be("baclofen-dose");
    }

    private sealed class Probe(IReadOnlyDictionary<string, string> globals, string ruleId) : DerivedContent(globals)
    {
        public string RuleId { get; } = ruleId;
    }
}
