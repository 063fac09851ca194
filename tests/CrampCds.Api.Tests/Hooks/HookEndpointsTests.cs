using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace CrampCds.Api.Tests.Hooks;

/// <summary>POST /cds-services/{id}: what a client gets for a bad call (never a 500) and what it may add freely.</summary>
public sealed class HookEndpointsTests
{
    private static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, string serviceId, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync($"/cds-services/{serviceId}", content);
    }

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string serviceId, string body) =>
        PostRawAsync(client, serviceId, Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task Unknown_service_id_is_404_problem()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().SendTo("no-such-service").PostAsync(client);

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        ((string?)problem["detail"]).Should().Contain("no-such-service");
    }

    [Fact]
    public async Task A_service_url_with_a_doubled_slash_as_the_sandbox_builds_it_is_answered()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var call = HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch();

        using var response = await client.PostAsync($"/cds-services//{HookCall.OrderSignId}", new StringContent(call.Body.ToJsonString(), Encoding.UTF8, "application/json"));

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
    }

    [Fact]
    public async Task A_service_url_with_a_trailing_slash_is_answered()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var call = HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch();

        using var response = await client.PostAsync($"/cds-services/{HookCall.OrderSignId}/", new StringContent(call.Body.ToJsonString(), Encoding.UTF8, "application/json"));

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
    }

    [Fact]
    public async Task Malformed_json_is_400_naming_the_body()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await PostRawAsync(client, HookCall.OrderSignId, """{"hook": "order-sign", "context": {""");

        (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Should().Equal("body");
    }

    [Fact]
    public async Task A_body_for_another_hook_is_400_naming_hook()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().SendTo(HookCall.OrderSelectId).PostAsync(client);

        (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Should().Contain("hook");
    }

    [Fact]
    public async Task Missing_patientId_is_400_naming_context_patientId()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.PatientView().WithCompletePrefetch().With(b => b["context"]!.AsObject().Remove("patientId")).PostAsync(client);

        (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Should().Contain("context.patientId");
    }

    [Fact]
    public async Task Order_select_without_draftOrders_is_400_naming_context_draftOrders()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSelect(FhirResources.QuinineDraft()).WithCompletePrefetch()
            .With(b => b["context"]!.AsObject().Remove("draftOrders")).PostAsync(client);

        (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Should().Contain("context.draftOrders");
    }

    [Fact]
    public async Task Order_select_whose_draftOrders_is_not_a_Bundle_is_400_naming_context_draftOrders()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSelect(FhirResources.QuinineDraft()).WithCompletePrefetch()
            .With(b => b["context"]!["draftOrders"] = FhirResources.QuinineDraft()).PostAsync(client);

        (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Should().Contain("context.draftOrders");
    }

    [Fact]
    public async Task Order_select_whose_selection_names_no_draft_is_400_naming_that_selection()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSelect(["MedicationRequest/not-in-the-bundle"], FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);

        (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Should().Equal("context.selections[0]");
    }

    [Fact]
    public async Task A_body_over_MaxBodyBytes_is_413()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Limits:MaxBodyBytes", "2048"));
        using var client = app.CreateClient();
        var body = HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch()
            .With(b => b["padding"] = new string('x', 4096)).Body.ToJsonString();

        using var response = await PostRawAsync(client, HookCall.OrderSignId, body);

        await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_chunked_body_over_MaxBodyBytes_without_Content_Length_is_413()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Limits:MaxBodyBytes", "2048"));
        using var client = app.CreateClient();
        var body = HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch()
            .With(b => b["padding"] = new string('x', 4096)).Body.ToJsonString();
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{HookCall.OrderSignId}") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_body_just_under_MaxBodyBytes_is_answered()
    {
        var call = HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch();
        var size = Encoding.UTF8.GetByteCount(call.Body.ToJsonString());
        await using var app = new CrampCdsApplication(null, ("CrampCds:Limits:MaxBodyBytes", size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var client = app.CreateClient();

        using var response = await call.PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
    }

    [Fact]
    public async Task Unknown_fields_and_extensions_anywhere_are_accepted()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var extension = new JsonObject { ["com.example.ehr.flag"] = true, ["com.example.ehr.nested"] = new JsonObject { ["a"] = new JsonArray(1, 2) } };
        var draft = FhirResources.QuinineDraft();
        draft["extension"] = new JsonArray { new JsonObject { ["url"] = "http://example.org/ext", ["valueString"] = "x" } };
        draft["meta"] = new JsonObject { ["versionId"] = "1" };
        draft["_status"] = new JsonObject { ["id"] = "s" };
        var call = HookCall.OrderSign(draft).WithCompletePrefetch()
            .With(b =>
            {
                b["extension"] = extension.DeepClone();
                b["somethingNew"] = "from CDS Hooks 3.0";
                b["context"]!["extension"] = extension.DeepClone();
                b["context"]!["encounterId"] = "e1";
                b["context"]!["somethingElse"] = new JsonArray("x");
                b["prefetch"]!["patient"]!["extension"] = new JsonArray { new JsonObject { ["url"] = "http://example.org/race", ["valueString"] = "x" } };
                b["prefetch"]!["unrelatedKey"] = new JsonObject { ["resourceType"] = "Encounter", ["id"] = "e1" };
            });

        using var response = await call.PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
    }

    public static TheoryData<string, string> HostileBodies()
    {
        const string drafts = """{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","id":"a","medicationCodeableConcept":{"text":"quinine"}}}]}""";
        var data = new TheoryData<string, string>
        {
            { "an array", "[]" },
            { "a number", "42" },
            { "a string", "\"x\"" },
            { "null", "null" },
            { "empty", "" },
            { "whitespace", "   " },
            { "hook is a number", """{"hook":5}""" },
            { "context is an array", """{"hook":"order-select","hookInstance":"i","context":[]}""" },
            { "context is a string", """{"hook":"order-select","hookInstance":"i","context":"p1"}""" },
            { "200 nested arrays", "{\"hook\":\"order-select\",\"hookInstance\":\"i\",\"context\":{\"patientId\":\"p1\",\"deep\":" + new string('[', 200) + new string(']', 200) + "}}" },
            { "200 nested objects in draftOrders", "{\"hook\":\"order-select\",\"hookInstance\":\"i\",\"context\":{\"patientId\":\"p1\",\"selections\":[],\"draftOrders\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200) + "}}" },
            { "prefetch is a string", $$"""{"hook":"order-select","hookInstance":"i","context":{"patientId":"p1","selections":["MedicationRequest/a"],"draftOrders":{{drafts}}},"prefetch":"everything"}""" },
            { "a draft entry with resource null", """{"hook":"order-select","hookInstance":"i","context":{"patientId":"p1","selections":["MedicationRequest/a"],"draftOrders":{"resourceType":"Bundle","entry":[{"resource":null}]}}}""" },
            { "draftOrders entries that are not objects", """{"hook":"order-select","hookInstance":"i","context":{"patientId":"p1","selections":["MedicationRequest/a"],"draftOrders":{"resourceType":"Bundle","entry":[1,"x",[]]}}}""" },
            { "a draft without resourceType", """{"hook":"order-select","hookInstance":"i","context":{"patientId":"p1","selections":["MedicationRequest/a"],"draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"id":"a"}}]}}}""" },
            { "draftOrders resourceType is a number", """{"hook":"order-select","hookInstance":"i","context":{"patientId":"p1","selections":[],"draftOrders":{"resourceType":7}}}""" },
            { "selections holding numbers", """{"hook":"order-select","hookInstance":"i","context":{"patientId":"p1","selections":[1,2.5,null],"draftOrders":""" + drafts + "}}" },
            { "selections is an object", """{"hook":"order-select","hookInstance":"i","context":{"patientId":"p1","selections":{"a":1},"draftOrders":""" + drafts + "}}" },
            { "a 1 MB patientId", "{\"hook\":\"order-select\",\"hookInstance\":\"i\",\"context\":{\"patientId\":\"" + new string('a', 1 << 20) + "\"}}" },
            { "a patientId with a path", """{"hook":"patient-view","hookInstance":"i","context":{"patientId":"../Patient/x?_include=*"}}""" },
            { "patientId is a number", """{"hook":"patient-view","hookInstance":"i","context":{"patientId":12}}""" },
            { "fhirServer is not a URL", """{"hook":"patient-view","hookInstance":"i","fhirServer":"not a url","context":{"patientId":"p1"}}""" },
            { "fhirServer is a file URL", """{"hook":"patient-view","hookInstance":"i","fhirServer":"file:///etc/passwd","context":{"patientId":"p1"}}""" },
            { "fhirAuthorization without a token", """{"hook":"patient-view","hookInstance":"i","fhirServer":"https://ehr.example.org/fhir","fhirAuthorization":{"token_type":"Bearer"},"context":{"patientId":"p1"}}""" },
            { "fhirAuthorization is a string", """{"hook":"patient-view","hookInstance":"i","fhirServer":"https://ehr.example.org/fhir","fhirAuthorization":"token","context":{"patientId":"p1"}}""" },
            { "a MAC token", """{"hook":"patient-view","hookInstance":"i","fhirServer":"https://ehr.example.org/fhir","fhirAuthorization":{"access_token":"t","token_type":"MAC"},"context":{"patientId":"p1"}}""" },
            { "a duplicated hook", """{"hook":"order-select","hook":5,"hookInstance":"i","context":{"patientId":"p1"}}""" },
            { "a trailing comma", """{"hook":"patient-view","hookInstance":"i","context":{"patientId":"p1"},}""" },
            { "a comment", """{"hook":"patient-view", /* x */ "hookInstance":"i","context":{"patientId":"p1"}}""" },
            { "two JSON values", """{"hook":"patient-view","hookInstance":"i","context":{"patientId":"p1"}} {}""" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Hostile_bodies_are_refused_with_4xx_never_500(string description, string body)
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var serviceId = body.Contains("patient-view", StringComparison.Ordinal) ? HookCall.PatientViewId : HookCall.OrderSelectId;

        using var response = await PostRawAsync(client, serviceId, body);

        ((int)response.StatusCode).Should().BeInRange(400, 499, "{0} must be refused as bad input: {1}", description, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Invalid_UTF8_bytes_are_refused_with_4xx_never_500()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var body = Encoding.UTF8.GetBytes("""{"hook":"patient-view","hookInstance":"XX","context":{"patientId":"p1"}}""");
        var at = Array.IndexOf(body, (byte)'X');
        body[at] = 0xC3;
        body[at + 1] = 0x28; // 0xC3 must be followed by a continuation byte.

        using var response = await PostRawAsync(client, HookCall.PatientViewId, body);

        ((int)response.StatusCode).Should().BeInRange(400, 499, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_prefetch_resource_is_never_a_500()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var body = Encoding.UTF8.GetBytes(HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch()
            .With(b => b["prefetch"]!["patient"]!["gender"] = "XX").Body.ToJsonString());
        var at = Array.IndexOf(body, (byte)'X');
        body[at] = 0xFF;
        body[at + 1] = 0xFE;

        using var response = await PostRawAsync(client, HookCall.OrderSignId, body);

        ((int)response.StatusCode).Should().NotBe(500, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_order_sign_with_a_resource_null_draft_entry_is_answered_with_no_cards()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign().WithCompletePrefetch()
            .With(b => b["context"]!["draftOrders"]!["entry"] = new JsonArray { new JsonObject { ["resource"] = null } })
            .PostAsync(client);

        (await response.ReadCardsAsync()).Should().BeEmpty();
    }
}
