using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using FluentAssertions;

namespace CrampCds.Core.Tests.Rules;

public class QuinineOrderRuleTests
{
    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

    [Theory]
    [InlineData("""{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"997010","display":"quinine sulfate 324 MG Oral Capsule"}""")]
    [InlineData("""{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"997012"}""")]
    [InlineData("""{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"9071"}""")]
    [InlineData("""{"system":"http://www.whocc.no/atc","code":"P01BC01"}""")]
    [InlineData("""{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1234567","display":"Quinine Sulfate 260 MG Oral Tablet"}""")]
    public void A_quinine_order_by_code_or_name_gets_a_critical_card(string coding)
    {
        var cards = Evaluate(HookNames.OrderSign, Requests.CodedDraft("d1", coding));

        cards.Should().ContainSingle().Which.Indicator.Should().Be("critical");
    }

    [Fact]
    public void A_free_text_brand_order_is_matched()
    {
        var draft = Requests.Draft("d1", """ "medicationCodeableConcept":{"text":"Qualaquin 324 mg capsule"}""");

        Evaluate(HookNames.OrderSign, draft).Should().ContainSingle().Which.Summary.Should().Contain("Qualaquin 324 mg capsule");
    }

    [Theory]
    [InlineData("""{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"852877","display":"quinidine sulfate 200 MG Oral Tablet"}""")]
    [InlineData("""{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1040054","display":"dextromethorphan hydrobromide 20 MG / quinidine sulfate 10 MG Oral Capsule"}""")]
    [InlineData("""{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"197391","display":"Baclofen 10 MG Oral Tablet"}""")]
    [InlineData("""{"system":"http://snomed.info/sct","code":"9071","display":"not RxNorm"}""")]
    public void Other_drugs_and_codes_from_other_systems_get_no_quinine_card(string coding)
    {
        Evaluate(HookNames.OrderSign, Requests.CodedDraft("d1", coding)).Should().BeEmpty();
    }

    [Theory]
    [InlineData(""","reasonCode":[{"coding":[{"system":"http://snomed.info/sct","code":"61462000"}]}]""")]
    [InlineData(""","reasonCode":[{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"B50.9"}]}]""")]
    [InlineData(""","reasonCode":{"text":"Plasmodium falciparum malaria, uncomplicated"}""")]
    [InlineData(""","reasonCode":[{"text":"Babesiosis"}]""")]
    public void A_malaria_or_babesiosis_reason_suppresses_the_card(string reason)
    {
        Evaluate(HookNames.OrderSign, Requests.CodedDraft("d1", Requests.QuinineCoding, reason)).Should().BeEmpty();
    }

    [Fact]
    public void A_coded_cramp_reason_does_not_suppress_the_card()
    {
        var reason = ""","reasonCode":[{"coding":[{"system":"http://snomed.info/sct","code":"449918009","display":"Cramp in lower leg"}]}]""";

        Evaluate(HookNames.OrderSign, Requests.CodedDraft("d1", Requests.QuinineCoding, reason)).Should().ContainSingle();
    }

    [Theory]
    [InlineData("active", null, true)]
    [InlineData("recurrence", null, true)]
    [InlineData("resolved", null, false)]
    [InlineData("active", "refuted", false)]
    [InlineData("active", "entered-in-error", false)]
    public void Only_an_active_malaria_condition_suppresses_the_card(string clinical, string? verification, bool suppresses)
    {
        var malaria = new Condition
        {
            Id = "m1",
            ClinicalStatus = Status(clinical),
            VerificationStatus = verification is null ? null : Status(verification),
            Code = new CodeableConcept { Coding = [new Coding { System = "http://hl7.org/fhir/sid/icd-10-cm", Code = "B54" }] },
        };
        var data = new PatientData { Conditions = [malaria] };

        var cards = Evaluate(HookNames.OrderSign, Requests.CodedDraft("d1", Requests.QuinineCoding), data);

        cards.Should().HaveCount(suppresses ? 0 : 1);
    }

    [Fact]
    public void Order_select_judges_only_the_selections()
    {
        var json = Requests.OrderHook(
            HookNames.OrderSelect,
            [Requests.CodedDraft("q1", Requests.QuinineCoding), Requests.CodedDraft("b1", Requests.BaclofenCoding)],
            ["MedicationRequest/b1"]);

        TestContent.Evaluator().Evaluate(Requests.Parse(json, HookNames.OrderSelect), PatientData.Empty).Cards
            .Should().NotContain(c => c.RuleId == "quinine-order");
    }

