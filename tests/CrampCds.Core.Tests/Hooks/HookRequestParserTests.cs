using System.Text;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using FluentAssertions;

namespace CrampCds.Core.Tests.Hooks;

public class HookRequestParserTests
{
    [Fact]
    public void Order_select_binds_the_context_selections_and_drafts()
    {
        var json = Requests.OrderHook(HookNames.OrderSelect, [Requests.CodedDraft("q1", Requests.QuinineCoding)], ["MedicationRequest/q1"]);

        var request = Requests.Parse(json, HookNames.OrderSelect);

        request.Hook.Should().Be("order-select");
        request.Context.PatientId.Should().Be("p1");
        request.Context.UserId.Should().Be("Practitioner/example");
        request.Context.Selections.Should().Equal("MedicationRequest/q1");
        request.Context.DraftOrders.Should().ContainSingle().Which.Should().BeOfType<MedicationRequest>().Which.Id.Should().Be("q1");
        request.Context.TokenValues["patientId"].Should().Be("p1");
    }

    [Fact]
    public void Invalid_json_is_refused_naming_the_body()
    {
        Requests.Errors("{\"hook\": ", HookNames.PatientView).Should().ContainSingle().Which.Field.Should().Be("body");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("\"patient-view\"")]
    public void A_body_that_is_not_an_object_is_refused(string body)
    {
        Requests.Errors(body, HookNames.PatientView).Should().ContainSingle().Which.Field.Should().Be("body");
    }

    [Fact]
    public void A_name_with_an_unpaired_surrogate_escape_is_refused_naming_the_body_not_a_server_error()
    {
        var json = Requests.OrderHook(HookNames.OrderSign, [Requests.CodedDraft("d1", Requests.QuinineCoding)])
            .Replace("\"userId\"", "\"\\ud800\"", StringComparison.Ordinal);

        Requests.Errors(json, HookNames.OrderSign).Should().ContainSingle().Which.Field.Should().Be("body");
    }

    [Fact]
    public void A_prefetch_resource_with_an_unpaired_surrogate_escape_in_a_name_is_fetched_instead()
    {
        var json = Requests.OrderHook(HookNames.OrderSign, [Requests.CodedDraft("d1", Requests.QuinineCoding)],
            prefetch: """{"patient":{"resourceType":"Patient","id":"p1","\ud800":1}}""");

        Requests.Parse(json, HookNames.OrderSign).Prefetch["patient"].State.Should().Be(PrefetchState.Failed);
    }

    [Fact]
    public void A_call_for_another_hook_is_refused_naming_hook()
    {
        var json = """{"hook":"order-sign","hookInstance":"1","context":{"patientId":"p1","draftOrders":{"resourceType":"Bundle"}}}""";

        Requests.Errors(json, HookNames.PatientView).Select(e => e.Field).Should().Contain("hook");
    }

    [Fact]
    public void Missing_patient_id_and_hook_instance_are_named()
    {
        var errors = Requests.Errors("""{"hook":"patient-view","context":{"userId":"Practitioner/1"}}""", HookNames.PatientView);

        errors.Select(e => e.Field).Should().BeEquivalentTo(["hookInstance", "context.patientId"]);
    }

    [Theory]
    [InlineData("../Patient/1")]
    [InlineData("p1?_id=2")]
    [InlineData("p 1")]
    public void A_patient_id_that_is_not_a_fhir_id_is_refused_so_it_never_reaches_a_url(string patientId)
    {
        var json = """{"hook":"patient-view","hookInstance":"1","context":{"patientId":"PID"}}""".Replace("PID", patientId, StringComparison.Ordinal);

        Requests.Errors(json, HookNames.PatientView).Should().ContainSingle().Which.Field.Should().Be("context.patientId");
    }

    [Fact]
    public void Order_hooks_need_draft_orders_as_a_bundle()
    {
        Requests.Errors("""{"hook":"order-sign","hookInstance":"1","context":{"patientId":"p1"}}""", HookNames.OrderSign)
            .Should().ContainSingle().Which.Field.Should().Be("context.draftOrders");
        Requests.Errors("""{"hook":"order-sign","hookInstance":"1","context":{"patientId":"p1","draftOrders":{"resourceType":"Patient","id":"x"}}}""", HookNames.OrderSign)
            .Should().ContainSingle().Which.Message.Should().Contain("Bundle");
        Requests.Errors("""{"hook":"order-sign","hookInstance":"1","context":{"patientId":"p1","draftOrders":[1,2]}}""", HookNames.OrderSign)
            .Should().ContainSingle().Which.Field.Should().Be("context.draftOrders");
    }

