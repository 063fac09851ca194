using CrampCds.Core.Cards;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public class CardTests
{
    [Fact]
    public void A_card_whose_texts_were_read_equals_its_unread_copy_and_keeps_its_hash()
    {
        var card = TestContent.QuinineOrderCard("quinine sulfate 324 MG Oral Capsule");
        var copy = card with { };
        var hash = card.GetHashCode();
        var set = new HashSet<Card> { card };

        _ = card.Summary + card.Detail;

        card.Should().Be(copy);
        card.GetHashCode().Should().Be(hash);
        set.Should().Contain(card);
        (card with { Summary = card.Summary, Detail = card.Detail }).Should().Be(copy);
    }

    [Fact]
    public void Cards_that_say_different_things_are_not_equal()
    {
        var card = TestContent.QuinineOrderCard("quinine sulfate 324 MG Oral Capsule");

        card.Should().NotBe(TestContent.QuinineOrderCard("quinine sulfate 260 MG Oral Tablet") with { Uuid = card.Uuid });
        card.Should().NotBe(card with { Summary = "Local summary" });
        card.Should().NotBe(card with { Detail = "Local wording" });
        card.Should().NotBe(card with { Detail = null });
    }

    [Fact]
    public void A_card_built_without_a_rendered_text_reads_and_writes_what_it_was_given()
    {
        var card = new Card { Uuid = "u1", Summary = null!, Indicator = "info", Source = new CardSource { Label = "FDA" } };

        card.Summary.Should().BeNull();
        card.Detail.Should().BeNull();
        CardsJson.Serialize([card]).Should().Contain("\"summary\":null").And.NotContain("detail");
    }
}
