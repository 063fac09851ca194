using CrampCds.Core.Cards;
using CrampCds.Core.Fhir;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public class CardRendererTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private readonly CardIds _ids = new();

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
        var card = CardRenderer.Render(Finding(new MedicationRequest { Id = "d1" }, "quinine sulfate 324 MG Oral Capsule"), Quinine, TestContent.Catalog.Globals, Now, _ids);

        Guid.TryParse(card.Uuid, out _).Should().BeTrue();
        card.Suggestions.Should().ContainSingle().Which.Uuid.Should().NotBe(card.Uuid);
        card.SelectionBehavior.Should().Be("at-most-one");
        card.Suggestions![0].Actions.Should().ContainSingle().Which.ResourceId.Should().Be("MedicationRequest/d1");
        card.Extension.Should().Contain(CardRenderer.RuleIdExtension, "quinine-order")
            .And.Contain(CardRenderer.ContentVersionExtension, Quinine.Version);
    }

    [Fact]
    public void Card_and_suggestion_uuids_are_time_ordered_so_the_card_log_appends()
    {
        var first = CardRenderer.Render(Finding(new MedicationRequest { Id = "d1" }, "quinine"), Quinine, TestContent.Catalog.Globals, Now, _ids);
        var later = CardRenderer.Render(Finding(new MedicationRequest { Id = "d1" }, "quinine"), Quinine, TestContent.Catalog.Globals, Now.AddMilliseconds(5), _ids);

        Guid.Parse(first.Uuid).Version.Should().Be(7);
        Guid.Parse(first.Suggestions![0].Uuid).Version.Should().Be(7);
        string.CompareOrdinal(first.Uuid, later.Uuid).Should().BeNegative();
    }

    [Fact]
    public void A_long_drug_name_never_makes_the_summary_reach_140_characters()
    {
        var card = CardRenderer.Render(Finding(new MedicationRequest { Id = "d1" }, new string('q', 300)), Quinine, TestContent.Catalog.Globals, Now, _ids);

        card.Summary.Length.Should().BeLessThan(140);
    }

    [Fact]
    public void Free_text_names_are_escaped_in_the_markdown_detail_but_not_in_the_summary()
    {
        var card = CardRenderer.Render(Finding(new MedicationRequest { Id = "d1" }, "quinine *bold* <script>"), Quinine, TestContent.Catalog.Globals, Now, _ids);

        card.Detail.Should().Contain(@"quinine \*bold\* &lt;script&gt;").And.NotContain("<script>");
        card.Summary.Should().Contain("quinine *bold* <script>");
    }

    [Fact]
    public void Thresholds_and_fact_settings_can_be_named_in_any_wording()
    {
        CardRenderer.Fill("{baclofen-dose.labelMaxMgPerDay} mg/day within {facts.currentLabDays} days", TestContent.Catalog.Globals)
            .Should().Be("80 mg/day within 90 days");
    }

    [Fact]
    public void Values_may_name_thresholds_markdown_values_stay_as_written_and_unknown_names_stay_visible()
    {
        var content = Quinine with
        {
            Summary = "{drug}: {limit}",
            Detail = "{drug} | {limit} | {advice} | {facts.currentLabDays} days | {missing} | {open",
        };
        var finding = Finding(new MedicationRequest { Id = "d1" }, "a*b") with
        {
            Values = new Dictionary<string, string> { ["drug"] = "a*b", ["limit"] = "above {baclofen-dose.labelMaxMgPerDay} mg/day" },
            MarkdownValues = new Dictionary<string, string> { ["advice"] = "**stop** at {baclofen-dose.labelMaxMgPerDay}" },
        };

        var card = CardRenderer.Render(finding, content, TestContent.Catalog.Globals, Now, _ids);

        card.Summary.Should().Be("a*b: above 80 mg/day");
        card.Detail.Should().Be(@"a\*b | above 80 mg/day | **stop** at 80 | 90 days | {missing} | {open");
    }

    [Fact]
    public void A_card_text_longer_than_the_render_buffer_is_rendered_whole()
    {
        var drug = string.Concat(Enumerable.Repeat("quinine_", 500));

        var card = CardRenderer.Render(Finding(new MedicationRequest { Id = "d1" }, drug), Quinine, TestContent.Catalog.Globals, Now, _ids);

        card.Detail.Should().Contain(drug.Replace("_", @"\_", StringComparison.Ordinal));
        card.Detail.Should().EndWith(Quinine.Detail[^20..]);
    }

    [Fact]
    public void A_draft_without_an_id_gets_no_delete_suggestion_and_no_selection_behavior()
    {
        var card = CardRenderer.Render(Finding(new MedicationRequest(), "quinine"), Quinine, TestContent.Catalog.Globals, Now, _ids);

        card.Suggestions.Should().BeNull();
        card.SelectionBehavior.Should().BeNull();
    }

    [Fact]
    public void A_dstu2_order_is_deleted_by_its_own_resource_type()
    {
        var card = CardRenderer.Render(Finding(new MedicationRequest { Id = "order-123", SourceType = "MedicationOrder" }, "quinine"), Quinine, TestContent.Catalog.Globals, Now, _ids);

        card.Suggestions![0].Actions![0].ResourceId.Should().Be("MedicationOrder/order-123");
    }

    private static Finding Finding(MedicationRequest target, string drug) => new()
    {
        RuleId = "quinine-order",
        Target = target,
        Values = new Dictionary<string, string> { ["drug"] = drug },
    };
}