    [Fact]
    public void A_selection_that_names_no_draft_is_refused_naming_its_index()
    {
        var json = Requests.OrderHook(HookNames.OrderSelect, [Requests.CodedDraft("q1", Requests.QuinineCoding)], ["MedicationRequest/q1", "MedicationRequest/other"]);

        Requests.Errors(json, HookNames.OrderSelect).Should().ContainSingle().Which.Field.Should().Be("context.selections[1]");
    }

    [Fact]
    public void Prefetch_keys_keep_present_null_and_failed_apart()
    {
        var prefetch = """
            {"patient":{"resourceType":"Patient","id":"p1"},
             "conditions":null,
             "labs":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]},
             "user":"123",
             "medicationRequests":{"resourceType":"Bundle","entry":[{"resource":{"id":"no-type"}}]}}
            """;
        var json = """{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"},"prefetch":PREFETCH}""".Replace("PREFETCH", prefetch, StringComparison.Ordinal);

        var request = Requests.Parse(json, HookNames.PatientView);

        request.Prefetch["patient"].State.Should().Be(PrefetchState.Present);
        request.Prefetch["conditions"].State.Should().Be(PrefetchState.NoData);
        request.Prefetch["labs"].State.Should().Be(PrefetchState.Failed);
        request.Prefetch["user"].State.Should().Be(PrefetchState.Failed);
        request.Prefetch["medicationRequests"].State.Should().Be(PrefetchState.Failed, "an entry without resourceType is unreadable, so the key is fetched instead");
        request.Prefetch.Should().NotContainKey("medicationStatements");
    }

    [Fact]
    public void Unknown_fields_and_extensions_are_ignored()
    {
        var json = """
            {"hook":"patient-view","hookInstance":"1","somethingNew":[1,2,{"a":null}],
             "extension":{"com.example.timestamp":"2017-11-27T22:13:25Z"},
             "context":{"patientId":"p1","extension":{"x":{"y":1}}}}
            """;

        Requests.Parse(json, HookNames.PatientView).Context.PatientId.Should().Be("p1");
    }

    [Fact]
    public void Fhir_authorization_needs_a_fhir_server_and_never_prints_its_token()
    {
        const string Authorization = "\"fhirAuthorization\":{\"access_token\":\"secret-token-value\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"user/Patient.read\",\"subject\":\"cds\"}";
        var without = """{"hook":"patient-view","hookInstance":"1",AUTH,"context":{"patientId":"p1"}}""".Replace("AUTH", Authorization, StringComparison.Ordinal);
        var with = """{"hook":"patient-view","hookInstance":"1","fhirServer":"https://ehr.example.org/fhir",AUTH,"context":{"patientId":"p1"}}""".Replace("AUTH", Authorization, StringComparison.Ordinal);

        Requests.Errors(without, HookNames.PatientView).Should().ContainSingle().Which.Field.Should().Be("fhirServer");
        var request = Requests.Parse(with, HookNames.PatientView);
        request.FhirAuthorization!.AccessToken.Should().Be("secret-token-value");
        request.ToString().Should().NotContain("secret-token-value");
    }

    [Theory]
    [InlineData("\"ftp://ehr.example.org\"")]
    [InlineData("\"fhir\"")]
    [InlineData("12")]
    public void A_fhir_server_that_is_not_an_http_url_is_refused(string fhirServer)
    {
        var json = """{"hook":"patient-view","hookInstance":"1","fhirServer":SERVER,"context":{"patientId":"p1"}}""".Replace("SERVER", fhirServer, StringComparison.Ordinal);

        Requests.Errors(json, HookNames.PatientView).Should().ContainSingle().Which.Field.Should().Be("fhirServer");
    }

    [Fact]
    public void Deeply_nested_input_is_refused_not_thrown()
    {
        var json = "{\"hook\":\"patient-view\",\"x\":" + new string('[', 400) + new string(']', 400) + "}";

        Requests.Errors(json, HookNames.PatientView).Should().ContainSingle().Which.Field.Should().Be("body");
    }