    [Fact]
    public void Order_sign_gives_one_card_per_quinine_order_naming_each()
    {
        var json = Requests.OrderHook(
            HookNames.OrderSign,
            [Requests.CodedDraft("q1", Requests.QuinineCoding), Requests.Draft("q2", """ "medicationCodeableConcept":{"text":"Qualaquin"}""")]);

        var cards = TestContent.Evaluator().Evaluate(Requests.Parse(json, HookNames.OrderSign), PatientData.Empty).Cards;

        cards.Should().OnlyContain(c => c.RuleId == "quinine-order");
        cards.Select(c => c.Suggestions![0].Actions![0].ResourceId).Should().Equal("MedicationRequest/q1", "MedicationRequest/q2");
        cards[1].Summary.Should().Contain("Qualaquin");
    }

    [Fact]
    public void A_contained_quinine_medication_is_resolved()
    {
        var draft = Requests.Draft("d1", """
            "medicationReference":{"reference":"#med"},
            "contained":[{"resourceType":"Medication","id":"med","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"997010"}]}}]
            """);

        Evaluate(HookNames.OrderSign, draft).Should().ContainSingle();
    }

    [Fact]
    public void A_referenced_medication_gathered_from_the_server_is_resolved()
    {
        var draft = Requests.Draft("d1", """ "medicationReference":{"reference":"Medication/m1"}""");
        var medication = new Medication { Id = "m1", Code = new CodeableConcept { Coding = [new Coding { System = RxNorm, Code = "9071" }] } };
        var data = new PatientData { Medications = new Dictionary<string, Medication> { ["Medication/m1"] = medication } };

        Evaluate(HookNames.OrderSign, draft, data).Should().ContainSingle();
    }

    [Fact]
    public void A_disabled_rule_gives_no_card()
    {
        var json = Requests.OrderHook(HookNames.OrderSign, [Requests.CodedDraft("q1", Requests.QuinineCoding)]);

        TestContent.Evaluator("quinine-order").Evaluate(Requests.Parse(json, HookNames.OrderSign), PatientData.Empty).Cards.Should().BeEmpty();
    }

    [Fact]
    public void Unreadable_conditions_still_flag_quinine_and_add_one_data_card_naming_the_check()
    {
        var json = Requests.OrderHook(HookNames.OrderSign, [Requests.CodedDraft("q1", Requests.QuinineCoding)]);
        var data = new PatientData { Gaps = [new DataGap(DataCategory.Conditions, DataGapReason.Timeout), new DataGap(DataCategory.Labs, DataGapReason.Timeout)] };

        var result = TestContent.Evaluator().Evaluate(Requests.Parse(json, HookNames.OrderSign), data);

        result.PreconditionFailed.Should().BeFalse();
        result.Cards.Select(c => c.RuleId).Should().Equal("quinine-order", CardCatalog.DataUnavailableId);
        var info = result.Cards[1];
        info.Indicator.Should().Be("info");
        info.Detail.Should().Contain("active conditions").And.Contain("did not answer in time").And.Contain("Quinine order");
    }

    [Fact]
    public void Patient_view_with_nothing_readable_is_a_precondition_failure_but_order_hooks_never_are()
    {
        var gaps = PrefetchKeys.All.Select(c => new DataGap(c, DataGapReason.ServerNotAllowed)).ToArray();
        var data = new PatientData { Gaps = gaps };
        var patientView = Requests.Parse("""{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"}}""", HookNames.PatientView);
        var orderSign = Requests.Parse(Requests.OrderHook(HookNames.OrderSign, [Requests.CodedDraft("q1", Requests.QuinineCoding)]), HookNames.OrderSign);

        TestContent.Evaluator().Evaluate(patientView, data).PreconditionFailed.Should().BeTrue();
        var order = TestContent.Evaluator().Evaluate(orderSign, data);
        order.PreconditionFailed.Should().BeFalse();
        order.Cards.Select(c => c.RuleId).Should().Contain("quinine-order");
    }

    private static List<Card> Evaluate(string hook, string draft, PatientData? data = null)
    {
        var request = Requests.Parse(Requests.OrderHook(hook, [draft], hook == HookNames.OrderSelect ? ["MedicationRequest/d1"] : null), hook);
        return TestContent.Evaluator().Evaluate(request, data ?? PatientData.Empty).Cards.Where(c => c.RuleId == "quinine-order").ToList();
    }

    private static CodeableConcept Status(string code) => new() { Coding = [new Coding { Code = code }] };
}
