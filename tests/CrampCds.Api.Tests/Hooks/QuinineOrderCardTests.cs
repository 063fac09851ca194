using System.Text.Json.Nodes;
using FluentAssertions;

namespace CrampCds.Api.Tests.Hooks;

/// <summary>The quinine-order card, end to end: when it fires, when it must not, and that it is a valid CDS Hooks card.</summary>
public sealed class QuinineOrderCardTests
{
    private static async Task<IReadOnlyList<JsonObject>> SignAsync(HookCall call, params (string Key, string? Value)[] settings)
    {
        await using var app = new CrampCdsApplication(null, settings);
        using var client = app.CreateClient();
        using var response = await call.PostAsync(client);
        return await response.ReadCardsAsync();
    }

    private static JsonObject DraftWithReason(JsonObject reason)
    {
        var draft = FhirResources.QuinineDraft();
        draft["reasonCode"] = new JsonArray { reason };
        return draft;
    }

    [Fact]
    public async Task The_quinine_card_is_a_valid_CDS_Hooks_card_that_names_the_drug_and_offers_to_remove_the_draft()
    {
        var cards = await SignAsync(HookCall.OrderSign(FhirResources.QuinineDraft("rx-42")).WithCompletePrefetch());

        var card = cards.OnlyCard(Answers.QuinineRule);
        Guid.TryParse((string?)card["uuid"], out _).Should().BeTrue();
        var summary = (string)card["summary"]!;
        summary.Length.Should().BeLessThan(140);
        summary.Should().Contain("quinine sulfate 324 MG Oral Capsule");
        ((string?)card["indicator"]).Should().Be("critical");
        ((string?)card["detail"]).Should().NotBeNullOrWhiteSpace();
        ((string?)card["source"]!["label"]).Should().NotBeNullOrWhiteSpace();

        var suggestion = card["suggestions"]!.AsArray().Should().ContainSingle().Subject!.AsObject();
        Guid.TryParse((string?)suggestion["uuid"], out _).Should().BeTrue();
        ((string?)suggestion["uuid"]).Should().NotBe((string?)card["uuid"]);
        ((string?)suggestion["label"]).Should().NotBeNullOrWhiteSpace();
        var action = suggestion["actions"]!.AsArray().Should().ContainSingle().Subject!.AsObject();
        ((string?)action["type"]).Should().Be("delete");
        ((string?)action["resourceId"]).Should().Be("MedicationRequest/rx-42");
        ((string?)action["description"]).Should().NotBeNullOrWhiteSpace();
        ((string?)card["selectionBehavior"]).Should().BeOneOf("at-most-one", "any");

        var reasons = card["overrideReasons"]!.AsArray();
        reasons.Should().NotBeEmpty();
        reasons.Should().OnlyContain(r => !string.IsNullOrWhiteSpace((string?)r!["code"]) && !string.IsNullOrWhiteSpace((string?)r["display"]));

        var links = card["links"]!.AsArray();
        links.Should().NotBeEmpty("the card links to the FDA's warning");
        foreach (var link in links)
        {
            ((string?)link!["type"]).Should().Be("absolute");
            Uri.TryCreate((string?)link["url"], UriKind.Absolute, out var url).Should().BeTrue();
            url!.Scheme.Should().Be(Uri.UriSchemeHttps);
            ((string?)link["label"]).Should().NotBeNullOrWhiteSpace();
        }

        var extension = card["extension"]!.AsObject();
        ((string?)extension["org.crampcds.rule-id"]).Should().Be("quinine-order");
        ((string?)extension["org.crampcds.content-version"]).Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task The_summary_stays_under_140_characters_for_a_very_long_drug_name()
    {
        var name = "quinine sulfate 324 MG Oral Capsule " + string.Concat(Enumerable.Repeat("with a very long local formulary description ", 6));
        var draft = FhirResources.DraftMedicationRequest("rx", FhirResources.ConceptText(name));

        var card = (await SignAsync(HookCall.OrderSign(draft).WithCompletePrefetch())).OnlyCard(Answers.QuinineRule);

        ((string)card["summary"]!).Length.Should().BeLessThan(140);
    }

    public static TheoryData<string, JsonObject> QuinineOrders() => new()
    {
        { "RxNorm product 997010", FhirResources.QuinineConcept() },
        { "brand name only, no coding", FhirResources.ConceptText("Qualaquin 324 mg capsule") },
        { "RxNorm ingredient 9071", FhirResources.Concept(FhirResources.Coding(FhirResources.RxNorm, "9071")) },
        { "ATC P01BC01", FhirResources.Concept(FhirResources.Coding(FhirResources.Atc, "P01BC01")) },
        { "RxNorm as an OID", FhirResources.Concept(FhirResources.Coding("urn:oid:2.16.840.1.113883.6.88", "997010")) },
        { "a local code with a quinine display", FhirResources.Concept(FhirResources.Coding("http://hospital.example.org/formulary", "Q-17", "QUININE SULPHATE 300MG TAB")) },
    };

    [Theory]
    [MemberData(nameof(QuinineOrders))]
    public async Task Quinine_is_recognised_however_the_order_names_it(string description, JsonObject medication)
    {
        var draft = FhirResources.DraftMedicationRequest("rx", medication);

        var cards = await SignAsync(HookCall.OrderSign(draft).WithCompletePrefetch());

        cards.ShouldFlagQuinine(description);
    }

    public static TheoryData<string, JsonObject> NotQuinine() => new()
    {
        { "quinidine sulfate (RxNorm 852877)", FhirResources.Concept(FhirResources.Coding(FhirResources.RxNorm, "852877", "quinidine sulfate 200 MG Oral Tablet")) },
        { "quinidine in text", FhirResources.ConceptText("quinidine gluconate 324 MG Extended Release Oral Tablet") },
        { "baclofen", FhirResources.BaclofenConcept() },
        { "997010 in a system that is not RxNorm", FhirResources.Concept(FhirResources.Coding("http://hl7.org/fhir/sid/ndc", "997010")) },
    };

    [Theory]
    [MemberData(nameof(NotQuinine))]
    public async Task Other_drugs_get_no_quinine_card(string description, JsonObject medication)
    {
        var draft = FhirResources.DraftMedicationRequest("rx", medication);

        var cards = await SignAsync(HookCall.OrderSign(draft).WithCompletePrefetch());

        cards.ShouldNotFlagQuinine(description);
    }

    public static TheoryData<string, JsonObject> ApprovedReasons() => new()
    {
        { "malaria, SNOMED 61462000", FhirResources.Concept(FhirResources.Coding(FhirResources.Snomed, "61462000", "Malaria (disorder)")) },
        { "malaria, ICD-10-CM B50.9", FhirResources.Concept(FhirResources.Coding(FhirResources.Icd10Cm, "B50.9")) },
        { "malaria in text", FhirResources.ConceptText("malaria") },
        { "falciparum malaria in a display", FhirResources.Concept(FhirResources.Coding("http://hospital.example.org/dx", "X1", "Uncomplicated Plasmodium falciparum infection")) },
        { "babesiosis in text", FhirResources.ConceptText("Babesiosis, with atovaquone failure") },
    };

    [Theory]
    [MemberData(nameof(ApprovedReasons))]
    public async Task An_order_for_an_approved_indication_gets_no_card(string description, JsonObject reason)
    {
        var cards = await SignAsync(HookCall.OrderSign(DraftWithReason(reason)).WithCompletePrefetch());

        cards.ShouldNotFlagQuinine(description);
    }

    [Fact]
    public async Task A_DSTU2_order_whose_reasonCodeableConcept_is_malaria_gets_no_card()
    {
        var draft = FhirResources.QuinineDraft();
        draft["resourceType"] = "MedicationOrder";
        draft["reasonCodeableConcept"] = FhirResources.ConceptText("malaria");

        var cards = await SignAsync(HookCall.OrderSign(draft).WithCompletePrefetch());

        cards.ShouldNotFlagQuinine();
    }

    [Fact]
    public async Task Leg_cramps_as_the_reason_still_get_the_card()
    {
        var reason = FhirResources.Concept(FhirResources.Coding(FhirResources.Snomed, "449918009", "Cramp in lower leg"));

        var cards = await SignAsync(HookCall.OrderSign(DraftWithReason(reason)).WithCompletePrefetch());

        cards.ShouldFlagQuinine();
    }

    [Fact]
    public async Task An_active_malaria_Condition_suppresses_the_card()
    {
        var cards = await SignAsync(HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch(FhirResources.MalariaCondition()));

        cards.ShouldNotFlagQuinine();
    }

    [Theory]
    [InlineData("active", "refuted")]
    [InlineData("active", "entered-in-error")]
    [InlineData("resolved", null)]
    [InlineData("inactive", null)]
    public async Task A_refuted_or_resolved_malaria_Condition_does_not_suppress_the_card(string clinicalStatus, string? verificationStatus)
    {
        var malaria = FhirResources.MalariaCondition(clinicalStatus: clinicalStatus, verificationStatus: verificationStatus);

        var cards = await SignAsync(HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch(malaria));

        cards.ShouldFlagQuinine();
    }

    [Fact]
    public async Task Order_sign_judges_every_draft_with_one_card_per_quinine_order()
    {
        var call = HookCall.OrderSign(
                FhirResources.QuinineDraft("q1"),
                FhirResources.DraftMedicationRequest("b1", FhirResources.BaclofenConcept()),
                FhirResources.DraftMedicationRequest("q2", FhirResources.ConceptText("Qualaquin")))
            .WithCompletePrefetch();

        var cards = await SignAsync(call);

        var quinine = cards.Where(c => c.RuleId() == Answers.QuinineRule).ToArray();
        quinine.Should().HaveCount(2, "one card per quinine order");
        quinine.Select(c => (string?)c["suggestions"]![0]!["actions"]![0]!["resourceId"]).Should().BeEquivalentTo(["MedicationRequest/q1", "MedicationRequest/q2"]);
        quinine.Select(c => (string?)c["uuid"]).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_disabled_rule_gives_no_card()
    {
        var cards = await SignAsync(HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch(), ("CrampCds:Rules:Disabled:0", "quinine-order"));

        cards.ShouldNotFlagQuinine();
    }

    [Fact]
    public async Task A_draft_without_an_id_gets_the_card_without_a_delete_suggestion()
    {
        var draft = FhirResources.QuinineDraft();
        draft.Remove("id");

        var card = (await SignAsync(HookCall.OrderSign(draft).WithCompletePrefetch())).OnlyCard(Answers.QuinineRule);

        card["suggestions"].Should().BeNull("there is no resource id to delete");
        card["selectionBehavior"].Should().BeNull("selectionBehavior goes with suggestions");
    }

    [Fact]
    public async Task The_answer_is_json_with_the_drug_name_as_written_not_escaped()
    {
        var draft = FhirResources.DraftMedicationRequest("rx", FhirResources.ConceptText("Qualaquin (quinine) 324 mg – patient's own supply"));
        await using var app = new CrampCdsApplication(null);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(draft).WithCompletePrefetch().PostAsync(client);
        var raw = await response.Content.ReadAsStringAsync();

        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        response.Content.Headers.ContentType.CharSet.Should().Be("utf-8");
        raw.Should().Contain("324 mg – patient's own supply").And.NotContain("\\u2013").And.NotContain("\\u0027");
        JsonNode.Parse(raw)!["cards"]!.AsArray().Should().NotBeEmpty();
    }
}
