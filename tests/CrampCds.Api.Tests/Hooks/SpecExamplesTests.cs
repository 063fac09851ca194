using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Api.Tests.Hooks;

/// <summary>The CDS Hooks specification's and hook library's own examples (from ../shared), sent as they are.</summary>
public sealed class SpecExamplesTests
{
    private static JsonObject Read(params string[] path) =>
        JsonNode.Parse(File.ReadAllText(SharedData.Path(["reference", "cds-hooks", .. path])))!.AsObject();

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string serviceId, JsonObject body) =>
        await client.PostAsync($"/cds-services/{serviceId}", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>A hook-library example holds only <c>context</c>: add hook, hookInstance and a full prefetch.</summary>
    private static HookCall Wrap(string file, string serviceId, string hook)
    {
        var context = Read("hooks-library-v1.0.1", file)["context"]!.DeepClone().AsObject();
        return HookCall.FromContext(serviceId, hook, context).WithCompletePrefetch();
    }

    [SharedDataFact]
    public async Task The_spec_patient_view_request_is_accepted()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await PostAsync(client, HookCall.PatientViewId, Read("v2.0.1", "request-patient-view.json"));

        response.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed],
            "its fhirServer is not allowlisted here and its only prefetch key is not ours: {0}", await response.Content.ReadAsStringAsync());
    }

    [SharedDataTheory]
    [InlineData("order-select-context-r4.json", HookCall.OrderSelectId, "order-select")]
    [InlineData("order-select-context-stu3.json", HookCall.OrderSelectId, "order-select")]
    [InlineData("order-select-context-dstu2.json", HookCall.OrderSelectId, "order-select")]
    [InlineData("order-sign-context-r4.json", HookCall.OrderSignId, "order-sign")]
    [InlineData("order-sign-context-stu3.json", HookCall.OrderSignId, "order-sign")]
    [InlineData("order-sign-context-dstu2.wrapped.json", HookCall.OrderSignId, "order-sign")]
    [InlineData("patient-view-context-1.wrapped.json", HookCall.PatientViewId, "patient-view")]
    [InlineData("patient-view-context-2.wrapped.json", HookCall.PatientViewId, "patient-view")]
    public async Task The_hook_library_contexts_are_accepted(string file, string serviceId, string hook)
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await Wrap(file, serviceId, hook).PostAsync(client);

        (await response.ReadCardsAsync()).ShouldNotFlagQuinine("a diet and amoxicillin are nothing to warn about");
    }

    [SharedDataTheory]
    [InlineData("order-select-context-r4.json", HookCall.OrderSelectId, "order-select", "MedicationRequest/smart-MedicationRequest-103")]
    [InlineData("order-select-context-dstu2.json", HookCall.OrderSelectId, "order-select", "MedicationOrder/smart-MedicationOrder-103")]
    [InlineData("order-sign-context-stu3.json", HookCall.OrderSignId, "order-sign", "MedicationRequest/smart-MedicationRequest-103")]
    [InlineData("order-sign-context-dstu2.wrapped.json", HookCall.OrderSignId, "order-sign", "MedicationOrder/smart-MedicationOrder-103")]
    public async Task The_hook_library_contexts_with_quinine_instead_of_amoxicillin_get_the_quinine_card(string file, string serviceId, string hook, string resourceId)
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var call = Wrap(file, serviceId, hook);
        foreach (var entry in call.Context["draftOrders"]!["entry"]!.AsArray())
        {
            if (entry!["resource"]!["medicationCodeableConcept"] is not null)
            {
                entry["resource"]!["medicationCodeableConcept"] = FhirResources.QuinineConcept();
            }
        }

        using var response = await call.PostAsync(client);

        var card = (await response.ReadCardsAsync()).OnlyCard(Answers.QuinineRule);
        ((string?)card["suggestions"]![0]!["actions"]![0]!["resourceId"]).Should().Be(resourceId);
    }

    [SharedDataFact]
    public async Task The_v3_ballot_paged_prefetch_request_is_accepted()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await PostAsync(client, HookCall.OrderSignId, Read("v3.0.0-ballot", "request-order-sign-prefetch-pagination.json"));

        var cards = await response.ReadCardsAsync();
        cards.RuleIds().Should().Contain(Answers.DataUnavailableRule, "its fhirServer is not allowlisted here").And.NotContain(Answers.QuinineRule);
    }

    [Fact]
    public async Task The_repository_sample_request_gets_the_quinine_card()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "CrampCds.Api", "Samples", "order-select-quinine.json")))!.AsObject();

        using var response = await PostAsync(client, HookCall.OrderSelectId, sample);

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
    }
}
