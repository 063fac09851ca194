using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrampCds.Core.Fhir;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Core.Tests.Fhir;

/// <summary>The official FHIR R4 examples in ../shared/fhir-data/hl7-r4-examples.</summary>
public class Hl7ExampleTests
{
    private const string Placeholder = "(../shared absent)";

    private static readonly HashSet<string> ModelledTypes =
        ["Bundle", "Condition", "Medication", "MedicationRequest", "MedicationStatement", "Observation", "Patient"];

    /// <summary>Modelled examples this reader rejects on purpose, with the reason (each has its own test below).</summary>
    private static readonly Dictionary<string, string> RejectedExamples = new()
    {
        ["Observation-decimal.json"] = "-1e+245 is outside the range of System.Decimal",
    };

    public static TheoryData<string> ModelledExamples() => AsTheoryData(ExampleFiles(modelled: true));

    public static TheoryData<string> OtherExamples() => AsTheoryData(ExampleFiles(modelled: false));

    private static string ExamplePath(string file) => SharedData.Path("fhir-data", "hl7-r4-examples", file);

    private static Resource ParseExample(string file) => FhirJson.Parse(File.ReadAllBytes(ExamplePath(file)));

    [SharedDataTheory]
    [MemberData(nameof(ModelledExamples))]
    public async Task Every_modelled_example_parses_to_its_record_with_its_id(string file)
    {
        var (resourceType, id) = Oracle(file);
        await using var stream = File.OpenRead(ExamplePath(file));

        var resource = await FhirJson.ParseAsync(stream, CancellationToken.None);

        resource.TypeName.Should().Be(resourceType);
        resource.GetType().Name.Should().Be(resourceType);
        resource.Id.Should().Be(id);
    }

    [SharedDataTheory]
    [MemberData(nameof(OtherExamples))]
    public void Every_unmodelled_example_parses_to_OtherResource_with_its_type_and_id(string file)
    {
        var (resourceType, id) = Oracle(file);

        var other = ParseExample(file).Should().BeOfType<OtherResource>().Subject;

        other.ResourceType.Should().Be(resourceType);
        other.Id.Should().Be(id);
    }

    [SharedDataFact]
    public void The_examples_cover_every_modelled_type()
    {
        var files = ExampleFiles(modelled: true);

        files.Select(file => Oracle(file).ResourceType).Distinct().Should().BeEquivalentTo(ModelledTypes);
        files.Should().HaveCountGreaterThan(150);
    }

    [SharedDataFact]
    public void MedicationRequest_medicationReference_resolves_to_a_contained_Medication()
    {
        var request = ParseExample("MedicationRequest-medrx0301.json").Should().BeOfType<MedicationRequest>().Subject;

        request.MedicationReference!.Reference.Should().Be("#med0310");
        request.MedicationCodeableConcept.Should().BeNull();
        var medication = request.Contained!.OfType<Medication>().Should().ContainSingle().Subject;
        ("#" + medication.Id).Should().Be(request.MedicationReference.Reference);
        medication.Code!.Coding.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new Coding { System = "http://snomed.info/sct", Code = "430127000", Display = "Oral Form Oxycodone (product)" });
        request.Contained!.OfType<OtherResource>().Should().ContainSingle().Which.ResourceType.Should().Be("Provenance");

