using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CrampCds.Core.Fhir;
using FluentAssertions;

namespace CrampCds.Core.Tests.Fhir;

/// <summary>Behaviour of <see cref="FhirJson"/> on small inline documents; needs no shared data.</summary>
public class FhirJsonTests
{
    private static T Parse<T>(string json)
        where T : Resource =>
        FhirJson.Parse(json).Should().BeOfType<T>().Subject;

    private static FhirParseException ParseFails(string json) =>
        FluentActions.Invoking(() => FhirJson.Parse(json)).Should().ThrowExactly<FhirParseException>().Which;

    // ---- resourceType dispatch -------------------------------------------------------------------------------

    [Theory]
    [InlineData("Patient", typeof(Patient))]
    [InlineData("MedicationRequest", typeof(MedicationRequest))]
    [InlineData("MedicationStatement", typeof(MedicationStatement))]
    [InlineData("Medication", typeof(Medication))]
    [InlineData("Observation", typeof(Observation))]
    [InlineData("Condition", typeof(Condition))]
    [InlineData("ServiceRequest", typeof(ServiceRequest))]
    [InlineData("Bundle", typeof(Bundle))]
    [InlineData("OperationOutcome", typeof(OperationOutcome))]
    [InlineData("MedicationOrder", typeof(MedicationRequest))]
    [InlineData("NutritionOrder", typeof(OtherResource))]
    public void ResourceType_selects_the_record(string resourceType, Type expected)
    {
        var resource = FhirJson.Parse($$"""{"resourceType":"{{resourceType}}","id":"x1"}""");

        resource.Should().BeOfType(expected);
        resource.TypeName.Should().Be(resourceType);
        resource.Id.Should().Be("x1");
    }

    [Fact]
    public void Every_modelled_resource_record_is_reachable_by_its_resourceType()
    {
        var records = typeof(Resource).Assembly.GetTypes()
            .Where(t => t.IsSealed && t.IsSubclassOf(typeof(Resource)) && t != typeof(OtherResource));

        foreach (var record in records)
        {
            FhirJson.Parse($$"""{"resourceType":"{{record.Name}}"}""").Should().BeOfType(record);
        }
    }

    [Fact]
    public void ResourceType_may_come_after_the_other_properties()
    {
        var observation = Parse<Observation>("""
            {
              "id": "late",
              "code": { "coding": [ { "system": "http://loinc.org", "code": "2823-3" } ] },
              "valueQuantity": { "value": 3.1, "unit": "mmol/L" },
              "component": [ { "code": { "text": "nested" } } ],
              "resourceType": "Observation"
            }
            """);

        observation.Id.Should().Be("late");
        observation.Code!.Coding![0].Code.Should().Be("2823-3");
        observation.ValueQuantity!.Value.Should().Be(3.1m);
        observation.Component.Should().ContainSingle();
    }

    [Fact]
    public void Unknown_resourceType_becomes_OtherResource_keeping_only_type_and_id()
    {
        var other = Parse<OtherResource>("""
            {
              "resourceType": "NutritionOrder",
              "oralDiet": { "type": [ { "text": "low potassium" } ], "schedule": [ { "repeat": { "frequency": 3 } } ] },
              "contained": [ { "resourceType": "Patient", "id": "p" } ],
              "id": "diet-1",
              "status": "draft"
            }
            """);

        other.ResourceType.Should().Be("NutritionOrder");
        other.TypeName.Should().Be("NutritionOrder");
        other.Id.Should().Be("diet-1");
        other.Contained.Should().BeNull("the body of an unmodelled resource is skipped");
    }

    [Fact]
    public void Missing_resourceType_throws_FhirParseException()
    {
        var ex = ParseFails("""{"id":"no-type","gender":"male"}""");

        ex.Message.Should().Contain("no resourceType");
        ex.JsonPath.Should().Be("$");
    }

    [Fact]
    public void Missing_resourceType_in_a_bundle_entry_names_the_entry()
    {
        var ex = ParseFails("""
            {
              "resourceType": "Bundle",
              "entry": [
                { "resource": { "resourceType": "Patient", "id": "p" } },
                { "fullUrl": "urn:uuid:2", "resource": { "id": "untyped" } }
              ]
            }
            """);

        ex.JsonPath.Should().Be("$.entry[1].resource");
        ex.LineNumber.Should().Be(5);
        ex.Message.Should().Contain("$.entry[1].resource").And.Contain("line 5");
    }

    [Theory]
    [InlineData("""{"resourceType": 7}""")]
    [InlineData("""{"resourceType": null}""")]
    [InlineData("""{"resourceType": ""}""")]
    [InlineData("""{"resourceType": {"text":"Patient"}}""")]
    public void ResourceType_that_is_not_a_non_empty_string_throws_FhirParseException(string json) =>
        ParseFails(json).Message.Should().Contain("resourceType");

