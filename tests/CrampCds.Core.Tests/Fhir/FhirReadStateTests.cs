using System.Text;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Core.Tests.Fhir;

/// <summary>What one read shares: a reference or date the body repeats is one string, a catalog code its one instance.</summary>
public class FhirReadStateTests
{
    [Fact]
    public void A_reference_and_a_date_repeated_across_the_prefetch_and_the_draft_order_are_one_string_each()
    {
        var request = Parse(Labs(("k", "2823-3", "Patient/p1", "2026-11-20"), ("mg", "19123-9", "Patient/p1", "2026-11-20"), ("cr", "2160-0", "Patient/p2", "2026-11-21")));
        var labs = Observations(request);

        labs[0].Subject!.Reference.Should().Be("Patient/p1").And.BeSameAs(labs[1].Subject!.Reference);
        labs[0].EffectiveDateTime.Should().Be("2026-11-20").And.BeSameAs(labs[1].EffectiveDateTime);
        labs[2].Subject!.Reference.Should().Be("Patient/p2");
        labs[2].EffectiveDateTime.Should().Be("2026-11-21");
        var draft = (MedicationRequest)request.Context.DraftOrders[0];
        draft.Subject!.Reference.Should().BeSameAs(labs[0].Subject!.Reference, "the draft orders are read in the same pass");
        labs[0].Subject.Should().BeSameAs(draft.Subject, "a bare reference repeated is one object").And.BeSameAs(labs[1].Subject);
        labs[2].Subject.Should().NotBeSameAs(labs[1].Subject);
    }

    [Fact]
    public void A_reference_with_a_display_or_type_is_its_own_object()
    {
        var body = Labs(("k", "2823-3", "Patient/p1", "2026-11-20"), ("mg", "19123-9", "Patient/p1", "2026-11-20"))
            .Replace("\"reference\":\"Patient/p1\"}", "\"reference\":\"Patient/p1\",\"display\":\"P One\"}", StringComparison.Ordinal);
        var labs = Observations(Parse(body));

        labs.Select(o => o.Subject).Should().AllBeEquivalentTo(new ResourceReference { Reference = "Patient/p1", Display = "P One" });
        labs[0].Subject.Should().NotBeSameAs(labs[1].Subject);
    }

    [Fact]
    public void A_reference_seen_before_the_last_eight_is_made_anew_with_its_own_text_and_escaped_or_non_ascii_ones_read_as_sent()
    {
        var observations = Enumerable.Range(0, 10).Select(i => ($"o{i}", "2823-3", $"Patient/p{i}", "2026-11-20")).ToList();
        observations.Add(("again", "2823-3", "Patient/p0", "2026-11-20"));
        observations.Add(("escaped", "2823-3", "Patient\\/p1", "2026-11-20"));
        observations.Add(("accented", "2823-3", "Patient/pé", "2026-11-20"));
        observations.Add(("accented2", "2823-3", "Patient/pé", "2026-11-20"));
        var labs = Observations(Parse(Labs([.. observations])));

        labs.Select(o => o.Subject!.Reference).Should().Equal(
            [.. Enumerable.Range(0, 10).Select(i => $"Patient/p{i}"), "Patient/p0", "Patient/p1", "Patient/pé", "Patient/pé"]);
        labs[10].Subject!.Reference.Should().NotBeSameAs(labs[0].Subject!.Reference, "ten others came between");
        labs.Should().OnlyContain(o => o.EffectiveDateTime == "2026-11-20");
    }

    [Fact]
    public void A_code_in_the_catalogs_lists_is_one_instance_across_requests_and_any_other_code_is_read_as_sent()
    {
        var body = Labs(("k", "2823-3", "Patient/p1", "2026-11-20"), ("pulse", "8867-4", "Patient/p1", "2026-11-20"));
        var first = Observations(Parse(body));
        var second = Observations(Parse(body));

        first[0].Code!.Coding![0].Code.Should().Be("2823-3").And.BeSameAs(second[0].Code!.Coding![0].Code, "potassium's LOINC code is in labs.json");
        first[1].Code!.Coding![0].Code.Should().Be("8867-4").And.NotBeSameAs(second[1].Code!.Coding![0].Code, "heart rate is in no list");
        var draft = (MedicationRequest)Parse(body).Context.DraftOrders[0];
        draft.MedicationCodeableConcept!.Coding![0].Code.Should().Be("197391")
            .And.BeSameAs(((MedicationRequest)Parse(body).Context.DraftOrders[0]).MedicationCodeableConcept!.Coding![0].Code, "baclofen 10 mg is in medications.json");
    }

    private static HookRequest Parse(string body) =>
        HookRequestParser.Parse(Encoding.UTF8.GetBytes(body), HookNames.OrderSelect, TestContent.Catalog.ReadOptions).Request!;

    private static List<Observation> Observations(HookRequest request) =>
        [.. ((Bundle)request.Prefetch["labs"].Resource!).Entry!.Select(e => (Observation)e.Resource!)];

    private static string Labs(params (string Id, string Loinc, string Subject, string Date)[] observations)
    {
        var entries = string.Join(",", observations.Select(o => $$$$"""
            {"resource":{"resourceType":"Observation","id":"{{{{o.Id}}}}","status":"final",
              "code":{"coding":[{"system":"http://loinc.org","code":"{{{{o.Loinc}}}}"}]},"subject":{"reference":"{{{{o.Subject}}}}"},
              "effectiveDateTime":"{{{{o.Date}}}}","valueQuantity":{"value":4.1,"unit":"mmol/L"}}}
            """));
        return $$$$"""
            {"hook":"order-select","hookInstance":"6c3b0b3e-3a54-4f38-9c4b-9f0e8d7a6b5c",
             "context":{"userId":"Practitioner/1","patientId":"p1","selections":["MedicationRequest/d1"],
               "draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","id":"d1","status":"draft","intent":"order",
                 "subject":{"reference":"Patient/p1"},
                 "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"197391"}]}}}]}},
             "prefetch":{"labs":{"resourceType":"Bundle","type":"searchset","entry":[{{{{entries}}}}]}}}
            """;
    }
}
