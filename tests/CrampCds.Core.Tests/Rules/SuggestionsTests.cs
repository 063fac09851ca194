using System.Text.Json.Nodes;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Core.Tests.Rules;

/// <summary>The FHIR actions behind the suggestions: what an EHR applies when a clinician accepts one.</summary>
public class SuggestionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Safe_start_rewrites_the_draft_to_baclofen_5_mg_twice_daily_with_cramps()
    {
        var card = Card("baclofen-dose/in-adult-cramps-15mg-per-day.json", "baclofen-dose");

        var suggestion = card.Suggestions.Should().ContainSingle().Subject;
        card.SelectionBehavior.Should().Be("at-most-one");
        var action = suggestion.Actions.Should().ContainSingle().Subject;
        action.Type.Should().Be("update");
        var resource = action.Resource!;
        ((string?)resource["resourceType"]).Should().Be("MedicationRequest");
        ((string?)resource["id"]).Should().Be("d1");
        ((string?)resource["status"]).Should().Be("draft");
        ((string?)resource["medicationCodeableConcept"]!["coding"]![0]!["code"]).Should().Be("430902");
        ((string?)resource["medicationCodeableConcept"]!["coding"]![0]!["system"]).Should().Be("http://www.nlm.nih.gov/research/umls/rxnorm");
        var dosage = resource["dosageInstruction"]![0]!;
        ((int)dosage["timing"]!["repeat"]!["frequency"]!).Should().Be(2);
        ((string?)dosage["timing"]!["repeat"]!["periodUnit"]).Should().Be("d");
        ((int)dosage["doseAndRate"]![0]!["doseQuantity"]!["value"]!).Should().Be(1);
        suggestion.Label.Should().Contain("5 mg").And.Contain("2 times a day");
    }

    [Fact]
    public void Safe_start_keeps_everything_else_the_draft_said()
    {
        const string Extra = """
            ,"requester":{"reference":"Practitioner/dr-1"},"encounter":{"reference":"Encounter/e-9"},
            "dispenseRequest":{"numberOfRepeatsAllowed":2},"note":[{"text":"take with food"}],
            "reasonCode":[{"coding":[{"system":"http://snomed.info/sct","code":"449918009"}]}],
            "dosageInstruction":[{"timing":{"repeat":{"frequency":3,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":2,"code":"{pill}"}}]}]
            """;
        var request = Requests.OrderHook("order-sign", [Requests.CodedDraft("d1", Requests.BaclofenCoding, Extra)],
            prefetch: """{"patient":{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1980-01-01"},"medicationRequests":null,"medicationStatements":null,"labs":null,"conditions":null}""");

        var resource = Evaluate(request).Single(c => c.RuleId == "baclofen-dose").Suggestions!.Single().Actions!.Single().Resource!;

        ((string?)resource["requester"]!["reference"]).Should().Be("Practitioner/dr-1");
        ((string?)resource["encounter"]!["reference"]).Should().Be("Encounter/e-9");
        ((int)resource["dispenseRequest"]!["numberOfRepeatsAllowed"]!).Should().Be(2);
        ((string?)resource["note"]![0]!["text"]).Should().Be("take with food");
        ((string?)resource["medicationCodeableConcept"]!["coding"]![0]!["code"]).Should().Be("430902");
        ((int)resource["dosageInstruction"]![0]!["timing"]!["repeat"]!["frequency"]!).Should().Be(2);
    }

    [Fact]
    public void Safe_start_without_cramps_is_three_times_daily()
    {
        var card = Card("baclofen-dose/in-older-adult-10mg-per-dose.json", "baclofen-dose");

        var resource = card.Suggestions!.Single().Actions!.Single().Resource!;
        ((int)resource["dosageInstruction"]![0]!["timing"]!["repeat"]!["frequency"]!).Should().Be(3);
    }

    [Fact]
    public void The_safe_start_with_and_without_cramps_stay_apart_when_the_rule_has_judged_both()
    {
        int Frequency(string casePath) =>
            (int)Card(casePath, "baclofen-dose").Suggestions!.Single().Actions!.Single().Resource!["dosageInstruction"]![0]!["timing"]!["repeat"]!["frequency"]!;

        Frequency("baclofen-dose/in-adult-cramps-15mg-per-day.json").Should().Be(2);
        Frequency("baclofen-dose/in-older-adult-10mg-per-dose.json").Should().Be(3);
        Frequency("baclofen-dose/in-adult-cramps-15mg-per-day.json").Should().Be(2);
        Card("baclofen-dose/in-adult-cramps-15mg-per-day.json", "baclofen-dose").Detail.Should().Contain("2 times a day");
        Card("baclofen-dose/in-older-adult-10mg-per-dose.json", "baclofen-dose").Detail.Should().Contain("3 times a day");
    }

    [Fact]
    public void Severe_renal_impairment_replaces_the_safe_start_with_removing_the_order()
    {
        const string Dosage = ""","dosageInstruction":[{"timing":{"repeat":{"frequency":3,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":2,"code":"{pill}"}}]}]""";
        var request = Requests.OrderHook("order-sign",
            [Requests.CodedDraft("d1", Requests.BaclofenCoding, Dosage)],
            prefetch: """
                {"patient":{"resourceType":"Patient","id":"p1","gender":"male","birthDate":"1960-01-01"},"medicationRequests":null,"medicationStatements":null,"labs":null,
                 "conditions":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"N18.5"}]}}}]}}
                """);

        var cards = Evaluate(request);

        var dose = cards.Single(c => c.RuleId == "baclofen-dose");
        dose.Suggestions.Should().BeNull("a severe renal status supersedes the dose suggestion");
        var renal = cards.Single(c => c.RuleId == "baclofen-renal");
        renal.Indicator.Should().Be("critical");
        renal.Suggestions!.Single().Actions!.Single().Should().Match<SuggestionAction>(a => a.Type == "delete" && a.ResourceId == "MedicationRequest/d1");
        cards[0].Indicator.Should().Be("critical", "the most severe card comes first");
    }

    [Fact]
    public void A_dstu2_draft_is_rewritten_as_a_dstu2_medication_order()
    {
        var draft = """{"resourceType":"MedicationOrder","id":"order-123","status":"draft","patient":{"reference":"Patient/p1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"197391","display":"Baclofen 10 MG Oral Tablet"}]},"dosageInstruction":[{"timing":{"repeat":{"frequency":2,"period":1,"periodUnits":"d"}},"doseQuantity":{"value":1,"code":"{pill}"}}]}""";
        var request = Requests.OrderHook("order-select", [draft], ["MedicationOrder/order-123"],
            """{"patient":{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1980-01-01"},"medicationRequests":null,"medicationStatements":null,"labs":null,"conditions":null}""");

        var card = Evaluate(request).Single(c => c.RuleId == "baclofen-dose");

        var resource = card.Suggestions!.Single().Actions!.Single().Resource!;
        ((string?)resource["resourceType"]).Should().Be("MedicationOrder");
        resource.ContainsKey("intent").Should().BeFalse();
        ((string?)resource["patient"]!["reference"]).Should().Be("Patient/p1");
        ((string?)resource["dosageInstruction"]![0]!["timing"]!["repeat"]!["periodUnits"]).Should().Be("d");
        resource["dosageInstruction"]![0]!["doseQuantity"].Should().NotBeNull();
    }

    [Fact]
    public void Missing_electrolytes_are_ordered_as_draft_service_requests_for_the_patient()
    {
        var card = Card("electrolytes-missing/in-no-results.json", "electrolytes-missing");

        var actions = card.Suggestions!.Single().Actions!;
        actions.Should().HaveCount(3).And.OnlyContain(a => a.Type == "create");
        actions.Select(a => (string?)a.Resource!["code"]!["coding"]![0]!["code"]).Should().Equal("2823-3", "19123-9", "2160-0");
        actions.Should().OnlyContain(a => (string?)a.Resource!["resourceType"] == "ServiceRequest"
            && (string?)a.Resource["status"] == "draft"
            && (string?)a.Resource["subject"]!["reference"] == "Patient/p1");
    }

    [Fact]
    public void Active_quinine_is_marked_stopped_keeping_what_the_order_said()
    {
        var card = Card("quinine-active/in-quinine-on-the-list.json", "quinine-active");

        var action = card.Suggestions!.Single().Actions!.Single();
        action.Type.Should().Be("update");
        ((string?)action.Resource!["id"]).Should().Be("m1");
        ((string?)action.Resource["status"]).Should().Be("stopped");
        ((string?)action.Resource["medicationCodeableConcept"]!["coding"]![0]!["code"]).Should().Be("997010");
        action.Resource["dosageInstruction"].Should().NotBeNull();
        action.Resource.ToJsonString().Should().NotContain("null");
    }

    [Fact]
    public void Quinine_on_a_medication_statement_has_no_order_to_update()
    {
        var card = Card("quinine-active/in-medication-statement.json", "quinine-active");

        card.Suggestions.Should().BeNull();
        card.SelectionBehavior.Should().BeNull();
    }

    private static Card Card(string casePath, string ruleId)
    {
        var file = CaseFile.Load(Path.Combine(TestContent.CardsPath, "cases", casePath));
        return file.Run(TestContent.Catalog, Evaluator(), Now).Cards.Single(c => c.RuleId == ruleId);
    }

    private static IReadOnlyList<Card> Evaluate(string request) => CaseFile.Evaluate(request, TestContent.Catalog, Evaluator()).Cards;

    private static HookEvaluator Evaluator() => new(TestContent.Catalog, TestContent.Rules, [], new FixedTimeProvider(Now));
}