    [Fact]
    public void When_resourceType_is_duplicated_the_first_one_selects_the_record()
    {
        Parse<Patient>("""{"resourceType":"Patient","resourceType":"Observation","gender":"male"}""")
            .Gender.Should().Be("male");
    }

    [Fact]
    public void Dstu2_MedicationOrder_reads_as_MedicationRequest_with_SourceType_MedicationOrder()
    {
        var order = Parse<MedicationRequest>("""
            {
              "resourceType": "MedicationOrder",
              "id": "mo-1",
              "dateWritten": "2016-03-08",
              "status": "draft",
              "patient": { "reference": "Patient/123" },
              "reasonCodeableConcept": { "coding": [ { "system": "http://snomed.info/sct", "code": "38341003" } ] },
              "medicationCodeableConcept": {
                "coding": [ { "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "316049", "display": "Hydrochlorothiazide 25 MG" } ]
              },
              "dosageInstruction": [
                {
                  "text": "25 mg once a day",
                  "timing": { "repeat": { "frequency": 1, "period": 1, "periodUnits": "d" } },
                  "asNeededBoolean": false,
                  "doseQuantity": { "value": 25, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg" }
                }
              ]
            }
            """);

        order.SourceType.Should().Be("MedicationOrder");
        order.TypeName.Should().Be("MedicationOrder");
        order.Patient!.Reference.Should().Be("Patient/123");
        order.Subject.Should().BeNull();
        order.DateWritten.Should().Be("2016-03-08");
        order.ReasonCodeableConcept!.Coding![0].Code.Should().Be("38341003");
        order.MedicationCodeableConcept!.Coding![0].Code.Should().Be("316049");
        var dosage = order.DosageInstruction.Should().ContainSingle().Subject;
        dosage.Timing!.Repeat!.PeriodUnits.Should().Be("d");
        dosage.Timing.Repeat.PeriodUnit.Should().BeNull();
        dosage.Timing.Repeat.Frequency.Should().Be(1);
        dosage.DoseQuantity!.Value.Should().Be(25m);
        dosage.DoseQuantity.Unit.Should().Be("mg");
        dosage.AsNeededBoolean.Should().BeFalse();
    }

    [Fact]
    public void An_R4_MedicationRequest_has_SourceType_MedicationRequest_even_if_the_json_claims_otherwise()
    {
        Parse<MedicationRequest>("""{"resourceType":"MedicationRequest","sourceType":"MedicationOrder"}""")
            .SourceType.Should().Be("MedicationRequest");
    }

    // ---- leniency: lists, nulls, unknown properties ----------------------------------------------------------

    [Fact]
    public void Single_object_where_a_list_belongs_reads_as_a_one_element_list()
    {
        // As the CDS Hooks sandbox sends draft orders.
        var request = Parse<MedicationRequest>("""
            {
              "resourceType": "MedicationRequest",
              "category": { "coding": [ { "code": "outpatient" } ] },
              "reasonCode": { "coding": [ { "system": "http://snomed.info/sct", "code": "55300003" } ], "text": "Cramp" },
              "dosageInstruction": {
                "doseAndRate": { "doseQuantity": { "value": 300, "unit": "mg" } },
                "timing": { "repeat": { "when": "HS", "frequency": 1, "period": 1, "periodUnit": "d" } }
              }
            }
            """);

        request.Category.Should().ContainSingle().Which.Coding![0].Code.Should().Be("outpatient");
        request.ReasonCode.Should().ContainSingle().Which.Text.Should().Be("Cramp");
        var dosage = request.DosageInstruction.Should().ContainSingle().Subject;
        dosage.DoseAndRate.Should().ContainSingle().Which.DoseQuantity!.Value.Should().Be(300m);
        dosage.Timing!.Repeat!.When.Should().Equal("HS");
    }

    [Fact]
    public void Null_items_in_arrays_are_skipped()
    {
        var bundle = Parse<Bundle>("""
            {
              "resourceType": "Bundle",
              "entry": [
                null,
                { "resource": null },
                { "resource": {
                    "resourceType": "Patient",
                    "name": [ null, { "given": [ null, "James" ], "_given": [ { "extension": [] } ] } ]
                } },
                { "resource": {
                    "resourceType": "Observation",
                    "code": { "coding": [ null, { "code": "6298-4" }, null ] },
                    "category": [ null ]
                } }
              ]
            }
            """);

        bundle.Entry.Should().HaveCount(3);
        bundle.Entry![0].Resource.Should().BeNull();
        var patient = bundle.Entry[1].Resource.Should().BeOfType<Patient>().Subject;
        patient.Name.Should().ContainSingle().Which.Given.Should().Equal("James");
        var observation = bundle.Entry[2].Resource.Should().BeOfType<Observation>().Subject;
        observation.Code!.Coding.Should().ContainSingle().Which.Code.Should().Be("6298-4");
        observation.Category.Should().BeEmpty();
    }

