using CrampCds.Core.Terminology;
using FluentAssertions;

namespace CrampCds.Core.Tests.Terminology;

public class NameMatcherTests
{
    [Theory]
    [InlineData("quinine sulfate 324 MG Oral Capsule", "quinine", true)]
    [InlineData("QUININE", "quinine", true)]
    [InlineData("Qualaquin 324mg caps", "qualaquin", true)]
    [InlineData("(quinine)", "quinine", true)]
    [InlineData("quinidine sulfate 200 MG Oral Tablet", "quinine", false)]
    [InlineData("hydroquinine", "quinine", false)]
    [InlineData("quinines", "quinine", false)]
    [InlineData("", "quinine", false)]
    public void Names_match_only_on_word_boundaries(string text, string name, bool expected)
    {
        NameMatcher.ContainsWord(text, name).Should().Be(expected);
    }
}
