using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrampCds.Core.Cases;
using CrampCds.Core.Data;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Core.Tests.Fhir;

/// <summary>Reading with the catalog's options leaves out the Observations no rule reads, and changes no answer.</summary>
public class FhirReadOptionsTests
{
    private const string Labs = """
        {"resourceType":"Bundle","type":"searchset","entry":[
          {"resource":{"resourceType":"Observation","id":"k","status":"final",
            "code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"effectiveDateTime":"2026-11-01",
            "valueQuantity":{"value":3.1,"unit":"mmol/L"},"referenceRange":[{"text":"3.5-5.1"}]}},
          {"resource":{"resourceType":"Observation","id":"pulse","status":"final",
            "code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},"effectiveDateTime":"2026-11-01",
            "valueQuantity":{"value":72,"unit":"/min"}}},
          {"resource":{"resourceType":"Observation","id":"panel","status":"final",
            "code":{"coding":[{"system":"http://loinc.org","code":"24362-6"}]},"effectiveDateTime":"2026-11-01",
            "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"33914-3"}]},"valueQuantity":{"value":28,"unit":"mL/min/{1.73_m2}"}}]}},
          {"resource":{"resourceType":"Condition","id":"c1","code":{"text":"leg cramps"}}}
        ]}
        """;

    [Fact]
    public void Observations_of_no_analyte_keep_only_id_status_and_code_and_the_rest_is_read_whole()
    {
        var bundle = (Bundle)FhirJson.Parse(Encoding.UTF8.GetBytes(Labs));
        var filtered = (Bundle)Read(Labs, TestContent.Catalog.ReadOptions);

        filtered.Entry.Should().HaveCount(4, "every entry stays: a bundle's size and paging are not changed");
        var potassium = (Observation)filtered.Entry![0].Resource!;
        potassium.ValueQuantity!.Value.Should().Be(3.1m);
        potassium.ReferenceRange.Should().ContainSingle();
        var pulse = (Observation)filtered.Entry[1].Resource!;
        pulse.Should().BeEquivalentTo(new Observation { Id = "pulse", Status = "final", Code = ((Observation)bundle.Entry![1].Resource!).Code });
        ((Observation)filtered.Entry[2].Resource!).Component.Should().ContainSingle("an eGFR inside a panel is read")
            .Which.ValueQuantity!.Value.Should().Be(28);
        filtered.Entry[3].Resource.Should().BeEquivalentTo(bundle.Entry[3].Resource);
    }

    [Fact]
    public void A_panel_with_a_single_component_object_holding_an_egfr_is_read_whole()
    {
        var panel = (Observation)Read("""
            {"resourceType":"Observation","id":"panel","status":"final","effectiveDateTime":"2026-11-01",
             "code":{"coding":[{"system":"http://loinc.org","code":"24362-6"}]},
             "component":{"code":{"coding":[{"system":"http://loinc.org","code":"33914-3"}]},"valueQuantity":{"value":28,"unit":"mL/min/{1.73_m2}"}}}
            """, TestContent.Catalog.ReadOptions);

        panel.EffectiveDateTime.Should().Be("2026-11-01");
        panel.Component.Should().ContainSingle().Which.ValueQuantity!.Value.Should().Be(28);
    }

    [Fact]
    public void The_code_decides_wherever_it_stands_in_the_observation()
    {
        // The code after the value: looked up ahead, so a potassium is still read whole and a heart rate is not.
        var labs = (Bundle)Read("""
            {"resourceType":"Bundle","entry":[
              {"resource":{"valueQuantity":{"value":3.1,"unit":"mmol/L"},"effectiveDateTime":"2026-11-01","resourceType":"Observation",
                "id":"k","code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"status":"final"}},
              {"resource":{"resourceType":"Observation","category":[{"text":"vital-signs"}],"valueQuantity":{"value":72,"unit":"/min"},
                "id":"pulse","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]}}}
            ]}
            """, TestContent.Catalog.ReadOptions);

        var potassium = (Observation)labs.Entry![0].Resource!;
        potassium.ValueQuantity!.Value.Should().Be(3.1m);
        potassium.EffectiveDateTime.Should().Be("2026-11-01");
        potassium.Status.Should().Be("final");
        var pulse = (Observation)labs.Entry[1].Resource!;
        pulse.ValueQuantity.Should().BeNull();
        pulse.Category.Should().BeNull();
        pulse.Code!.Coding![0].Code.Should().Be("8867-4");
        pulse.Id.Should().Be("pulse");
    }