    [Fact]
    public void Null_where_an_object_list_or_value_belongs_reads_as_null()
    {
        var observation = Parse<Observation>("""
            {
              "resourceType": "Observation", "id": null, "status": null, "code": null, "category": null,
              "valueQuantity": { "value": null, "unit": "mmol/L" }, "component": null
            }
            """);

        observation.Id.Should().BeNull();
        observation.Status.Should().BeNull();
        observation.Code.Should().BeNull();
        observation.Category.Should().BeNull();
        observation.Component.Should().BeNull();
        observation.ValueQuantity!.Value.Should().BeNull();
        observation.ValueQuantity.Unit.Should().Be("mmol/L");
    }

    [Fact]
    public void Empty_array_reads_as_an_empty_list()
    {
        Parse<Observation>("""{"resourceType":"Observation","category":[]}""").Category.Should().BeEmpty();
    }

    [Fact]
    public void Unknown_properties_extensions_and_primitive_extensions_are_ignored()
    {
        var patient = Parse<Patient>("""
            {
              "resourceType": "Patient",
              "meta": { "versionId": "1", "profile": [ "http://example.org" ] },
              "text": { "status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>" },
              "fhir_comments": [ "DSTU2 comment", true ],
              "extension": [ { "url": "http://example.org/a", "valueDecimal": 1e400 } ],
              "modifierExtension": [ { "url": "http://example.org/b", "valueBoolean": true } ],
              "birthDate": "1974-12-25",
              "_birthDate": { "extension": [ { "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime", "valueDateTime": "1974-12-25T14:35:45-05:00" } ] },
              "_gender": { "extension": [] },
              "someFutureElement": { "deeply": [ [ [ { "nested": null } ] ] ] }
            }
            """);

        patient.BirthDate.Should().Be("1974-12-25");
        patient.Gender.Should().BeNull();
    }

    [Fact]
    public void Property_names_are_case_sensitive()
    {
        var patient = Parse<Patient>("""{"resourceType":"Patient","Gender":"male","BIRTHDATE":"2000"}""");

        patient.Gender.Should().BeNull();
        patient.BirthDate.Should().BeNull();
    }

    [Fact]
    public void Duplicate_properties_keep_the_last_value()
    {
        var patient = Parse<Patient>("""{"resourceType":"Patient","active":false,"gender":"male","active":true,"gender":"female"}""");

        patient.Active.Should().BeTrue();
        patient.Gender.Should().Be("female");
    }

    [Fact]
    public void Numbers_and_booleans_where_a_string_belongs_keep_their_text()
    {
        var observation = Parse<Observation>("""
            {"resourceType":"Observation","id":123,"code":{"coding":[{"code":12345,"version":2.10,"display":true}]}}
            """);

        observation.Id.Should().Be("123");
        var coding = observation.Code!.Coding![0];
        coding.Code.Should().Be("12345");
        coding.Version.Should().Be("2.10");
        coding.Display.Should().Be("true");
    }

    [Fact]
    public void Numbers_and_booleans_written_as_strings_are_accepted()
    {
        var request = Parse<MedicationRequest>("""
            {"resourceType":"MedicationRequest","dosageInstruction":[{"asNeededBoolean":"true",
              "timing":{"repeat":{"frequency":"2","period":"1.5"}},"doseAndRate":[{"doseQuantity":{"value":"0.25"}}]}]}
            """);

        var dosage = request.DosageInstruction![0];
        dosage.AsNeededBoolean.Should().BeTrue();
        dosage.Timing!.Repeat!.Frequency.Should().Be(2);
        dosage.Timing.Repeat.Period.Should().Be(1.5m);
        dosage.DoseAndRate![0].DoseQuantity!.Value.Should().Be(0.25m);
    }

    [Fact]
    public void A_value_of_the_wrong_shape_throws_FhirParseException_naming_the_path()
    {
        var ex = ParseFails("""
            {"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation"}},
              {"resource":{"resourceType":"Observation","code":{"coding":[{"code":"x"},{"system":["not","a","string"]}]}}}]}
            """);

        ex.JsonPath.Should().Be("$.entry[1].resource.code.coding[1].system");
        ex.Message.Should().Contain("Expected a string but found an array");
    }

