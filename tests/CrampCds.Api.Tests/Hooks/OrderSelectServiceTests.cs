using System.Text.Json.Nodes;
using CrampCds.Api.Tests.Fhir;
using FluentAssertions;

namespace CrampCds.Api.Tests.Hooks;

/// <summary>crampcds-order-select as the CDS Hooks sandbox and real EHRs call it.</summary>
public sealed class OrderSelectServiceTests
{
    /// <summary>The R4 draft the sandbox builds (PEERS.md §2.12): reasonCode and category as single objects, dose as a pill count.</summary>
    private static JsonObject SandboxDraft(string rxnorm, string display) => new()
    {
        ["resourceType"] = "MedicationRequest",
        ["id"] = "request-123",
        ["status"] = "draft",
        ["intent"] = "order",
        ["authoredOn"] = "2026-11-20",
        ["subject"] = new JsonObject { ["reference"] = "Patient/smart-1288992" },
        ["category"] = new JsonObject { ["coding"] = new JsonArray { FhirResources.Coding("http://terminology.hl7.org/CodeSystem/medicationrequest-category", "outpatient") } },
        ["reasonCode"] = new JsonObject { ["coding"] = new JsonArray { FhirResources.Coding(FhirResources.Snomed, "449918009", "Cramp in lower leg") } },
        ["medicationCodeableConcept"] = new JsonObject
        {
            ["text"] = display,
            ["coding"] = new JsonArray { FhirResources.Coding(FhirResources.RxNorm, rxnorm, display) },
        },
        ["dosageInstruction"] = new JsonArray
        {
            new JsonObject
            {
                ["timing"] = new JsonObject { ["repeat"] = new JsonObject { ["frequency"] = 3, ["period"] = 1, ["periodUnit"] = "d" } },
                ["doseAndRate"] = new JsonObject { ["doseQuantity"] = new JsonObject { ["value"] = 2, ["system"] = "http://unitsofmeasure.org", ["code"] = "{pill}" } },
            },
        },
    };

    private static HookCall SandboxCall(JsonObject draft, string selection = "MedicationRequest/request-123") =>
        HookCall.OrderSelect([selection], draft)
            .With(b =>
            {
                b["context"]!["patientId"] = "smart-1288992";
                b["context"]!["userId"] = "Practitioner/COREPRACTITIONER1";
                b["context"]!["draftOrders"]!.AsObject().Remove("type");
            })
            .WithCompletePrefetch();

    [Fact]
    public async Task The_sandbox_first_call_with_no_medication_yet_gets_no_cards_and_fetches_nothing()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var emptyForm = FhirResources.DraftMedicationRequest("request-123", medication: null);

        using var response = await HookCall.OrderSelect(emptyForm).WithFhirServer(stub.BaseUrl).PostAsync(client);

