using CrampCds.Core.Cards;
using CrampCds.Core.Fhir;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public class CardRendererTests
{
    private static RuleContent Quinine => TestContent.Catalog.Rules["quinine-order"];

    [Fact]
    public void Placeholders_are_filled_and_unknown_ones_stay_visible()
    {
        CardRenderer.Fill("{drug} twice {drug}, {other}", new Dictionary<string, string> { ["drug"] = "quinine" })
            .Should().Be("quinine twice quinine, {other}");
    }

    [Fact]
    public void A_card_carries_uuids_rule_id_and_content_version()
    {
        var card = CardRenderer.Render(Finding(new MedicationRequest { Id = "d1" }, "quinine sulfate 324 MG Oral Capsule"), Quinine);

        Guid.TryParse(card.Uuid, out _).Should().BeTrue();
        card.Suggestions.Should().ContainSingle().Which.Uuid.Should().NotBe(card.Uuid);
        card.SelectionBehavior.Should().Be("at-most-one");
        card.Suggestions![0].Actions.Should().ContainSingle().Which.ResourceId.Should().Be("MedicationRequest/d1");
        card.Extension.Should().Contain(CardRenderer.RuleIdExtension, "quinine-order")
            .And.Contain(CardRenderer.ContentVersionExtension, Quinine.Version);
    }

    [Fact]
    public void A_long_drug_name_never_makes_the_summary_reach_140_characters()
    {
        var card = CardRenderer.Render(Finding(new MedicationRequest { Id = "d1" }, new string('q', 300)), Quinine);

        card.Summary.Length.Should().BeLessThan(140);
    }

    [Fact]
    public void A_draft_without_an_id_gets_no_delete_suggestion_and_no_selection_behavior()
    {
        var card = CardRenderer.Render(Finding(new MedicationRequest(), "quinine"), Quinine);

        card.Suggestions.Should().BeNull();
        card.SelectionBehavior.Should().BeNull();
    }

    [Fact]
    public void A_dstu2_order_is_deleted_by_its_own_resource_type()
    {
        var card = CardRenderer.Render(Finding(new MedicationRequest { Id = "order-123", SourceType = "MedicationOrder" }, "quinine"), Quinine);

        card.Suggestions![0].Actions![0].ResourceId.Should().Be("MedicationOrder/order-123");
    }

    private static Finding Finding(MedicationRequest target, string drug) => new()
    {
        RuleId = "quinine-order",
        Target = target,
        Values = new Dictionary<string, string> { ["drug"] = drug },
    };
}