        request.Status.Should().Be("completed");
        request.Intent.Should().Be("order");
        request.AuthoredOn.Should().Be("2015-01-15");
        request.Subject!.Reference.Should().Be("Patient/pat1");
        request.Category.Should().ContainSingle().Which.Coding![0].Code.Should().Be("inpatient");
        request.ReasonCode.Should().ContainSingle().Which.Coding![0].Code.Should().Be("297217002");
        var dosage = request.DosageInstruction.Should().ContainSingle().Subject;
        dosage.Timing!.Repeat!.Frequency.Should().Be(1);
        dosage.Timing.Repeat.Period.Should().Be(4m);
        dosage.Timing.Repeat.PeriodMax.Should().Be(6m);
        dosage.Timing.Repeat.PeriodUnit.Should().Be("h");
        dosage.AsNeededCodeableConcept!.Coding![0].Code.Should().Be("297217002");
        dosage.Route!.Coding![0].Code.Should().Be("26643006");
        var doseRange = dosage.DoseAndRate.Should().ContainSingle().Subject.DoseRange!;
        doseRange.Low!.Value.Should().Be(1m);
        doseRange.High!.Value.Should().Be(2m);
        doseRange.High.Unit.Should().Be("TAB");
    }

    [SharedDataFact]
    public void Every_medicationReference_to_a_local_id_resolves_to_a_contained_Medication()
    {
        var requests = ExampleFiles(modelled: true)
            .Select(ParseExample)
            .OfType<MedicationRequest>()
            .Where(r => r.MedicationReference?.Reference?.StartsWith('#') == true)
            .ToList();

        requests.Should().HaveCountGreaterThan(5);
        foreach (var request in requests)
        {
            request.Contained.Should().ContainSingle(
                r => r is Medication && "#" + r.Id == request.MedicationReference!.Reference,
                "MedicationRequest {0} refers to {1}", request.Id, request.MedicationReference!.Reference);
        }
    }

    [SharedDataFact]
    public void Observation_eGFR_component_keeps_the_greater_than_60_comparator()
    {
        var observation = ParseExample("Observation-f205.json").Should().BeOfType<Observation>().Subject;

        observation.Code!.Coding![0].Code.Should().Be("33914-3");
        observation.ValueQuantity.Should().BeNull();
        observation.Component.Should().HaveCount(2);
        var first = observation.Component![0];
        first.Code!.Coding![0].Code.Should().Be("48643-1");
        first.ValueQuantity.Should().BeEquivalentTo(new Quantity
        {
            Value = 60m,
            Comparator = ">",
            Unit = "mL/min/1.73m2",
            System = "http://unitsofmeasure.org",
            Code = "mL/min/{1.73_m2}",
        });
        first.ReferenceRange.Should().ContainSingle().Which.Low!.Value.Should().Be(60m);
        observation.Component[1].ValueQuantity!.Comparator.Should().BeNull();
    }

    [SharedDataFact]
    public void Observation_decimal_example_is_rejected_because_minus_1e245_exceeds_decimal()
    {
        var ex = FluentActions.Invoking(() => ParseExample("Observation-decimal.json"))
            .Should().ThrowExactly<FhirParseException>().Which;

        ex.JsonPath.Should().Be("$.component[6].valueQuantity.value");
        ex.Message.Should().Contain("-1.000000000000000000E+245").And.Contain("outside the range");
        RejectedExamples.Should().ContainKey("Observation-decimal.json");
    }

    [SharedDataFact]
    public void Observation_decimal_example_values_in_decimal_range_are_exact_and_tiny_ones_round_to_zero()
    {
        // The same real file without its one out-of-range component.
        var node = JsonNode.Parse(File.ReadAllText(ExamplePath("Observation-decimal.json")))!;
        var components = node["component"]!.AsArray();
        components[6]!["valueQuantity"]!["value"]!.GetValue<double>().Should().Be(-1e245);
        components.RemoveAt(6);

        var observation = FhirJson.Parse(node.ToJsonString()).Should().BeOfType<Observation>().Subject;

        observation.Component!.Select(c => c.ValueQuantity!.Value!.Value.ToString(CultureInfo.InvariantCulture))
            .Should().Equal("1.0", "1.00", "1.0", "0.0000000000000000000001", "1000000000000000000",
                "0.0000000000000000000000000000");
        observation.Component.Should().AllSatisfy(c => c.ValueQuantity!.Unit.Should().Be("g"));
    }

    [SharedDataFact]
    public void Bundle_ghp_has_potassium_and_creatinine_in_mmol_per_litre()
    {
        var bundle = ParseExample("Bundle-ghp.json").Should().BeOfType<Bundle>().Subject;

        bundle.Type.Should().Be("collection");
        bundle.Entry.Should().HaveCount(55);
        var observations = bundle.Entry!.Select(e => e.Resource).OfType<Observation>().ToList();
        observations.Should().HaveCount(51);
        bundle.Entry!.Select(e => e.Resource).OfType<OtherResource>().Select(r => r.ResourceType)
            .Should().BeEquivalentTo(["DiagnosticReport", "Specimen", "Specimen", "Specimen"]);

        var potassium = observations.Should().ContainSingle(o => o.Code!.Coding![0].Code == "2823-3").Subject;
        potassium.Id.Should().Be("o2");
        potassium.ValueQuantity!.Value.Should().Be(4.2m);
        potassium.ValueQuantity.Unit.Should().Be("mmol/L");

        var creatinine = observations.Should().ContainSingle(o => o.Code!.Coding![0].Code == "14682-9").Subject;
        creatinine.ValueQuantity!.Value.Should().Be(0.09m);
        creatinine.ValueQuantity.Unit.Should().Be("mmol/L");
        creatinine.Code!.Coding![0].System.Should().Be("http://loinc.org");

        observations.Where(o => o.ValueQuantity?.Comparator == "<").Should().HaveCount(2);
    }

    [SharedDataFact]
    public void Patient_with_a_birthDate_extension_keeps_its_birthDate()
    {
        var patient = ParseExample("Patient-example.json").Should().BeOfType<Patient>().Subject;

        patient.BirthDate.Should().Be("1974-12-25");
        patient.Gender.Should().Be("male");
        patient.Active.Should().BeTrue();
        patient.DeceasedBoolean.Should().BeFalse();
        patient.Name.Should().HaveCount(3);
        patient.Name![0].Family.Should().Be("Chalmers");
        patient.Name[0].Given.Should().Equal("Peter", "James");
    }

    [SharedDataFact]
    public void MedicationStatement_with_only_free_text_keeps_the_text()
    {
        var statement = ParseExample("MedicationStatement-example003.json").Should().BeOfType<MedicationStatement>().Subject;

        statement.MedicationCodeableConcept!.Text.Should().Be("Little Pink Pill for water retention");
        statement.MedicationCodeableConcept.Coding.Should().BeNull();
        statement.Status.Should().Be("active");
    }

    [SharedDataFact]
    public void Condition_example_reads_status_category_and_code()
    {
        var condition = ParseExample("Condition-example.json").Should().BeOfType<Condition>().Subject;

        condition.ClinicalStatus!.Coding![0].Code.Should().Be("active");
        condition.VerificationStatus!.Coding![0].Code.Should().Be("confirmed");
        condition.Category.Should().ContainSingle().Which.Coding.Should().HaveCount(2);
        condition.Code!.Coding![0].Code.Should().Be("39065001");
        condition.Code.Text.Should().Be("Burnt Ear");
        condition.OnsetDateTime.Should().Be("2012-05-24");
    }

    private static TheoryData<string> AsTheoryData(List<string> files)
    {
        // When ../shared is absent the theories are skipped; a placeholder row keeps discovery valid.
        var data = new TheoryData<string>();
        foreach (var file in SharedData.Available ? files : [Placeholder])
        {
            data.Add(file);
        }

        return data;
    }

    private static List<string> ExampleFiles(bool modelled)
    {
        var files = new List<string>();
        if (!SharedData.Available)
        {
            return files;
        }

        foreach (var path in Directory.EnumerateFiles(SharedData.Path("fhir-data", "hl7-r4-examples"), "*.json").Order(StringComparer.Ordinal))
        {
            var file = Path.GetFileName(path);
            var resourceType = Oracle(file).ResourceType;
            if (resourceType is not null && ModelledTypes.Contains(resourceType) == modelled && !RejectedExamples.ContainsKey(file))
            {
                files.Add(file);
            }
        }

        return files;
    }

    /// <summary>resourceType and id as System.Text.Json's DOM sees them, independent of the reader under test.</summary>
    private static (string? ResourceType, string? Id) Oracle(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(ExamplePath(file)));
        var root = document.RootElement;
        return (
            root.TryGetProperty("resourceType", out var type) ? type.GetString() : null,
            root.TryGetProperty("id", out var id) ? id.GetString() : null);
    }
}