    [Fact]
    public void Invalid_utf8_is_refused_naming_the_body()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"hook\":\"patient-view\",\"hookInstance\":\"\"}").ToList();
        bytes.InsertRange(10, new byte[] { 0xC3, 0x28 });

        HookRequestParser.Parse(bytes.ToArray(), HookNames.PatientView).Errors.Should().ContainSingle().Which.Field.Should().Be("body");
    }

    // ---- one forward pass: the order of fields does not matter --------------------------------------------------

    [Fact]
    public void Fields_in_any_order_bind_the_same_request()
    {
        const string Draft = """{"resourceType":"MedicationRequest","id":"q1","status":"draft","medicationCodeableConcept":{"text":"quinine"}}""";
        var usual = """
            {"hook":"order-select","hookInstance":"1","context":{"patientId":"p1","selections":["MedicationRequest/q1"],
             "draftOrders":{"resourceType":"Bundle","entry":[{"resource":DRAFT}]}},"prefetch":{"patient":{"resourceType":"Patient","id":"p1"}}}
            """.Replace("DRAFT", Draft, StringComparison.Ordinal);
        var reversed = """
            {"prefetch":{"patient":{"id":"p1","resourceType":"Patient"}},"context":{"draftOrders":{"entry":[{"resource":DRAFT}],"resourceType":"Bundle"},
             "selections":["MedicationRequest/q1"],"patientId":"p1"},"hookInstance":"1","hook":"order-select"}
            """.Replace("DRAFT", Draft, StringComparison.Ordinal);

        var a = Requests.Parse(usual, HookNames.OrderSelect);
        var b = Requests.Parse(reversed, HookNames.OrderSelect);

        b.Context.Selections.Should().Equal(a.Context.Selections);
        b.Context.DraftOrders.Should().ContainSingle().Which.Should().BeEquivalentTo(a.Context.DraftOrders[0]);
        b.Prefetch["patient"].Resource.Should().BeEquivalentTo(a.Prefetch["patient"].Resource);
        Encoding.UTF8.GetString(b.Context.DraftJson["MedicationRequest/q1"].Span).Should().Be(Draft);
    }

    [Fact]
    public void Errors_come_in_the_same_order_whatever_the_order_of_the_fields()
    {
        var fields = new[] { "\"prefetch\":7", "\"context\":{\"patientId\":\"../x\"}", "\"fhirServer\":\"ftp://x\"", "\"hookInstance\":\"\"", "\"hook\":\"order-sign\"" };

        var forward = Requests.Errors("{" + string.Join(",", fields) + "}", HookNames.PatientView).Select(e => e.Field);
        var backward = Requests.Errors("{" + string.Join(",", fields.Reverse()) + "}", HookNames.PatientView).Select(e => e.Field);

        forward.Should().Equal("hook", "hookInstance", "fhirServer", "context.patientId", "prefetch");
        backward.Should().Equal(forward);
    }

    [Fact]
    public void An_unreadable_prefetch_value_does_not_stop_the_keys_and_fields_after_it()
    {
        var json = """
            {"hook":"patient-view","hookInstance":"1",
             "prefetch":{"labs":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","valueQuantity":{"value":"high"}}}],"total":3},
                         "patient":{"resourceType":"Patient","id":"p1","birthDate":"1944-02-01"}},
             "context":{"patientId":"p1"}}
            """;

        var request = Requests.Parse(json, HookNames.PatientView);

        request.Prefetch["labs"].State.Should().Be(PrefetchState.Failed);
        ((Patient)request.Prefetch["patient"].Resource!).BirthDate.Should().Be("1944-02-01");
        request.Context.PatientId.Should().Be("p1");
    }

    [Fact]
    public void Malformed_json_after_an_unreadable_prefetch_value_is_refused_naming_the_body()
    {
        var json = """{"hook":"patient-view","hookInstance":"1","prefetch":{"labs":{"id":"no-type","x":[1,}},"context":{"patientId":"p1"}}""";

        Requests.Errors(json, HookNames.PatientView).Should().ContainSingle().Which.Field.Should().Be("body");
    }

    [Fact]
    public void Malformed_json_after_a_body_that_is_not_an_object_is_named_as_malformed()
    {
        Requests.Errors("[1,2", HookNames.PatientView).Should().ContainSingle().Which.Message.Should().StartWith("is not valid JSON");
    }

    [Fact]
    public void Trailing_content_after_the_body_is_refused_naming_the_body()
    {
        Requests.Errors("""{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"}} {}""", HookNames.PatientView)
            .Should().ContainSingle().Which.Field.Should().Be("body");
    }

    [Fact]
    public void An_unreadable_draft_bundle_is_named_with_the_path_inside_it()
    {
        var json = Requests.OrderHook(HookNames.OrderSign, [Requests.CodedDraft("d1", Requests.QuinineCoding, ",\"dosageInstruction\":[{\"sequence\":\"first\"}]")]);

        var error = Requests.Errors(json, HookNames.OrderSign).Should().ContainSingle().Subject;

        error.Field.Should().Be("context.draftOrders");
        error.Message.Should().Contain("$.entry[0].resource.dosageInstruction[0].sequence");
    }

    [Fact]
    public void Each_draft_keeps_its_own_json_as_sent()
    {
        var first = Requests.CodedDraft("b1", Requests.BaclofenCoding, ",\"note\":[{\"text\":\"x\\u00e9\"}]");
        var second = Requests.CodedDraft("q1", Requests.QuinineCoding);
        var json = Requests.OrderHook(HookNames.OrderSign, [first, """{"resourceType":"ServiceRequest","status":"draft"}""", second]);

        var context = Requests.Parse(json, HookNames.OrderSign).Context;

        context.DraftOrders.Should().HaveCount(3);
        Encoding.UTF8.GetString(context.DraftJson["MedicationRequest/b1"].Span).Should().Be(first);
        Encoding.UTF8.GetString(context.DraftJson["MedicationRequest/q1"].Span).Should().Be(second);
        context.DraftJson.Should().HaveCount(2, "a draft without an id has no key");
    }

    [Fact]
    public void A_duplicated_entry_list_keeps_the_last_one_and_each_draft_its_own_json()
    {
        var first = Requests.CodedDraft("m1", Requests.QuinineCoding);
        var second = Requests.CodedDraft("m2", Requests.BaclofenCoding);
        var json = """{"hook":"order-sign","hookInstance":"1","context":{"patientId":"p1","draftOrders":{"resourceType":"Bundle","entry":[{"resource":FIRST}],"entry":[{"resource":SECOND}]}}}"""
            .Replace("FIRST", first, StringComparison.Ordinal).Replace("SECOND", second, StringComparison.Ordinal);

        var context = Requests.Parse(json, HookNames.OrderSign).Context;

        context.DraftOrders.Should().ContainSingle().Which.Id.Should().Be("m2");
        Encoding.UTF8.GetString(context.DraftJson["MedicationRequest/m2"].Span).Should().Be(second);
    }

    [Fact]
    public void A_duplicated_fhir_authorization_counts_as_its_last_value_whole()
    {
        var json = """{"hook":"patient-view","hookInstance":"1","fhirServer":"https://ehr.example.org/fhir","fhirAuthorization":{"access_token":"abc"},"fhirAuthorization":{"scope":"s"},"context":{"patientId":"p1"}}""";

        Requests.Errors(json, HookNames.PatientView).Should().ContainSingle().Which.Field.Should().Be("fhirAuthorization.access_token");
    }

    [Fact]
    public void An_unknown_context_field_whose_name_no_string_can_hold_is_ignored_like_any_unknown_field()
    {
        var json = """{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1","\udc00":{"x":1}}}""";

        Requests.Parse(json, HookNames.PatientView).Context.PatientId.Should().Be("p1");
    }

    [Fact]
    public void Context_names_written_with_escapes_are_the_same_names()
    {
        var json = """{"hook":"patient-view","hookInstance":"1","context":{"\u0070atientId":"p1","user\u0049d":"Practitioner/1"}}""";

        var context = Requests.Parse(json, HookNames.PatientView).Context;

        context.PatientId.Should().Be("p1");
        context.UserId.Should().Be("Practitioner/1");
        context.TokenValues["patientId"].Should().Be("p1");
    }

    [Fact]
    public void A_duplicated_prefetch_key_keeps_its_last_value()
    {
        var json = """{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"},"prefetch":{"patient":null,"labs":null,"patient":{"resourceType":"Patient","id":"p2"}}}""";

        var prefetch = Requests.Parse(json, HookNames.PatientView).Prefetch;

        prefetch.Should().HaveCount(2);
        prefetch.Keys.Should().Equal("patient", "labs");
        ((Patient)prefetch["patient"].Resource!).Id.Should().Be("p2");
    }

    [Fact]
    public void Prefetch_keys_written_with_escapes_or_unknown_to_the_services_are_found_as_sent()
    {
        var json = """{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"},"prefetch":{"\u006cabs":null,"labsX":null,"lab":null}}""";

        var prefetch = Requests.Parse(json, HookNames.PatientView).Prefetch;

        prefetch.Keys.Should().Equal("labs", "labsX", "lab");
        prefetch.Should().ContainKey("labs").And.NotContainKey("patient");
    }

    [Fact]
    public void A_prefetch_of_many_keys_finds_each_one()
    {
        var keys = Enumerable.Range(0, 20).Select(i => $"key{i}").ToArray();
        var json = """{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"},"prefetch":{KEYS,"key3":{"resourceType":"Patient","id":"p1"}}}"""
            .Replace("KEYS", string.Join(",", keys.Select(k => $"\"{k}\":null")), StringComparison.Ordinal);

        var prefetch = Requests.Parse(json, HookNames.PatientView).Prefetch;

        prefetch.Keys.Should().Equal(keys, "a key given twice keeps its first place");
        prefetch.Should().OnlyContain(p => p.Value.State == (p.Key == "key3" ? PrefetchState.Present : PrefetchState.NoData));
        prefetch.TryGetValue("key20", out _).Should().BeFalse();
    }

    [Fact]
    public void A_duplicated_context_field_keeps_its_last_value_for_the_context_and_its_tokens()
    {
        var json = """{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1","userId":"u1","patientId":"p2","n":1,"n":true}}""";

        var context = Requests.Parse(json, HookNames.PatientView).Context;

        context.PatientId.Should().Be("p2");
        context.TokenValues.Should().Equal(new Dictionary<string, string> { ["patientId"] = "p2", ["userId"] = "u1", ["n"] = "true" });
    }

    [Fact]
    public void Selections_keep_their_order_and_a_non_string_one_is_refused_naming_its_index()
    {
        var drafts = new[] { Requests.CodedDraft("q1", Requests.QuinineCoding), Requests.CodedDraft("b1", Requests.BaclofenCoding) };
        var json = Requests.OrderHook(HookNames.OrderSelect, drafts, ["MedicationRequest/b1", "MedicationRequest/q1"]);

        var context = Requests.Parse(json, HookNames.OrderSelect).Context;

        context.Selections.Should().Equal("MedicationRequest/b1", "MedicationRequest/q1");
        context.DraftJson.Keys.Should().Equal("MedicationRequest/q1", "MedicationRequest/b1");
        Requests.Errors(json.Replace("\"MedicationRequest/q1\"]", "{\"a\":[1]},null]", StringComparison.Ordinal), HookNames.OrderSelect)
            .Select(e => e.Field).Should().Equal("context.selections[1]", "context.selections[2]");
    }

    [Fact]
    public void A_duplicated_selections_array_keeps_its_last_value()
    {
        var json = Requests.OrderHook(HookNames.OrderSelect, [Requests.CodedDraft("q1", Requests.QuinineCoding)], ["MedicationRequest/other"])
            .Replace("\"selections\":", "\"selections\":[\"MedicationRequest/q1\"],\"selections\":", StringComparison.Ordinal);
        var last = json.Replace("\"selections\":[\"MedicationRequest/q1\"],\"selections\":[\"MedicationRequest/other\"]", "\"selections\":[\"MedicationRequest/other\"],\"selections\":[\"MedicationRequest/q1\"]", StringComparison.Ordinal);

        Requests.Errors(json, HookNames.OrderSelect).Should().ContainSingle().Which.Field.Should().Be("context.selections[0]");
        Requests.Parse(last, HookNames.OrderSelect).Context.Selections.Should().Equal("MedicationRequest/q1");
    }

    [Fact]
    public void An_empty_draft_bundle_has_no_drafts_and_no_draft_json()
    {
        var context = Requests.Parse(Requests.OrderHook(HookNames.OrderSign, []), HookNames.OrderSign).Context;

        context.DraftOrders.Should().BeEmpty();
        context.DraftJson.Should().BeEmpty();
    }
}
