using CrampCds.Core.Fhir;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Core.Tests.Fhir;

/// <summary>Tricky and deliberately broken FHIR JSON in ../shared/fhir-data/parser-edge-cases.</summary>
public class ParserEdgeCaseTests
{
    private const string Placeholder = "(../shared absent)";

    /// <summary>Every file under parser-edge-cases, relative to it, with '/' separators.</summary>
    public static TheoryData<string> AllFiles()
    {
        // When ../shared is absent the theories are skipped; a placeholder row keeps discovery valid.
        var data = new TheoryData<string>();
        foreach (var file in SharedData.Available ? Files() : [Placeholder])
        {
            data.Add(file);
        }

        return data;
    }

    private static List<string> Files()
    {
        var root = SharedData.Path("fhir-data", "parser-edge-cases");
        return Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static byte[] Read(string file) => File.ReadAllBytes(SharedData.Path(["fhir-data", "parser-edge-cases", .. file.Split('/')]));

    private static T Parses<T>(string file)
        where T : Resource =>
        FhirJson.Parse(Read(file)).Should().BeOfType<T>().Subject;

    private static FhirParseException Rejects(string file) =>
        FluentActions.Invoking(() => FhirJson.Parse(Read(file))).Should().ThrowExactly<FhirParseException>().Which;

    [SharedDataTheory]
    [MemberData(nameof(AllFiles))]
    public void Each_edge_case_file_parses_or_throws_FhirParseException_and_nothing_else(string file)
    {
        var ex = Record.Exception(() => FhirJson.Parse(Read(file)));

        (ex is null or FhirParseException).Should().BeTrue($"{file} threw {ex?.GetType().Name}: {ex?.Message}");
    }

    [SharedDataTheory]
    [InlineData("firely-net-sdk/json-edge-cases.json", true)]
    [InlineData("firely-net-sdk/test-empty-nodes.json", true)]
    [InlineData("fhir-test-cases/r4/bundle-with-no-type.json", true)]
    [InlineData("fhir-test-cases/r4/patient-container-example.json", true)]
    [InlineData("fhir-test-cases/r4/patient-name-extensions.json", true)]
    [InlineData("fhir-test-cases/validator/bad-json-close-1.json", false)]
    [InlineData("fhir-test-cases/validator/empty-array.json", true)]
    [InlineData("fhir-test-cases/validator/json-comments-1.json", false)]
    [InlineData("fhir-test-cases/validator/json-comments.json", true)]
    [InlineData("fhir-test-cases/validator/json-good.json", true)]
    [InlineData("fhir-test-cases/validator/list-contained-bad.json", true)]
    [InlineData("fhir-test-cases/validator/list-extension1.json", true)]
    [InlineData("fhir-test-cases/validator/list-extension2.json", true)]
    [InlineData("fhir-test-cases/validator/list-minimal.json", true)]
    [InlineData("fhir-test-cases/validator/list-unknown-prop.json", true)]
    [InlineData("fhir-test-cases/validator/list-wrong-order.json", true)]
    [InlineData("fhir-test-cases/validator/observation-with-trailing-dot.json", false)]
    [InlineData("fhir-test-cases/validator/pat-dob-ext.json", true)]
    [InlineData("fhir-test-cases/validator/patient-duplicate.json", true)]
    [InlineData("fhir-test-cases/validator/patient-id-extensions.json", true)]
    [InlineData("fhir-test-cases/validator/primitive-good-ws.json", true)]
    [InlineData("fhir-test-cases/validator/unicode-problem.json", true)]
    public void Edge_case_file_is_read_leniently_unless_it_is_not_JSON(string file, bool parses)
    {
        var ex = Record.Exception(() => FhirJson.Parse(Read(file)));

        if (parses)
        {
            ex.Should().BeNull();
        }
        else
        {
            ex.Should().BeOfType<FhirParseException>();
        }
    }

    [SharedDataFact]
    public void Every_edge_case_file_has_an_expected_outcome()
    {
        var listed = typeof(ParserEdgeCaseTests).GetMethod(nameof(Edge_case_file_is_read_leniently_unless_it_is_not_JSON))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).Single()[0]);

