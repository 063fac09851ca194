using CrampCds.Core.Data;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using FluentAssertions;

namespace CrampCds.Core.Tests.Data;

public class PrefetchDataTests
{
    private static PatientData Build(string prefetch)
    {
        var json = $$"""{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"},"prefetch":{{prefetch}}}""";
        return PrefetchData.Build(Requests.Parse(json, HookNames.PatientView), TestContent.Catalog.ServicesById["crampcds-patient-view"].Prefetch);
    }

    [Fact]
    public void An_absent_key_is_a_gap_for_want_of_a_server_an_unreadable_one_a_prefetch_gap_and_a_null_one_no_gap()
    {
        var data = Build("""
            {"patient":{"resourceType":"Patient","id":"p1"},"conditions":null,"medicationStatements":42,
             "labs":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception"}]}}
            """);

        data.Patient!.Id.Should().Be("p1");
        data.Gaps.Should().BeEquivalentTo(
            [
                new DataGap(DataCategory.MedicationRequests, DataGapReason.NoFhirServer),
                new DataGap(DataCategory.MedicationStatements, DataGapReason.PrefetchUnreadable),
                new DataGap(DataCategory.Labs, DataGapReason.PrefetchUnreadable),
            ],
            options => options.WithStrictOrdering());
        data.IsMissing(DataCategory.Conditions).Should().BeFalse();
    }

    [Fact]
    public void A_bundle_gives_its_entries_of_the_category_type_and_the_medications_it_includes()
    {
        var data = Build("""
            {"patient":{"resourceType":"Patient","id":"p1"},"medicationStatements":null,"conditions":null,"labs":null,
             "medicationRequests":{"resourceType":"Bundle","type":"searchset","entry":[
               {"resource":{"resourceType":"MedicationRequest","id":"a","medicationReference":{"reference":"Medication/m1"}}},
               {"resource":{"resourceType":"Observation","id":"o"}},
               {"fullUrl":"https://fhir.example/Medication/m1","resource":{"resourceType":"Medication","id":"m1"}},
               {"resource":{"resourceType":"MedicationRequest","id":"b"}}]}}
            """);

        data.MedicationRequests.Select(r => r.Id).Should().Equal("a", "b");
        data.Observations.Should().BeEmpty("an Observation in the medication requests' bundle is not a lab");
        data.Medications.Keys.Should().BeEquivalentTo("Medication/m1", "https://fhir.example/Medication/m1");
        data.Gaps.Should().BeEmpty();
    }

    [Fact]
    public void A_medication_reference_nothing_resolves_is_a_gap_but_a_contained_or_drafted_one_is_not()
    {
        var json = Requests.OrderHook(
            HookNames.OrderSign,
            [
                Requests.Draft("d1", """ "medicationReference":{"reference":"#med"},"contained":[{"resourceType":"Medication","id":"med"}]"""),
                Requests.Draft("d2", """ "medicationReference":{"reference":"Medication/m2"}"""),
                """{"resourceType":"Medication","id":"m2"}""",
            ],
            prefetch: """{"patient":null,"medicationRequests":null,"medicationStatements":null,"labs":null,"conditions":null}""");
        var templates = TestContent.Catalog.ServicesById["crampcds-order-sign"].Prefetch;

        var resolved = PrefetchData.Build(Requests.Parse(json, HookNames.OrderSign), templates);
        var unresolved = PrefetchData.Build(Requests.Parse(json.Replace("Medication/m2\"}", "Medication/m3\"}", StringComparison.Ordinal), HookNames.OrderSign), templates);

        resolved.Gaps.Should().BeEmpty();
        unresolved.Gaps.Should().Equal(new DataGap(DataCategory.MedicationRequests, DataGapReason.MedicationUnresolved));
    }

    [Fact]
    public void Unresolved_medication_references_are_listed_once_in_their_relative_form()
    {
        var builder = new PatientDataBuilder();
        builder.Add(DataCategory.MedicationRequests, new Bundle
        {
            Entry =
            [
                new BundleEntry { Resource = new MedicationRequest { MedicationReference = new ResourceReference { Reference = "https://fhir.example/Medication/m1" } } },
                new BundleEntry { Resource = new MedicationRequest { MedicationReference = new ResourceReference { Reference = "Medication/m1" } } },
                new BundleEntry { Resource = new MedicationRequest { MedicationReference = new ResourceReference { Reference = "#absent" } } },
                new BundleEntry { Resource = new MedicationRequest { MedicationReference = new ResourceReference { Reference = "Substance/s1" } } },
            ],
        });
        builder.Add(DataCategory.MedicationStatements, new MedicationStatement { MedicationReference = new ResourceReference { Reference = "Medication/m2" } });
        builder.AddDraftOrders([new MedicationRequest { MedicationReference = new ResourceReference { Reference = "Medication/m3" } }]);

        builder.UnresolvedMedicationReferences().Should().Equal("Medication/m1", "Medication/m3", "Medication/m2");

        builder.AddMedication("Medication/m1", new Medication { Id = "m1" });
        builder.AddMedication("Medication/m2", new Medication { Id = "m2" });
        builder.AddMedication("Medication/m3", new Medication { Id = "m3" });
        builder.UnresolvedMedicationReferences().Should().BeEmpty();
        builder.MedicationsUnreadable();
        builder.Build().Gaps.Should().Equal(
            [new DataGap(DataCategory.MedicationRequests, DataGapReason.MedicationUnresolved)],
            "a contained reference to nothing and a reference to another type can never be read");
    }

    [Fact]
    public void An_empty_builder_builds_empty_data()
    {
        var data = new PatientDataBuilder().Build();

        data.MedicationRequests.Should().BeEmpty();
        data.MedicationStatements.Should().BeEmpty();
        data.Observations.Should().BeEmpty();
        data.Conditions.Should().BeEmpty();
        data.Medications.Should().BeEmpty();
        data.Gaps.Should().BeEmpty();
    }
}
