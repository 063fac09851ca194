using CrampCds.Core.Cards;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public sealed class MarkdownTests
{
    [Theory]
    [InlineData("Quinine sulfate 324 MG Oral Capsule")]
    [InlineData("3.1 mmol/L")]
    [InlineData("")]
    public void Plain_text_comes_back_as_it_is(string text) => Markdown.Escape(text).Should().BeSameAs(text);

    [Theory]
    [InlineData(@"take *two* at night", @"take \*two\* at night")]
    [InlineData("see [label](http://x)", @"see \[label\](http://x)")]
    [InlineData("# heading | cell ~ `code` _em_ back\\slash", @"\# heading \| cell \~ \`code\` \_em\_ back\\slash")]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("line one\r\nline two", "line one  line two")]
    public void Free_text_cannot_format_the_card_or_inject_HTML(string text, string escaped) => Markdown.Escape(text).Should().Be(escaped);
}