    [Fact]
    public void A_string_where_an_object_belongs_throws_FhirParseException()
    {
        var ex = ParseFails("""{"resourceType":"Observation","valueQuantity":"5 mmol/L"}""");

        ex.JsonPath.Should().Be("$.valueQuantity");
        ex.Message.Should().Contain("Quantity").And.NotContain("CrampCds.Core");
    }

    [Fact]
    public void Contained_resources_and_nested_bundles_are_read()
    {
        var bundle = Parse<Bundle>("""
            {
              "resourceType": "Bundle",
              "entry": [ { "resource": {
                "resourceType": "Bundle", "type": "searchset", "total": 1,
                "link": [ { "relation": "self", "url": "http://example.org/MedicationRequest?patient=1" } ],
                "entry": [ { "fullUrl": "http://example.org/MedicationRequest/1", "resource": {
                  "resourceType": "MedicationRequest", "id": "1",
                  "contained": [ { "resourceType": "Medication", "id": "m", "code": { "text": "Quinine sulfate 300 MG" } },
                                 { "resourceType": "Provenance", "id": "prov" } ],
                  "medicationReference": { "reference": "#m" }
                } } ]
              } } ]
            }
            """);

        bundle.Type.Should().BeNull();
        var inner = bundle.Entry![0].Resource.Should().BeOfType<Bundle>().Subject;
        inner.Type.Should().Be("searchset");
        inner.Total.Should().Be(1);
        inner.Link![0].Relation.Should().Be("self");
        var request = inner.Entry![0].Resource.Should().BeOfType<MedicationRequest>().Subject;
        request.MedicationReference!.Reference.Should().Be("#m");
        request.Contained.Should().HaveCount(2);
        request.Contained![0].Should().BeOfType<Medication>().Which.Code!.Text.Should().Be("Quinine sulfate 300 MG");
        request.Contained[1].Should().BeOfType<OtherResource>().Which.Id.Should().Be("prov");
    }

    [Fact]
    public void OperationOutcome_is_read()
    {
        var outcome = Parse<OperationOutcome>("""
            {"resourceType":"OperationOutcome","issue":{"severity":"error","code":"not-found",
              "details":{"text":"Unknown patient"},"expression":["Patient.id",null]}}
            """);

        var issue = outcome.Issue.Should().ContainSingle().Subject;
        issue.Severity.Should().Be("error");
        issue.Details!.Text.Should().Be("Unknown patient");
        issue.Expression.Should().Equal("Patient.id");
    }