        var body = await response.Content.ReadAsStringAsync();
        JsonNode.DeepEquals(JsonNode.Parse(body), JsonNode.Parse("""{"cards":[]}""")).Should().BeTrue(body);
        (await response.ReadCardsAsync()).Should().BeEmpty();
        stub.Requests.Should().BeEmpty("nothing needs checking until a medication is chosen");
    }

    [Fact]
    public async Task A_draft_with_an_empty_medication_concept_gets_no_cards_and_fetches_nothing()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var draft = FhirResources.DraftMedicationRequest("request-123", new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = FhirResources.RxNorm } }, ["text"] = " " });

        using var response = await HookCall.OrderSelect(draft).WithFhirServer(stub.BaseUrl).PostAsync(client);

        (await response.ReadCardsAsync()).Should().BeEmpty();
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_ServiceRequest_draft_from_the_imaging_screen_gets_no_cards()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var imaging = new JsonObject
        {
            ["resourceType"] = "ServiceRequest",
            ["id"] = "example-MRI-59bc",
            ["status"] = "draft",
            ["intent"] = "plan",
            ["code"] = FhirResources.Concept(FhirResources.Coding("http://www.ama-assn.org/go/cpt", "72133", "MRI lumbar spine")),
            ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
            ["reasonCode"] = new JsonArray { FhirResources.ConceptText("quinine") },
        };

        using var response = await HookCall.OrderSelect(imaging).WithFhirServer(stub.BaseUrl).PostAsync(client);

        (await response.ReadCardsAsync()).Should().BeEmpty();
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_NutritionOrder_draft_gets_no_quinine_card()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var diet = new JsonObject
        {
            ["resourceType"] = "NutritionOrder",
            ["id"] = "pureeddiet-simple",
            ["status"] = "draft",
            ["patient"] = new JsonObject { ["reference"] = "Patient/p1" },
            ["oralDiet"] = new JsonObject { ["type"] = new JsonArray { FhirResources.ConceptText("Pureed diet (no quinine tonic water)") } },
        };

        using var response = await HookCall.OrderSelect(diet).WithCompletePrefetch().PostAsync(client);

        (await response.ReadCardsAsync()).RuleIds().Should().NotContain(Answers.QuinineRule);
    }

    [Fact]
    public async Task Only_the_selected_orders_are_judged()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var quinine = FhirResources.QuinineDraft("q");
        var baclofen = FhirResources.DraftMedicationRequest("b", FhirResources.BaclofenConcept());

        using var notSelected = await HookCall.OrderSelect(["MedicationRequest/b"], quinine, baclofen).WithCompletePrefetch().PostAsync(client);
        using var selected = await HookCall.OrderSelect(["MedicationRequest/q"], quinine, baclofen).WithCompletePrefetch().PostAsync(client);

        (await notSelected.ReadCardsAsync()).ShouldNotFlagQuinine("the quinine draft is context, not the order being selected");
        var card = (await selected.ReadCardsAsync()).OnlyCard(Answers.QuinineRule);
        ((string?)card["suggestions"]![0]!["actions"]![0]!["resourceId"]).Should().Be("MedicationRequest/q");
    }

    [Fact]
    public async Task The_sandbox_baclofen_draft_is_accepted_and_gets_no_quinine_card()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await SandboxCall(SandboxDraft("197391", "Baclofen 10 MG Oral Tablet")).PostAsync(client);

        (await response.ReadCardsAsync()).RuleIds().Should().NotContain(Answers.QuinineRule);
    }

    [Fact]
    public async Task The_sandbox_quinine_draft_gets_the_quinine_card()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await SandboxCall(SandboxDraft("997010", "Quinine Sulfate 324 MG Oral Capsule")).PostAsync(client);

        var card = (await response.ReadCardsAsync()).OnlyCard(Answers.QuinineRule);
        ((string?)card["summary"]).Should().Contain("Quinine Sulfate 324 MG Oral Capsule");
        ((string?)card["suggestions"]![0]!["actions"]![0]!["resourceId"]).Should().Be("MedicationRequest/request-123");
    }

    [Fact]
    public async Task The_sandbox_quinine_draft_without_prefetch_or_fhirAuthorization_still_gets_the_quinine_card()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        var call = SandboxCall(SandboxDraft("997010", "Quinine Sulfate 324 MG Oral Capsule")).WithFhirServer(stub.BaseUrl);
        call.Body.Remove("prefetch");

        using var response = await call.PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
        stub.Requests.Should().NotBeEmpty().And.OnlyContain(r => r.Authorization == null);
    }

    [Fact]
    public async Task A_DSTU2_MedicationOrder_quinine_draft_from_the_sandbox_default_server_gets_the_card_naming_MedicationOrder()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var draft = new JsonObject
        {
            ["resourceType"] = "MedicationOrder",
            ["id"] = "order-123",
            ["status"] = "draft",
            ["dateWritten"] = "2026-11-20",
            ["patient"] = new JsonObject { ["reference"] = "Patient/smart-1288992" },
            ["medicationCodeableConcept"] = new JsonObject
            {
                ["text"] = "Quinine Sulfate 324 MG Oral Capsule",
                ["coding"] = new JsonArray { FhirResources.Coding(FhirResources.RxNorm, "997010", "Quinine Sulfate 324 MG Oral Capsule") },
            },
            ["dosageInstruction"] = new JsonArray
            {
                new JsonObject
                {
                    ["timing"] = new JsonObject { ["repeat"] = new JsonObject { ["frequency"] = 1, ["period"] = 1, ["periodUnits"] = "d" } },
                    ["doseQuantity"] = new JsonObject { ["value"] = 1, ["system"] = "http://unitsofmeasure.org", ["code"] = "{pill}" },
                },
            },
        };

        using var response = await SandboxCall(draft, "MedicationOrder/order-123").PostAsync(client);

        var card = (await response.ReadCardsAsync()).OnlyCard(Answers.QuinineRule);
        ((string?)card["suggestions"]![0]!["actions"]![0]!["resourceId"]).Should().Be("MedicationOrder/order-123");
    }
}
