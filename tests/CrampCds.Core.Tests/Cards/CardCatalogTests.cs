using System.Text.Json.Nodes;
using CrampCds.Core.Cards;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public sealed class CardCatalogTests : IDisposable
{
    private readonly CardsCopy _copy = new();

    public void Dispose() => _copy.Dispose();

    [Fact]
    public void The_repository_content_loads_with_every_rule_and_service()
    {
        var catalog = TestContent.Catalog;

        catalog.Services.Select(s => (s.Id, s.Hook)).Should().BeEquivalentTo(new[]
        {
            ("crampcds-patient-view", "patient-view"),
            ("crampcds-order-select", "order-select"),
            ("crampcds-order-sign", "order-sign"),
        });
        catalog.Rules.Keys.Should().BeEquivalentTo(TestContent.RuleIds.Append(CardCatalog.DataUnavailableId));
        catalog.Rules.Values.Should().OnlyContain(r => r.Summary.Length < 140 && r.Version.Length > 0);
    }

    [Fact]
    public void Every_code_names_its_verification_source()
    {
        var catalog = TestContent.Catalog;

        catalog.Drugs.Concepts.Values
            .SelectMany(c => (c.Ingredients ?? []).Concat(c.Products ?? []).Concat(c.Atc ?? []))
            .Should().OnlyContain(e => e.Source.Contains("TERMINOLOGY.md", StringComparison.Ordinal));
        catalog.Conditions.Concepts.Values
            .SelectMany(c => (c.Snomed ?? []).Concat(c.Icd10CmPrefixes ?? []))
            .Should().OnlyContain(e => e.Source.Contains("TERMINOLOGY.md", StringComparison.Ordinal));
    }

    [Fact]
    public void Labels_name_their_thresholds_and_settings_filled_once_and_keep_the_placeholders_their_rule_fills()
    {
        Edit("facts.json", facts => facts["currentLabDays"] = 45);
        Edit("rules/baclofen-dose.json", rule => rule["thresholds"]!["crampMaxMgPerDay"] = 35);

        var catalog = _copy.Load();

        catalog.Rules["baclofen-dose"].Labels!["crampMax"].Should().Be("more than 35 mg/day for leg cramps");
        catalog.Rules["magnesium-without-deficit"].Labels!["none"].Should().Be("there is no magnesium result in the last 45 days.");
        catalog.Rules["baclofen-dose"].Labels!["safeStartText"].Should().Be("baclofen {mg} mg by mouth {times} times a day ({perDay} mg/day)");
    }

    [Fact]
    public void An_unknown_indicator_stops_loading_and_names_the_file()
    {
        Edit("rules/quinine-order.json", rule => rule["indicator"] = "urgent");

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*quinine-order.json*indicator*");
    }

    [Fact]
    public void A_misspelt_field_stops_loading_instead_of_dropping_wording()
    {
        Edit("rules/quinine-order.json", rule => rule["detial"] = "typo");

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*quinine-order.json*detial*");
    }

    [Fact]
    public void Invalid_json_stops_loading_and_names_the_file()
    {
        File.WriteAllText(Path.Combine(_copy.Path, "terminology", "medications.json"), "{ \"version\": ");

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*medications.json*");
    }

    [Fact]
    public void A_renal_basis_naming_an_unknown_setting_stops_loading_and_names_facts_json()
    {
        Edit("facts.json", facts => facts["renalBasis"]!["none"] = "nothing in the last {facts.renalLookbackMonths} months");

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*facts.json*renalBasis*facts.renalLookbackMonths*");
    }

    [Fact]
    public void A_summary_of_140_characters_or_more_is_refused()
    {
        Edit("rules/quinine-order.json", rule => rule["summary"] = new string('x', 140));

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*summary*140*");
    }

    [Fact]
    public void A_critical_card_without_override_reasons_is_refused()
    {
        Edit("rules/quinine-order.json", rule => rule.Remove("overrideReasons"));

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*overrideReasons*");
    }

    [Fact]
    public void A_rule_without_its_file_or_a_file_without_its_rule_is_refused()
    {
        var missing = () => CardCatalog.Load(_copy.Path, TestContent.Rules.Append(new UnknownRule("made-up-rule")));
        missing.Should().Throw<CardContentException>().WithMessage("*made-up-rule.json*missing*");

        File.Copy(Path.Combine(_copy.Path, "rules", "quinine-order.json"), Path.Combine(_copy.Path, "rules", "quinine-orders.json"));
        var stray = () => _copy.Load();
        stray.Should().Throw<CardContentException>().WithMessage("*quinine-orders.json*");
    }

    [Fact]
    public void A_prefetch_template_with_a_non_context_token_is_refused()
    {
        Edit("services.json", file => file["services"]![0]!["prefetch"]!["patient"] = "Patient/{{userPractitionerId}}");

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*services.json*context*");
    }

    [Fact]
    public void A_placeholder_naming_no_threshold_is_refused()
    {
        Edit("rules/baclofen-dose-unknown.json", rule => rule["detail"] = "at most {baclofen-dose.noSuchLimit} mg/day");

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*baclofen-dose-unknown.json*noSuchLimit*");
    }

    [Fact]
    public void Every_data_category_and_reason_needs_its_label_on_the_data_card()
    {
        Edit("rules/data-unavailable.json", rule => rule["labels"]!.AsObject().Remove("reason.Timeout"));

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*data-unavailable.json*reason.Timeout*");
    }

    [Fact]
    public void A_lab_code_the_prefetch_does_not_ask_for_is_refused()
    {
        Edit("services.json", file => file["services"]![1]!["prefetch"]!["labs"] = file["services"]![1]!["prefetch"]!["labs"]!.GetValue<string>().Replace("http://loinc.org|2601-3,", "", StringComparison.Ordinal));

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*services.json*crampcds-order-select*2601-3*");
    }

    [Fact]
    public void A_critical_card_is_never_snoozed_and_a_snooze_reason_must_be_an_override_reason()
    {
        Edit("rules/quinine-order.json", rule => rule["snoozeReasons"] = new JsonArray("approved-indication-malaria"));
        Edit("rules/causative-drugs.json", rule => rule["snoozeReasons"] = new JsonArray("no-such-reason"));

        var (_, problems) = CardCatalog.Lint(_copy.Path, TestContent.Rules);

        problems.Should().Contain(p => p.IsError && p.File.EndsWith("quinine-order.json", StringComparison.Ordinal) && p.Message.Contains("never snoozed", StringComparison.Ordinal));
        problems.Should().Contain(p => p.IsError && p.File.EndsWith("causative-drugs.json", StringComparison.Ordinal) && p.Message.Contains("no-such-reason", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_folder_names_the_setting_to_fix()
    {
        var load = () => CardCatalog.Load(Path.Combine(_copy.Path, "nowhere"), TestContent.Rules);

        load.Should().Throw<CardContentException>().WithMessage("*CrampCds:Cards:Path*");
    }

    private void Edit(string relativePath, Action<JsonObject> change) => _copy.Edit(relativePath, change);
}

internal sealed class UnknownRule(string id) : CrampCds.Core.Rules.IRule
{
    public string Id => id;
    public IReadOnlyList<string> Hooks { get; } = [];
    public IReadOnlyList<CrampCds.Core.Data.DataCategory> Uses { get; } = [];

    public void Evaluate(CrampCds.Core.Rules.RuleContext context, ICollection<CrampCds.Core.Rules.Finding> findings)
    {
    }
}