    // ---- numbers ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("1.00065022141624642", "1.00065022141624642")]
    [InlineData("0.0000000000000000000000001", "0.0000000000000000000000001")]
    [InlineData("1.00", "1.00")]
    [InlineData("1E-22", "0.0000000000000000000001")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("1000000000000000000", "1000000000000000000")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    public void Decimals_are_read_exactly(string json, string expected)
    {
        var observation = Parse<Observation>($$$"""{"resourceType":"Observation","valueQuantity":{"value":{{{json}}}}}""");

        observation.ValueQuantity!.Value!.Value.ToString(CultureInfo.InvariantCulture).Should().Be(expected);
    }

    [Fact]
    public void Decimals_with_more_digits_than_decimal_holds_are_rounded_not_rejected()
    {
        Parse<Observation>("""{"resourceType":"Observation","valueQuantity":{"value":3.14159265358979323846264338327950288}}""")
            .ValueQuantity!.Value.Should().Be(3.1415926535897932384626433833m);
    }

    [Theory]
    [InlineData("79228162514264337593543950336")]
    [InlineData("1e400")]
    [InlineData("-1e+245")]
    public void A_number_too_large_for_decimal_throws_FhirParseException(string json)
    {
        var ex = ParseFails($$$"""{"resourceType":"Observation","valueQuantity":{"value":{{{json}}}}}""");

        ex.JsonPath.Should().Be("$.valueQuantity.value");
        ex.Message.Should().Contain(json).And.Contain("outside the range");
        ex.InnerException.Should().NotBeOfType<OverflowException>();
    }

    [Fact]
    public void A_number_with_a_trailing_dot_is_invalid_JSON_and_throws_FhirParseException()
    {
        var ex = ParseFails("""{"resourceType":"Observation","valueQuantity":{"value":925.}}""");

        ex.JsonPath.Should().Be("$.valueQuantity.value");
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData("2.0", 2)]
    [InlineData("2.000", 2)]
    [InlineData("2e0", 2)]
    [InlineData("-3", -3)]
    public void Integers_accept_a_whole_number_written_with_a_fractional_zero(string json, int expected)
    {
        var request = Parse<MedicationRequest>(
            $$$$"""{"resourceType":"MedicationRequest","dosageInstruction":[{"timing":{"repeat":{"frequency":{{{{json}}}},"count":{{{{json}}}}}}}]}""");

        request.DosageInstruction![0].Timing!.Repeat!.Frequency.Should().Be(expected);
        request.DosageInstruction[0].Timing!.Repeat!.Count.Should().Be(expected);
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("3000000000")]
    [InlineData("\"two\"")]
    [InlineData("true")]
    public void Integers_that_are_not_whole_numbers_in_range_throw_FhirParseException(string json)
    {
        var ex = ParseFails($$$"""{"resourceType":"Bundle","total":{{{json}}}}""");

        ex.JsonPath.Should().Be("$.total");
        ex.Message.Should().Contain("whole number");
    }

    // ---- syntax and encoding ---------------------------------------------------------------------------------

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"Patient\"")]
    [InlineData("{}")]
    [InlineData("{\"resourceType\":\"Patient\"")]
    [InlineData("{\"resourceType\":\"Patient\"}}")]
    [InlineData("{\"resourceType\":\"Patient\"} {}")]
    [InlineData("{\"resourceType\":\"Patient\",}")]
    [InlineData("{\"resourceType\":\"Patient\" // comment\n}")]
    [InlineData("/* comment */ {\"resourceType\":\"Patient\"}")]
    [InlineData("{'resourceType':'Patient'}")]
    [InlineData("{resourceType:\"Patient\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"gender\":\"m\u0001\"}")]
    public void Malformed_or_non_resource_input_throws_FhirParseException(string json)
    {
        var ex = ParseFails(json);

        ex.Message.Should().StartWith("Invalid FHIR JSON");
    }

    [Fact]
    public void A_property_name_with_an_unpaired_surrogate_escape_throws_FhirParseException()
    {
        var ex = ParseFails("""{"resourceType":"Patient","\ud800":1}""");

        ex.Message.Should().Contain("escape");
    }

    [Fact]
    public void Deeply_nested_unknown_content_within_the_depth_limit_is_skipped()
    {
        var nested = new string('[', 100) + new string(']', 100);

        Parse<Patient>($$"""{"resourceType":"Patient","gender":"other","x":{{nested}}}""").Gender.Should().Be("other");
    }

    [Fact]
    public void Nesting_beyond_the_depth_limit_throws_FhirParseException_not_a_stack_overflow()
    {
        var nested = new string('[', 10_000) + new string(']', 10_000);

        ParseFails($$"""{"resourceType":"Patient","x":{{nested}}}""").Message.Should().Contain("depth");
    }

    [Fact]
    public void Deeply_nested_bundles_within_the_depth_limit_are_read()
    {
        var json = """{"resourceType":"Patient","id":"innermost"}""";
        for (var level = 0; level < 25; level++)
        {
            json = $$"""{"resourceType":"Bundle","id":"b{{level}}","entry":[{"resource":{{json}}}]}""";
        }

        Resource resource = Parse<Bundle>(json);
        for (var level = 24; level >= 0; level--)
        {
            resource.Id.Should().Be($"b{level}");
            resource = ((Bundle)resource).Entry![0].Resource!;
        }

        resource.Should().BeOfType<Patient>().Which.Id.Should().Be("innermost");
    }

    [Fact]
    public void Syntax_errors_report_line_and_path()
    {
        var ex = ParseFails("{\n  \"resourceType\": \"Patient\",\n  \"name\": [ { \"given\": [\"A\"] ] \n}");

        ex.LineNumber.Should().Be(3);
        ex.JsonPath.Should().StartWith("$.name[0]");
        ex.Message.Should().Contain("line 3");
    }

    [Fact]
    public void Invalid_UTF8_throws_FhirParseException()
    {
        byte[] json = [.. """{"resourceType":"Patient","gender":"""u8, (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'];

        FluentActions.Invoking(() => FhirJson.Parse(json)).Should().ThrowExactly<FhirParseException>();
    }

    [Fact]
    public void A_UTF8_byte_order_mark_is_accepted()
    {
        byte[] json = [0xEF, 0xBB, 0xBF, .. """{"resourceType":"Patient","id":"bom"}"""u8];

        FhirJson.Parse(json).Id.Should().Be("bom");
        FhirJson.Parse("\uFEFF{\"resourceType\":\"Patient\",\"id\":\"bom\"}").Id.Should().Be("bom");
    }

    [Fact]
    public async Task ParseAsync_reads_a_stream_with_a_byte_order_mark()
    {
        byte[] json = [0xEF, 0xBB, 0xBF, .. """{"resourceType":"Condition","id":"c","code":{"text":"Leg cramp"}}"""u8];
        using var stream = new MemoryStream(json);

        var condition = (await FhirJson.ParseAsync(stream, CancellationToken.None)).Should().BeOfType<Condition>().Subject;

        condition.Code!.Text.Should().Be("Leg cramp");
    }

    [Fact]
    public async Task ParseAsync_reads_a_non_seekable_stream_delivered_in_small_chunks()
    {
        var json = Encoding.UTF8.GetBytes(SampleBundle);
        await using var stream = new TrickleStream(json, chunk: 7);

        var bundle = (await FhirJson.ParseAsync(stream, CancellationToken.None)).Should().BeOfType<Bundle>().Subject;

        bundle.Should().BeEquivalentTo(FhirJson.Parse(json), options => options.ComparingRecordsByMembers().RespectingRuntimeTypes());
        bundle.Entry.Should().HaveCount(4);
    }

    [Fact]
    public async Task ParseAsync_throws_FhirParseException_for_bad_JSON()
    {
        using var stream = new MemoryStream("{\"resourceType\":\"Patient\","u8.ToArray());

        await FluentActions.Awaiting(() => FhirJson.ParseAsync(stream, CancellationToken.None).AsTask())
            .Should().ThrowExactlyAsync<FhirParseException>();
    }

    [Fact]
    public async Task ParseAsync_honours_cancellation()
    {
        await using var stream = new TrickleStream(Encoding.UTF8.GetBytes(SampleBundle), chunk: 7);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(() => FhirJson.ParseAsync(stream, cancelled.Token).AsTask())
            .Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Truncated_or_corrupted_input_never_throws_anything_but_FhirParseException()
    {
        var json = Encoding.UTF8.GetBytes(SampleBundle);
        byte[] replacements = [(byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'"', (byte)',', (byte)':', (byte)'0', (byte)'.', (byte)'-', (byte)'n', (byte)'x', 0x00, 0xFF];
        var outcomes = new Dictionary<string, int>();

        void Check(byte[] input)
        {
            var ex = Record.Exception(() => FhirJson.Parse(input));
            if (ex is not null and not FhirParseException)
            {
                throw new InvalidOperationException($"{ex.GetType().Name} for input: {Encoding.UTF8.GetString(input)}", ex);
            }

            var key = ex is null ? "parsed" : "rejected";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        for (var length = 0; length < json.Length; length++)
        {
            Check(json[..length]);
        }

        for (var position = 0; position < json.Length; position++)
        {
            foreach (var replacement in replacements)
            {
                var corrupted = (byte[])json.Clone();
                corrupted[position] = replacement;
                Check(corrupted);
            }
        }

        outcomes["rejected"].Should().BePositive();
        outcomes["parsed"].Should().BePositive("some corruptions land in values the lenient reader accepts");
    }

    // ---- FromElement -----------------------------------------------------------------------------------------

    [Fact]
    public void FromElement_reads_resources_inside_a_larger_document()
    {
        using var request = JsonDocument.Parse($$"""
            {
              "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
              "hook": "order-select",
              "context": {
                "userId": "Practitioner/123",
                "patientId": "1288992",
                "selections": [ "MedicationRequest/quinine" ],
                "draftOrders": {{SampleBundle}}
              },
              "prefetch": {
                "patient": { "gender": "female", "birthDate": "1940-01-01", "resourceType": "Patient", "id": "1288992" },
                "potassium": null
              }
            }
            """);
        var root = request.RootElement;

        var drafts = FhirJson.FromElement(root.GetProperty("context").GetProperty("draftOrders"))
            .Should().BeOfType<Bundle>().Subject;
        var patient = FhirJson.FromElement(root.GetProperty("prefetch").GetProperty("patient"))
            .Should().BeOfType<Patient>().Subject;

        drafts.Entry.Should().HaveCount(4);
        drafts.Entry![0].Resource.Should().BeOfType<MedicationRequest>().Which.Id.Should().Be("quinine");
        patient.Id.Should().Be("1288992");
        patient.BirthDate.Should().Be("1940-01-01");
    }

    [Fact]
    public void FromElement_reports_the_path_relative_to_the_element()
    {
        using var request = JsonDocument.Parse("""
            {"prefetch":{"labs":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","valueQuantity":{"value":"high"}}}]}}}
            """);

        var ex = FluentActions.Invoking(() => FhirJson.FromElement(request.RootElement.GetProperty("prefetch").GetProperty("labs")))
            .Should().ThrowExactly<FhirParseException>().Which;

        ex.JsonPath.Should().Be("$.entry[0].resource.valueQuantity.value");
        ex.Message.Should().Contain("of the element");
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"Patient/1\"")]
    [InlineData("{}")]
    public void FromElement_on_anything_but_a_resource_object_throws_FhirParseException(string json)
    {
        using var document = JsonDocument.Parse(json);

        FluentActions.Invoking(() => FhirJson.FromElement(document.RootElement)).Should().ThrowExactly<FhirParseException>();
    }

    [Fact]
    public void FromElement_reads_an_element_of_a_document_parsed_with_comments_and_trailing_commas()
    {
        using var document = JsonDocument.Parse("""{"resourceType":"Patient", /* from a file */ "id":"x",}""",
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

        FhirJson.FromElement(document.RootElement).Should().BeOfType<Patient>().Which.Id.Should().Be("x");
    }

    [Fact]
    public void FromElement_on_a_default_element_throws_FhirParseException()
    {
        FluentActions.Invoking(() => FhirJson.FromElement(default)).Should().ThrowExactly<FhirParseException>();
    }

    // ---- coverage of the model ---------------------------------------------------------------------------------

    [Fact]
    public void Every_property_of_the_model_is_read()
    {
        const string Cc = """{"coding":[{"system":"http://snomed.info/sct","version":"2024","code":"1","display":"d"}],"text":"t"}""";
        const string Q = """{"value":1.5,"comparator":"<","unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}""";
        const string Ref = """{"reference":"Patient/1","type":"Patient","display":"p"}""";
        const string Period = """{"start":"2024-01-01","end":"2024-02-01"}""";
        const string Contained = """[{"resourceType":"Patient","id":"c"}]""";
        var range = $$$"""{"low":{{{Q}}},"high":{{{Q}}}}""";
        var ratio = $$$"""{"numerator":{{{Q}}},"denominator":{{{Q}}}}""";
        var referenceRange = $$$"""[{"low":{{{Q}}},"high":{{{Q}}},"type":{{{Cc}}},"text":"normal"}]""";
        var dosage = $$$"""
            [{"sequence":1,"text":"once daily","asNeededBoolean":false,"asNeededCodeableConcept":{{{Cc}}},"route":{{{Cc}}},
              "timing":{"event":["2024-01-01"],"code":{{{Cc}}},"repeat":{"boundsPeriod":{{{Period}}},"count":3,"duration":1,
                "durationUnit":"h","frequency":1,"frequencyMax":2,"period":1,"periodMax":2,"periodUnit":"d","periodUnits":"d",
                "when":["HS"],"timeOfDay":["22:00:00"],"dayOfWeek":["mon"]}},
              "doseAndRate":[{"type":{{{Cc}}},"doseRange":{{{range}}},"doseQuantity":{{{Q}}}}],
              "doseQuantity":{{{Q}}},"doseRange":{{{range}}},"maxDosePerPeriod":{{{ratio}}},"maxDosePerAdministration":{{{Q}}}}]
            """;
        string[] resources =
        [
            $$$"""
                {"resourceType":"Patient","id":"p","contained":{{{Contained}}},"active":true,"gender":"female","birthDate":"1940",
                "deceasedBoolean":false,"deceasedDateTime":"2024","name":[{"use":"official","text":"t","family":"f","given":["g"]}]}
                """,
            $$$"""
                {"resourceType":"MedicationRequest","id":"mr","contained":{{{Contained}}},"status":"active","intent":"order",
                "category":[{{{Cc}}}],"medicationCodeableConcept":{{{Cc}}},"medicationReference":{{{Ref}}},"subject":{{{Ref}}},"patient":{{{Ref}}},
                "authoredOn":"2024","dateWritten":"2024","reasonCode":[{{{Cc}}}],"reasonCodeableConcept":{{{Cc}}},"dosageInstruction":{{{dosage}}}}
                """,
            $$$"""
                {"resourceType":"MedicationStatement","id":"ms","contained":{{{Contained}}},"status":"active","category":[{{{Cc}}}],
                "medicationCodeableConcept":{{{Cc}}},"medicationReference":{{{Ref}}},"subject":{{{Ref}}},"effectiveDateTime":"2024",
                "effectivePeriod":{{{Period}}},"dateAsserted":"2024","reasonCode":[{{{Cc}}}],"dosage":{{{dosage}}}}
                """,
            $$$"""
                {"resourceType":"Medication","id":"m","contained":{{{Contained}}},"code":{{{Cc}}},"status":"active","form":{{{Cc}}},
                "ingredient":[{"itemCodeableConcept":{{{Cc}}},"itemReference":{{{Ref}}},"isActive":true,"strength":{{{ratio}}}}]}
                """,
            $$$"""
                {"resourceType":"Observation","id":"o","contained":{{{Contained}}},"status":"final","category":[{{{Cc}}}],"code":{{{Cc}}},
                "subject":{{{Ref}}},"effectiveDateTime":"2024","effectivePeriod":{{{Period}}},"effectiveInstant":"2024","issued":"2024",
                "valueQuantity":{{{Q}}},"valueString":"v","valueCodeableConcept":{{{Cc}}},"dataAbsentReason":{{{Cc}}},
                "interpretation":[{{{Cc}}}],"referenceRange":{{{referenceRange}}},
                "component":[{"code":{{{Cc}}},"valueQuantity":{{{Q}}},"valueString":"v","valueCodeableConcept":{{{Cc}}},
                  "interpretation":[{{{Cc}}}],"referenceRange":{{{referenceRange}}}}]}
                """,
            $$$"""
                {"resourceType":"Condition","id":"c","contained":{{{Contained}}},"clinicalStatus":{{{Cc}}},"verificationStatus":{{{Cc}}},
                "category":[{{{Cc}}}],"code":{{{Cc}}},"subject":{{{Ref}}},"onsetDateTime":"2024","abatementDateTime":"2024","recordedDate":"2024"}
                """,
            $$$"""
                {"resourceType":"ServiceRequest","id":"s","contained":{{{Contained}}},"status":"active","intent":"order","code":{{{Cc}}},
                "subject":{{{Ref}}},"reasonCode":[{{{Cc}}}]}
                """,
            $$$"""
                {"resourceType":"OperationOutcome","id":"oo","contained":{{{Contained}}},
                "issue":[{"severity":"error","code":"processing","details":{{{Cc}}},"diagnostics":"d","expression":["Patient.name"]}]}
                """,
        ];
        var entries = string.Join(",", resources.Select(r => $$"""{"fullUrl":"urn:uuid:1","resource":{{r}}}"""));
        var json = $$$"""
            {"resourceType":"Bundle","id":"b","contained":{{{Contained}}},"type":"searchset","total":8,
             "link":[{"relation":"self","url":"http://x/fhir"}],"entry":[{{{entries}}}]}
            """;

        var bundle = Parse<Bundle>(json);

        bundle.Entry.Should().HaveCount(resources.Length);
        AssertEveryPropertyRead(bundle, "Bundle");
    }

    /// <summary>Every property of every record reached is set; contained resources are only counted, not walked.</summary>
    private static void AssertEveryPropertyRead(object value, string path)
    {
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name is nameof(Resource.TypeName) or nameof(MedicationRequest.SourceType) or "EqualityContract")
            {
                continue;
            }

            var where = $"{path}.{property.Name}";
            var read = property.GetValue(value);
            read.Should().NotBeNull("{0} is in the JSON and must be read", where);
            if (read is System.Collections.IEnumerable items and not string)
            {
                var list = items.Cast<object>().ToList();
                list.Should().NotBeEmpty("{0} is in the JSON and must be read", where);
                if (property.Name != nameof(Resource.Contained))
                {
                    foreach (var item in list.Where(i => i.GetType().Namespace == typeof(Resource).Namespace))
                    {
                        AssertEveryPropertyRead(item, where);
                    }
                }
            }
            else if (read!.GetType().Namespace == typeof(Resource).Namespace)
            {
                AssertEveryPropertyRead(read, where);
            }
        }
    }

    private const string SampleBundle = """
        {
          "resourceType": "Bundle",
          "type": "collection",
          "entry": [
            {
              "fullUrl": "urn:uuid:1",
              "resource": {
                "resourceType": "MedicationRequest",
                "id": "quinine",
                "status": "draft",
                "intent": "order",
                "subject": { "reference": "Patient/1288992" },
                "medicationCodeableConcept": {
                  "coding": [ { "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "9071", "display": "Quinine" } ],
                  "text": "Quinine sulfate 300 mg"
                },
                "reasonCode": { "coding": [ { "system": "http://snomed.info/sct", "code": "55300003", "display": "Cramp" } ] },
                "dosageInstruction": [
                  {
                    "text": "300 mg at night",
                    "timing": { "repeat": { "frequency": 1, "period": 1.0, "periodUnit": "d", "when": [ "HS" ] } },
                    "doseAndRate": { "doseQuantity": { "value": 300, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg" } }
                  }
                ]
              }
            },
            {
              "resource": {
                "resourceType": "Observation",
                "id": "k",
                "status": "final",
                "code": { "coding": [ { "system": "http://loinc.org", "code": "2823-3" } ] },
                "effectiveDateTime": "2021-03-31T02:43:19+00:00",
                "valueQuantity": { "value": 3.41, "comparator": "<", "unit": "mmol/L" },
                "referenceRange": [ { "low": { "value": 3.5 }, "high": { "value": 5.1 } } ]
              }
            },
            { "resource": { "resourceType": "Condition", "id": "c", "clinicalStatus": { "text": "active" }, "code": { "text": "Leg cramp" } } },
            { "resource": { "resourceType": "NutritionOrder", "id": "n", "status": "draft" } }
          ]
        }
        """;

    /// <summary>A non-seekable stream that returns at most <c>chunk</c> bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
            data.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
