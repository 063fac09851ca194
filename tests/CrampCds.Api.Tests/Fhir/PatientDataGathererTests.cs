using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using CrampCds.TestSupport;
using FluentAssertions;
using Microsoft.AspNetCore.Http;

namespace CrampCds.Api.Tests.Fhir;

/// <summary>
/// Where the data comes from: prefetch per key (present, null, absent, OperationOutcome), else the EHR's FHIR
/// server with its token, all in parallel, paged, under one deadline; and what the clinician is told when some of
/// it could not be read.
/// </summary>
public sealed class PatientDataGathererTests
{
    private const string Token = "tok-8c1f5e";
    private const string Bearer = "Bearer " + Token;

    private static JsonObject DataUnavailable(IEnumerable<JsonObject> cards)
    {
        var card = cards.OnlyCard(Answers.DataUnavailableRule);
        ((string?)card["indicator"]).Should().Be("info");
        ((string?)card["summary"]).Should().Contain("could not be read");
        return card;
    }

    // ---- prefetch, key by key -----------------------------------------------------------------------------------

    [Fact]
    public async Task With_all_five_keys_prefetched_the_FHIR_server_is_never_called()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch().PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_null_key_means_no_data_so_it_is_neither_fetched_nor_reported_missing()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch()
            .WithPrefetch("conditions", null)
            .WithPrefetch("medicationStatements", null)
            .PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_absent_key_is_fetched_with_the_EHR_bearer_token()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);

        (await response.ReadCardsAsync()).ShouldNotFlagQuinine("the fetched conditions show malaria");
        var request = stub.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/Condition");
        request.QueryValue("patient").Should().Be(HookCall.DefaultPatientId);
        request.QueryValue("clinical-status").Should().Be("active,recurrence,relapse");
        request.Authorization.Should().Be(Bearer);
    }

    [Fact]
    public async Task Every_absent_key_is_fetched_with_the_service_own_query_for_the_patient_in_context()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.PatientView("pat-7").WithFhirServer(stub.BaseUrl, Token).PostAsync(client);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        stub.Requests.Select(r => r.Path).Should().BeEquivalentTo(["/Patient/pat-7", "/MedicationRequest", "/MedicationStatement", "/Observation", "/Condition"]);
        stub.Requests.Where(r => r.Path != "/Patient/pat-7").Should().OnlyContain(r => r.QueryValue("patient") == "pat-7");
        stub.Requests.Single(r => r.Path == "/MedicationRequest").QueryValue("status").Should().Be("active,on-hold");
        var labs = stub.Requests.Single(r => r.Path == "/Observation");
        labs.QueryValue("code").Should().Contain("http://loinc.org|2823-3").And.Contain("http://loinc.org|98979-8");
        labs.QueryValue("_sort").Should().Be("-date");
        stub.Requests.Should().OnlyContain(r => r.Authorization == Bearer);
    }

    [Theory]
    [InlineData("an OperationOutcome", """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]}""")]
    [InlineData("a searchset carrying an error OperationOutcome", """{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"fatal","code":"exception"}]}}]}""")]
    [InlineData("an unreadable resource", """{"resourceType":"Bundle","entry":{"resource":42}}""")]
    [InlineData("an array", "[]")]
    [InlineData("a string", "\"Condition?patient=p1\"")]
    public async Task A_key_holding_something_other_than_data_is_fetched(string description, string prefetched)
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch()
            .WithPrefetch("conditions", JsonNode.Parse(prefetched))
            .PostAsync(client);

        (await response.ReadCardsAsync()).ShouldNotFlagQuinine("conditions held {0}, so they were fetched, and they show malaria", description);
        stub.Requests.Select(r => r.Path).Should().Equal("/Condition");
    }

    [Fact]
    public async Task A_searchset_carrying_only_a_warning_OperationOutcome_is_used_as_it_is()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var warning = FhirResources.OperationOutcome();
        warning["issue"]![0]!["severity"] = "warning";

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch()
            .WithPrefetch("conditions", FhirResources.Bundle(FhirResources.MalariaCondition(), warning))
            .PostAsync(client);

        (await response.ReadCardsAsync()).ShouldNotFlagQuinine();
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_fhirAuthorization_the_fetch_is_anonymous()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl).WithPrefetchExcept("conditions", "labs").PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
        stub.Requests.Should().HaveCount(2).And.OnlyContain(r => r.Authorization == null);
    }

    [Fact]
    public async Task An_absent_key_without_a_fhirServer_is_named_in_the_data_card_and_quinine_is_still_checked()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithPrefetchExcept("conditions").PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData();
        var detail = (string?)DataUnavailable(cards)["detail"];
        detail.Should().Contain("active conditions").And.Contain("no FHIR server");
        detail.Should().Contain("Quinine order", "the quinine check reads conditions (malaria)");
    }

    // ---- a real patient record, fetched ---------------------------------------------------------------------------

    private const string Adalberto = "Adalberto_Hartmann_44ec4447-9e2c-4eb9-bd4f-0bdb416b806e.json";

    private static async Task<(FhirStub Stub, string PatientId)> SyntheaStubAsync(string file)
    {
        var stub = await FhirStub.StartAsync("/fhir");
        var resources = stub.AddBundleFile(SharedData.Path("fhir-data", "synthea", file));
        var patientId = (string)resources.Single(r => (string?)r["resourceType"] == "Patient")["id"]!;
        return (stub, patientId);
    }

    [SharedDataFact]
    public async Task A_Synthea_patient_is_fetched_in_parallel_with_the_token_and_the_quinine_order_gets_its_card()
    {
        var (stub, patientId) = await SyntheaStubAsync(Adalberto);
        await using var _ = stub;
        stub.Delay = TimeSpan.FromMilliseconds(300);
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:TimeoutMs", "10000"), ("CrampCds:Fhir:AttemptTimeoutMs", "10000"));
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(patientId, FhirResources.QuinineDraft("rx-1")).WithFhirServer(stub.BaseUrl, Token).PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinine("all data was readable, so there is no data-unavailable card");
        ((string?)cards[0]["indicator"]).Should().Be("critical");
        stub.Requests.Should().OnlyContain(r => r.Authorization == Bearer);
        stub.Requests.Select(r => r.Path).Should().Contain(["/fhir/Patient/" + patientId, "/fhir/MedicationRequest", "/fhir/MedicationStatement", "/fhir/Observation", "/fhir/Condition"]);
        stub.MaxInFlight.Should().BeGreaterThanOrEqualTo(4, "the five category queries run at the same time");
    }

    [SharedDataFact]
    public async Task Patient_view_of_a_Synthea_patient_reads_everything_and_reports_no_missing_data()
    {
        var (stub, patientId) = await SyntheaStubAsync(Adalberto);
        await using var _ = stub;
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:TimeoutMs", "10000"), ("CrampCds:Fhir:AttemptTimeoutMs", "10000"));
        using var client = app.CreateClient();

        using var response = await HookCall.PatientView(patientId).WithFhirServer(stub.BaseUrl, Token).PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.RuleIds().Should().NotContain(Answers.DataUnavailableRule);
        stub.Requests.Should().HaveCountGreaterThanOrEqualTo(5);
    }

    // ---- paging -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Search_pages_are_followed_so_a_malaria_diagnosis_on_the_last_page_suppresses_the_card()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.PageSize = 1;
        stub.Add(FhirResources.HypertensionCondition("c1"), FhirResources.HypertensionCondition("c2"), FhirResources.MalariaCondition("c3"));
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);

        (await response.ReadCardsAsync()).ShouldNotFlagQuinine("the last page shows malaria");
        stub.Requests.Select(r => r.QueryValue("_page") ?? "1").Should().Equal("1", "2", "3");
        stub.Requests.Should().OnlyContain(r => r.Authorization == Bearer, "later pages carry the token too");
    }

    [Fact]
    public async Task More_pages_than_MaxPages_are_reported_as_incomplete_and_quinine_still_fires()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.PageSize = 1;
        stub.Add(FhirResources.HypertensionCondition("c1"), FhirResources.HypertensionCondition("c2"), FhirResources.MalariaCondition("c3"));
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:MaxPages", "2"));
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData();
        ((string?)DataUnavailable(cards)["detail"]).Should().Contain("active conditions");
        stub.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_next_link_to_another_host_or_port_is_never_followed()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var elsewhere = await FhirStub.StartAsync();
        elsewhere.Add(FhirResources.MalariaCondition());
        var page = FhirResources.Bundle(FhirResources.HypertensionCondition("c1"));
        page["link"] = new JsonArray { new JsonObject { ["relation"] = "next", ["url"] = $"{elsewhere.BaseUrl}Condition?patient=p1&_page=2" } };
        stub.RespondWithBody("/Condition", page.ToJsonString());
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData();
        elsewhere.Requests.Should().BeEmpty("a next link off the EHR's server would send its token elsewhere");
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task A_paged_prefetch_is_completed_from_the_FHIR_server()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.PageSize = 1;
        stub.Add(FhirResources.HypertensionCondition("c1"), FhirResources.MalariaCondition("c2"));
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var firstPage = FhirResources.Bundle(FhirResources.HypertensionCondition("c1"));
        firstPage["link"] = new JsonArray { new JsonObject { ["relation"] = "next", ["url"] = $"{stub.BaseUrl}Condition?patient=p1&_page=2" } };

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch()
            .WithPrefetch("conditions", firstPage)
            .PostAsync(client);

        (await response.ReadCardsAsync()).ShouldNotFlagQuinine("the second page shows malaria");
        var request = stub.Requests.Should().ContainSingle().Subject;
        request.QueryValue("_page").Should().Be("2");
        request.Authorization.Should().Be(Bearer);
    }

    [Fact]
    public async Task A_paged_prefetch_whose_next_link_is_off_the_FHIR_server_is_reported_incomplete()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var elsewhere = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var firstPage = FhirResources.Bundle(FhirResources.HypertensionCondition("c1"));
        firstPage["link"] = new JsonArray { new JsonObject { ["relation"] = "next", ["url"] = $"{elsewhere.BaseUrl}Condition?patient=p1&_page=2" } };

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch()
            .WithPrefetch("conditions", firstPage)
            .PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinineAndMissingData();
        elsewhere.Requests.Should().BeEmpty();
        stub.Requests.Should().BeEmpty();
    }

    // ---- a slow or failing server ---------------------------------------------------------------------------------

    [Fact]
    public async Task A_stalled_FHIR_server_costs_at_most_the_budget_and_the_quinine_card_still_comes()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Stall("*", TimeSpan.FromSeconds(10));
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:TimeoutMs", "500"));
        using var client = app.CreateClient();
        var call = HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token);

        var clock = Stopwatch.StartNew();
        using var response = await call.PostAsync(client);
        clock.Stop();

        var cards = await response.ReadCardsAsync();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        cards.ShouldFlagQuinineAndMissingData();
        ((string?)DataUnavailable(cards)["detail"]).Should().Contain("did not answer in time");
        stub.Requests.Should().HaveCount(5);
    }

    [Fact]
    public async Task A_FHIR_server_that_sends_headers_then_stalls_the_body_costs_at_most_the_budget()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.On("*", async context =>
        {
            context.Response.ContentType = "application/fhir+json";
            await context.Response.WriteAsync("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        });
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:TimeoutMs", "500"));
        using var client = app.CreateClient();

        var clock = Stopwatch.StartNew();
        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);
        clock.Stop();

        var cards = await response.ReadCardsAsync();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        cards.ShouldFlagQuinineAndMissingData();
        ((string?)DataUnavailable(cards)["detail"]).Should().Contain("did not answer in time");
    }

    [Fact]
    public async Task Patient_view_against_a_stalled_FHIR_server_answers_412_within_the_budget()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Stall("*", TimeSpan.FromSeconds(10));
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:TimeoutMs", "500"));
        using var client = app.CreateClient();

        var clock = Stopwatch.StartNew();
        using var response = await HookCall.PatientView().WithFhirServer(stub.BaseUrl, Token).PostAsync(client);
        clock.Stop();

        response.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/fhir+json");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_FHIR_server_that_is_down_is_named_in_the_data_card()
    {
        Uri down;
        await using (var stopped = await FhirStub.StartAsync())
        {
            down = stopped.BaseUrl;
        }

        await using var app = new CrampCdsApplication(down);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(down, Token).WithPrefetchExcept("conditions").PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData();
        ((string?)DataUnavailable(cards)["detail"]).Should().Contain("could not be reached");
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "returned an error")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "returned an error")]
    [InlineData(HttpStatusCode.Unauthorized, "refused access")]
    [InlineData(HttpStatusCode.Forbidden, "refused access")]
    public async Task A_failing_search_is_named_in_the_data_card_and_quinine_still_fires(HttpStatusCode status, string reason)
    {
        await using var stub = await FhirStub.StartAsync();
        stub.RespondWithStatus("/Condition", status);
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData();
        ((string?)DataUnavailable(cards)["detail"]).Should().Contain("active conditions").And.Contain(reason);
    }

    [Fact]
    public async Task A_search_answered_404_is_named_in_the_data_card()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.RespondWithStatus("/Condition", HttpStatusCode.NotFound);
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData("a malaria diagnosis may be there: the quinine check could not look");
        ((string?)DataUnavailable(cards)["detail"]).Should().Contain("active conditions");
    }

    [Fact]
    public async Task A_Patient_that_the_server_does_not_have_is_no_data_not_an_error()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("patient").PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
        stub.Requests.Select(r => r.Path).Should().Equal("/Patient/p1");
    }

    [Theory]
    [InlineData("<html><body>Login required</body></html>", "text/html")]
    [InlineData("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"exception\"}]}", "application/fhir+json")]
    [InlineData("{\"resourceType\":\"Bundle\",\"entry\":", "application/fhir+json")]
    [InlineData("", "application/fhir+json")]
    public async Task A_search_answered_with_something_that_is_not_the_data_is_named_in_the_data_card(string body, string contentType)
    {
        await using var stub = await FhirStub.StartAsync();
        stub.RespondWithBody("/Condition", body, HttpStatusCode.OK, contentType);
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData();
        ((string?)DataUnavailable(cards)["detail"]).Should().Contain("active conditions");
    }

    [Fact]
    public async Task A_FHIR_server_that_drops_the_connection_is_named_in_the_data_card()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.On("/Condition", context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData();
    }

    [Fact]
    public async Task A_redirect_from_the_FHIR_server_is_not_followed()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var elsewhere = await FhirStub.StartAsync();
        elsewhere.Add(FhirResources.MalariaCondition());
        stub.On("/Condition", context =>
        {
            context.Response.Redirect($"{elsewhere.BaseUrl}Condition?patient=p1");
            return Task.CompletedTask;
        });
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("conditions").PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinineAndMissingData();
        elsewhere.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("tok\r\nX-Injected: 1")]
    [InlineData("tok\nX-Injected: 1")]
    [InlineData("tok\u0000x")]
    [InlineData("tökén")]
    [InlineData("a b")]
    public async Task A_token_that_is_not_an_rfc6750_bearer_token_is_400_naming_it_and_never_sent(string accessToken)
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, accessToken).WithPrefetchExcept("conditions").PostAsync(client);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadAsStringAsync()).Should().Contain("fhirAuthorization.access_token");
        stub.Requests.Should().BeEmpty();
    }

    // ---- medicationReference ------------------------------------------------------------------------------------

    [Fact]
    public async Task A_draft_referencing_a_contained_quinine_Medication_gets_the_card()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var draft = FhirResources.DraftWithMedicationReference("rx", "#q", FhirResources.QuinineMedication("q"));

        using var response = await HookCall.OrderSelect(draft).WithCompletePrefetch().PostAsync(client);

        var card = (await response.ReadCardsAsync()).OnlyCard(Answers.QuinineRule);
        ((string?)card["summary"]).Should().Contain("quinine sulfate 324 MG Oral Capsule");
    }

    [Fact]
    public async Task A_draft_referencing_a_quinine_Medication_in_the_draftOrders_Bundle_gets_the_card()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var draft = FhirResources.DraftWithMedicationReference("rx", "Medication/q1");

        using var response = await HookCall.OrderSelect(["MedicationRequest/rx"], draft, FhirResources.QuinineMedication("q1"))
            .WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch().PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
        stub.Requests.Should().BeEmpty("the Medication came with the drafts");
    }

    [Fact]
    public async Task A_draft_referencing_a_Medication_only_the_FHIR_server_has_reads_it_and_gets_the_card()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.QuinineMedication("q1"));
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var draft = FhirResources.DraftWithMedicationReference("rx", "Medication/q1");

        using var response = await HookCall.OrderSelect(draft).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch().PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
        var read = stub.Requests.Should().ContainSingle().Subject;
        read.PathAndQuery.Should().Be("/Medication/q1");
        read.Authorization.Should().Be(Bearer);
    }

    [Fact]
    public async Task An_active_order_in_the_fetched_list_referencing_a_Medication_causes_that_Medication_to_be_read()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.ActiveMedicationRequest("active-1", "Medication/x"), FhirResources.Medication("x", FhirResources.BaclofenConcept()));
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token).WithPrefetchExcept("medicationRequests").PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
        stub.Requests.Select(r => r.Path).Should().Equal("/MedicationRequest", "/Medication/x");
    }

    [Fact]
    public async Task A_medicationReference_with_a_full_URL_to_another_server_is_read_from_the_EHR_server_only()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var elsewhere = await FhirStub.StartAsync();
        stub.Add(FhirResources.QuinineMedication("q1"));
        elsewhere.Add(FhirResources.QuinineMedication("q1"));
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var draft = FhirResources.DraftWithMedicationReference("rx", $"{elsewhere.BaseUrl}Medication/q1");

        using var response = await HookCall.OrderSelect(draft).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch().PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
        stub.Requests.Select(r => r.PathAndQuery).Should().Equal("/Medication/q1");
        elsewhere.Requests.Should().BeEmpty("the token is for the EHR's server only");
    }

    [Theory]
    [InlineData("Medication/../Patient/p1")]
    [InlineData("Medication/q1?_format=xml")]
    [InlineData("Medication/%2e%2e%2fPatient%2fp1")]
    [InlineData("Medication/")]
    [InlineData("Patient/p1")]
    [InlineData("urn:uuid:0d5f1a3c-2b7d-4c1a-9f2e-7d1b6c0a9e41")]
    public async Task A_medicationReference_that_is_not_a_Medication_id_is_never_requested(string reference)
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var draft = FhirResources.DraftWithMedicationReference("rx", reference);

        using var response = await HookCall.OrderSelect(draft).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch().PostAsync(client);

        ((int)response.StatusCode).Should().Be(200, await response.Content.ReadAsStringAsync());
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_referenced_Medication_the_server_does_not_have_is_named_in_the_data_card()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var draft = FhirResources.DraftWithMedicationReference("rx", "Medication/gone");

        using var response = await HookCall.OrderSelect(draft).WithFhirServer(stub.BaseUrl, Token).WithCompletePrefetch().PostAsync(client);

        var cards = await response.ReadCardsAsync();
        ((string?)DataUnavailable(cards)["detail"]).Should().Contain("a medication an order references could not be read");
        stub.Requests.Select(r => r.Path).Should().Equal("/Medication/gone");
    }

    [Fact]
    public async Task A_referenced_Medication_that_cannot_be_read_because_there_is_no_fhirServer_is_named_in_the_data_card()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var draft = FhirResources.DraftWithMedicationReference("rx", "Medication/q1");

        using var response = await HookCall.OrderSelect(draft).WithCompletePrefetch().PostAsync(client);

        var cards = await response.ReadCardsAsync();
        ((string?)DataUnavailable(cards)["detail"]).Should().Contain("a medication an order references could not be read",
            "the draft could be quinine: the clinician must be told it was not checked");
    }
}