        listed.Should().BeEquivalentTo(Files());
    }

    [SharedDataFact]
    public void Json_edge_cases_patient_parses_with_its_values()
    {
        var patient = Parses<Patient>("firely-net-sdk/json-edge-cases.json");

        patient.Id.Should().BeNull();
        patient.Active.Should().BeNull("only _active (an extension) is present");
        patient.Gender.Should().Be("male");
        patient.BirthDate.Should().Be("1974-12");
        patient.DeceasedBoolean.Should().BeTrue();
        patient.Name.Should().HaveCount(2);
        patient.Name![0].Given.Should().Equal("Peter", "James");
        patient.Name[0].Family.Should().Be("Chalmers");
        patient.Contained.Should().HaveCount(2).And.AllBeOfType<OtherResource>();
        patient.Contained!.Select(r => (r.TypeName, r.Id)).Should().Equal(("Binary", "pic1"), ("Organization", "org3141"));
    }

    [SharedDataFact]
    public void Empty_nodes_with_a_byte_order_mark_parse_leniently()
    {
        Read("firely-net-sdk/test-empty-nodes.json").AsSpan(0, 3).ToArray().Should().Equal(0xEF, 0xBB, 0xBF);

        var patient = Parses<Patient>("firely-net-sdk/test-empty-nodes.json");

        patient.Active.Should().BeNull();
        patient.Id.Should().BeNull();
        var contained = patient.Contained.Should().ContainSingle().Subject.Should().BeOfType<Patient>().Subject;
        contained.Id.Should().BeNull("only an empty _id is present");
    }

    [SharedDataFact]
    public void Bad_JSON_close_is_rejected_at_its_line()
    {
        var ex = Rejects("fhir-test-cases/validator/bad-json-close-1.json");

        ex.LineNumber.Should().Be(15);
        ex.JsonPath.Should().StartWith("$.entry[0].resource.name[0]");
        ex.Message.Should().Contain("line 15");
    }

    [SharedDataFact]
    public void Comments_are_rejected()
    {
        var ex = Rejects("fhir-test-cases/validator/json-comments-1.json");

        ex.LineNumber.Should().Be(1);
        ex.JsonPath.Should().Be("$");
    }

    [SharedDataFact]
    public void A_number_with_a_trailing_dot_is_rejected_at_its_path()
    {
        var ex = Rejects("fhir-test-cases/validator/observation-with-trailing-dot.json");

        ex.JsonPath.Should().Be("$.referenceRange[0].high.value");
        ex.LineNumber.Should().Be(22);
    }

    [SharedDataFact]
    public void Bundle_with_no_type_parses_with_Type_null()
    {
        var bundle = Parses<Bundle>("fhir-test-cases/r4/bundle-with-no-type.json");

        bundle.Type.Should().BeNull();
        var entry = bundle.Entry.Should().ContainSingle().Subject;
        entry.FullUrl.Should().Be("http://localhost:5555/phr/baseDstu3/Person/PERSON1");
        entry.Resource.Should().BeOfType<OtherResource>().Which.Should().Match<OtherResource>(r => r.ResourceType == "Person" && r.Id == "PERSON1");
    }

    [SharedDataFact]
    public void Patient_name_with_a_null_given_placeholder_keeps_the_real_names()
    {
        var patient = Parses<Patient>("fhir-test-cases/r4/patient-name-extensions.json");

        patient.Active.Should().BeTrue();
        var name = patient.Name.Should().ContainSingle().Subject;
        name.Use.Should().Be("maiden");
        name.Family.Should().Be("Windsor");
        name.Given.Should().Equal("James");
    }

    [SharedDataFact]
    public void Duplicate_property_keeps_the_last_value()
    {
        Parses<Patient>("fhir-test-cases/validator/patient-duplicate.json").Active.Should().BeTrue();
    }

    [SharedDataFact]
    public void Birth_year_with_a_birthDate_extension_parses()
    {
        var patient = Parses<Patient>("fhir-test-cases/validator/pat-dob-ext.json");

        patient.BirthDate.Should().Be("1975");
        patient.Gender.Should().Be("male");
        patient.Name.Should().ContainSingle().Which.Given.Should().Equal("Steve");
    }

    [SharedDataFact]
    public void Contained_resource_referenced_without_a_hash_is_still_contained()
    {
        var patient = Parses<Patient>("fhir-test-cases/r4/patient-container-example.json");

        patient.Id.Should().Be("example-container");
        patient.Contained.Should().ContainSingle().Which.Should().Match<Resource>(r => r.TypeName == "Organization" && r.Id == "1");
    }

    [SharedDataTheory]
    [InlineData("fhir-test-cases/validator/list-contained-bad.json", "List", "val1")]
    [InlineData("fhir-test-cases/validator/list-extension1.json", "List", "val1")]
    [InlineData("fhir-test-cases/validator/list-wrong-order.json", "List", "val1")]
    [InlineData("fhir-test-cases/validator/empty-array.json", "DocumentReference", null)]
    [InlineData("fhir-test-cases/validator/unicode-problem.json", "Parameters", null)]
    public void Unmodelled_resources_keep_type_and_id(string file, string resourceType, string? id)
    {
        var other = Parses<OtherResource>(file);

        other.ResourceType.Should().Be(resourceType);
        other.Id.Should().Be(id);
    }
}