    [Fact]
    public void A_panel_whose_egfr_component_comes_before_its_code_is_read_whole()
    {
        var panel = (Observation)Read("""
            {"resourceType":"Observation","id":"panel",
             "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"33914-3"}]},"valueQuantity":{"value":28,"unit":"mL/min/{1.73_m2}"}}],
             "code":{"coding":[{"system":"http://loinc.org","code":"24362-6"}]},"effectiveDateTime":"2026-11-01"}
            """, TestContent.Catalog.ReadOptions);

        panel.EffectiveDateTime.Should().Be("2026-11-01");
        panel.Component.Should().ContainSingle().Which.ValueQuantity!.Value.Should().Be(28);
    }

    [Fact]
    public void An_observation_no_rule_reads_is_not_read_past_its_code_so_its_errors_do_not_count()
    {
        var pulse = (Observation)Read("""
            {"resourceType":"Observation","id":"pulse","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
             "valueQuantity":{"value":"fast"}}
            """, TestContent.Catalog.ReadOptions);

        pulse.Id.Should().Be("pulse");
        FluentActions.Invoking(() => Read("""{"resourceType":"Observation","valueQuantity":{"value":"fast"}}""", FhirReadOptions.Full))
            .Should().Throw<FhirParseException>();
    }

    [Fact]
    public void A_duplicated_code_counts_as_its_last_value_in_a_full_and_in_a_lean_read()
    {
        const string Potassium = """{"coding":[{"system":"http://loinc.org","code":"2823-3"}]}""";
        const string Pulse = """{"coding":[{"system":"http://loinc.org","code":"8867-4"}]}""";
        var json = $$"""{"resourceType":"Observation","id":"k","code":{{Pulse}},"valueQuantity":{"value":3.1,"unit":"mmol/L"},"code":{{Potassium}}}""";

        var full = (Observation)Read(json, FhirReadOptions.Full);
        var lean = (Observation)Read(json, TestContent.Catalog.ReadOptions);

        full.Code!.Coding![0].Code.Should().Be("2823-3");
        lean.Code!.Coding![0].Code.Should().Be("2823-3");
        lean.ValueQuantity!.Value.Should().Be(3.1m, "the last code is a potassium, so the value is read");
    }

    [Fact]
    public void Read_in_full_every_observation_is_whole()
    {
        var bundle = (Bundle)Read(Labs, FhirReadOptions.Full);

        ((Observation)bundle.Entry![1].Resource!).ValueQuantity!.Value.Should().Be(72);
    }

    public static TheoryData<string> Patients() => SharedData.SyntheaPatients();

    [SharedDataTheory]
    [MemberData(nameof(Patients))]
    public void A_synthea_patient_with_every_observation_prefetched_gets_the_same_cards_either_way(string file)
    {
        var bundle = JsonNode.Parse(File.ReadAllText(SharedData.Path("fhir-data", "synthea", file)))!.AsObject();
        var now = (PatientBundleRequest.LastObservation(bundle) ?? DateTimeOffset.Parse("2021-04-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)).AddDays(1);
        var body = Encoding.UTF8.GetBytes(EveryObservation(bundle).ToJsonString());
        var evaluator = new HookEvaluator(TestContent.Catalog, TestContent.Rules, [], new FixedTimeProvider(now));

        var full = Cards(body, FhirReadOptions.Full, evaluator);
        var filtered = Cards(body, TestContent.Catalog.ReadOptions, evaluator);

        filtered.Should().Equal(full);
    }

    private static Resource Read(string json, FhirReadOptions options)
    {
        using var document = JsonDocument.Parse(json);
        return FhirJson.FromElement(document.RootElement, options);
    }

    // What an EHR that prefetches generously sends: all of the patient's Observations, vital signs and panels too.
    private static JsonObject EveryObservation(JsonObject bundle)
    {
        var request = PatientBundleRequest.Build(bundle, "patient-view", TestContent.Catalog, extraConditions:
        [
            JsonNode.Parse("""{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"449918009"}]}}""")!.AsObject(),
        ]);
        var observations = new JsonArray((bundle["entry"] as JsonArray ?? [])
            .Select(e => e?["resource"])
            .Where(r => (string?)r?["resourceType"] == "Observation")
            .Select(r => (JsonNode)new JsonObject { ["resource"] = r!.DeepClone() })
            .ToArray());
        request["prefetch"]![PrefetchKeys.Labs] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = observations };
        return request;
    }

    private static List<string> Cards(byte[] body, FhirReadOptions options, HookEvaluator evaluator)
    {
        var request = HookRequestParser.Parse(body, HookNames.PatientView, options).Request!;
        var service = TestContent.Catalog.Services.First(s => s.Hook == HookNames.PatientView);
        return evaluator.Evaluate(request, PrefetchData.Build(request, service.Prefetch)).Cards
            .Select(c => $"{c.RuleId} | {c.Indicator} | {c.Summary} | {c.Detail}")
            .ToList();
    }
}
