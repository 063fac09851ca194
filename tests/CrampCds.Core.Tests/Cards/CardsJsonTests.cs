using System.Text.Json;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public class CardsJsonTests
{
    private static Card Card(string detail) => new()
    {
        Uuid = "0193a1b2-0000-7000-8000-000000000001",
        Summary = "Quinine isn't for leg cramps",
        Detail = detail,
        Indicator = "critical",
        Source = new CardSource { Label = "FDA" },
    };

    [Fact]
    public void Prose_and_markdown_characters_are_written_as_they_are_and_json_specials_are_escaped()
    {
        const string Detail = "eGFR ≥ 30 mL/min/1.73 m² & K+ <5.5 — don't \"stop\" abruptly\\\n* next";

        var json = CardsJson.Serialize([Card(Detail)]);

        json.Should().Contain("≥ 30 mL/min/1.73 m² & K+ <5.5 — don't").And.Contain("isn't");
        json.Should().Contain("\\\"stop\\\"").And.Contain("\\\\\\n* next");
        using var parsed = JsonDocument.Parse(json);
        parsed.RootElement.GetProperty("cards")[0].GetProperty("detail").GetString().Should().Be(Detail);
    }

    [Fact]
    public void The_answer_keeps_the_contract_names_and_leaves_out_what_is_null()
    {
        var json = CardsJson.Serialize([Card("d")]);

        using var parsed = JsonDocument.Parse(json);
        var card = parsed.RootElement.GetProperty("cards")[0];
        card.GetProperty("source").GetProperty("label").GetString().Should().Be("FDA");
        card.TryGetProperty("suggestions", out _).Should().BeFalse();
        card.TryGetProperty("ruleId", out _).Should().BeFalse("the rule id travels in the extension");
    }

    // The in-cases: each gets its rule's card (out-cases get none of theirs).
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TestContent.CardsPath, "cases"), "in-*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(TestContent.CardsPath, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_rule_card_written_from_its_stored_fragments_is_byte_for_byte_the_card_serialized_member_by_member(string relativePath)
    {
        var now = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var file = CaseFile.Load(Path.Combine(TestContent.CardsPath, relativePath));
        var cards = file.Run(TestContent.Catalog, new HookEvaluator(TestContent.Catalog, TestContent.Rules, [], new FixedTimeProvider(now)), now).Cards;

        cards.Should().NotBeEmpty().And.OnlyContain(c => c.Fragments != null, "rendered cards carry their rule's fragments");
        var serialized = CardsJson.Serialize(cards.Select(c => c with { Fragments = null }).ToList());
        CardsJson.Serialize(cards).Should().Be(serialized);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_card_written_straight_from_its_templates_is_byte_for_byte_the_card_of_its_rendered_texts(string relativePath)
    {
        var now = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var file = CaseFile.Load(Path.Combine(TestContent.CardsPath, relativePath));
        var cards = file.Run(TestContent.Catalog, new HookEvaluator(TestContent.Catalog, TestContent.Rules, [], new FixedTimeProvider(now)), now).Cards;
        cards.Should().OnlyContain(c => c.PendingSummary != null && c.PendingDetail != null, "nothing has read the texts yet");

        var straight = CardsJson.Serialize(cards);
        var texts = cards.Select(c => c with { Summary = c.Summary, Detail = c.Detail }).ToList();

        texts.Should().OnlyContain(c => c.PendingSummary == null && c.PendingDetail == null);
        CardsJson.Serialize(texts).Should().Be(straight);
    }

    [Fact]
    public void A_summary_longer_than_the_spec_allows_is_cut_with_an_ellipsis_whether_written_or_read()
    {
        var longName = "quinine sulfate 324 MG Oral Capsule " + string.Concat(Enumerable.Repeat("(compounded by the outpatient pharmacy) ", 5));
        var card = TestContent.QuinineOrderCard(longName);

        using var written = JsonDocument.Parse(CardsJson.Serialize([card]));
        var summary = written.RootElement.GetProperty("cards")[0].GetProperty("summary").GetString()!;

        summary.Should().HaveLength(139).And.EndWith("\u2026").And.Contain("quinine sulfate 324 MG");
        card.Summary.Should().Be(summary);
    }

    [Fact]
    public void A_summary_cut_where_a_character_beyond_the_bmp_stands_keeps_that_character_whole_or_drops_it()
    {
        // Where the name starts in the summary, so that the cut lands between the halves of the pill's surrogate pair.
        var start = TestContent.QuinineOrderCard(new string('x', 200)).Summary.IndexOf("xxxx", StringComparison.Ordinal);
        var name = new string('x', 137 - start) + "\ud83d\udc8a quinine " + new string('y', 150);
        var card = TestContent.QuinineOrderCard(name);

        var json = CardsJson.Serialize([card]);
        using var written = JsonDocument.Parse(json);
        var summary = written.RootElement.GetProperty("cards")[0].GetProperty("summary").GetString()!;

        json.Should().NotContain("\\uFFFD");
        summary.Should().HaveLength(138).And.EndWith("x\u2026");
        card.Summary.Should().Be(summary);
    }

    [Fact]
    public void A_detail_replaced_or_removed_after_rendering_is_written_as_replaced()
    {
        var card = TestContent.QuinineOrderCard("quinine sulfate 324 MG Oral Capsule");

        using var parsed = JsonDocument.Parse(CardsJson.Serialize([card with { Detail = "Local wording" }, card with { Detail = null }, card]));
        var written = parsed.RootElement.GetProperty("cards");

        written[0].GetProperty("detail").GetString().Should().Be("Local wording");
        written[1].TryGetProperty("detail", out _).Should().BeFalse();
        written[2].GetProperty("detail").GetString().Should().Contain("quinine sulfate 324 MG Oral Capsule").And.Be(card.Detail);
    }


    [Fact]
    public void A_card_whose_source_was_changed_after_rendering_is_written_with_its_own_source()
    {
        var content = TestContent.Catalog.Rules["quinine-order"];
        var card = TestContent.QuinineOrderCard("quinine sulfate 324 MG Oral Capsule");
        var changed = card with { Source = new CardSource { Label = "Local policy", Url = "https://example.org/policy" }, Links = null };

        using var parsed = JsonDocument.Parse(CardsJson.Serialize([card, changed]));
        var written = parsed.RootElement.GetProperty("cards");
        written[0].GetProperty("source").GetProperty("label").GetString().Should().Be(content.Source.Label);
        written[1].GetProperty("source").GetProperty("label").GetString().Should().Be("Local policy");
        written[1].TryGetProperty("links", out _).Should().BeFalse();
        written[1].GetProperty("extension").GetProperty(CardRenderer.RuleIdExtension).GetString().Should().Be("quinine-order");
        written[1].GetProperty("overrideReasons").GetArrayLength().Should().Be(content.OverrideReasons!.Count);
    }

    [Fact]
    public void Suggestions_and_their_actions_keep_the_contract_names_and_leave_out_what_is_null()
    {
        var card = Card("d") with
        {
            Suggestions =
            [
                new Suggestion
                {
                    Label = "Remove the order",
                    Uuid = "0193a1b2-0000-7000-8000-000000000002",
                    IsRecommended = true,
                    Actions =
                    [
                        new SuggestionAction { Type = "delete", Description = "Remove it", ResourceId = "MedicationRequest/1" },
                        new SuggestionAction { Type = "create", Description = "Order a potassium", Resource = new System.Text.Json.Nodes.JsonObject { ["resourceType"] = "ServiceRequest", ["status"] = "draft" } },
                    ],
                },
                new Suggestion { Label = "Nothing", Uuid = "0193a1b2-0000-7000-8000-000000000003" },
            ],
            SelectionBehavior = "at-most-one",
        };

        CardsJson.Serialize([card]).Should().Be(
            "{\"cards\":[{\"uuid\":\"0193a1b2-0000-7000-8000-000000000001\",\"summary\":\"Quinine isn't for leg cramps\",\"detail\":\"d\",\"indicator\":\"critical\","
            + "\"source\":{\"label\":\"FDA\"},\"suggestions\":[{\"label\":\"Remove the order\",\"uuid\":\"0193a1b2-0000-7000-8000-000000000002\",\"isRecommended\":true,"
            + "\"actions\":[{\"type\":\"delete\",\"description\":\"Remove it\",\"resourceId\":\"MedicationRequest/1\"},"
            + "{\"type\":\"create\",\"description\":\"Order a potassium\",\"resource\":{\"resourceType\":\"ServiceRequest\",\"status\":\"draft\"}}]},"
            + "{\"label\":\"Nothing\",\"uuid\":\"0193a1b2-0000-7000-8000-000000000003\"}],\"selectionBehavior\":\"at-most-one\"}]}");
    }
}
