using System.Text.Json;
using CrampCds.Core.Cards;
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
}
