using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace CrampCds.Api.Tests;

/// <summary>A CDS Hooks request body under construction, and the service it goes to.</summary>
public sealed class HookCall
{
    public const string DefaultPatientId = "p1";
    public const string PatientViewId = "crampcds-patient-view";
    public const string OrderSelectId = "crampcds-order-select";
    public const string OrderSignId = "crampcds-order-sign";

    public static readonly string[] PrefetchKeys = ["patient", "medicationRequests", "medicationStatements", "labs", "conditions"];

    private HookCall(string serviceId, string hook, JsonObject context)
    {
        ServiceId = serviceId;
        Body = new JsonObject
        {
            ["hook"] = hook,
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["context"] = context,
        };
    }

    public string ServiceId { get; private set; }

    public JsonObject Body { get; }

    public JsonObject Context => Body["context"]!.AsObject();

    public static HookCall PatientView(string patientId = DefaultPatientId) =>
        new(PatientViewId, "patient-view", new JsonObject { ["userId"] = "Practitioner/example", ["patientId"] = patientId });

    /// <summary>order-sign: every draft is judged.</summary>
    public static HookCall OrderSign(params JsonObject[] drafts) => OrderSign(DefaultPatientId, drafts);

    public static HookCall OrderSign(string patientId, params JsonObject[] drafts) =>
        new(OrderSignId, "order-sign", new JsonObject
        {
            ["userId"] = "Practitioner/example",
            ["patientId"] = patientId,
            ["draftOrders"] = DraftBundle(drafts),
        });

    /// <summary>order-select with every draft selected.</summary>
    public static HookCall OrderSelect(params JsonObject[] drafts) =>
        OrderSelect(drafts.Select(d => $"{d["resourceType"]}/{d["id"]}").ToArray(), drafts);

    public static HookCall OrderSelect(string[] selections, params JsonObject[] drafts) =>
        new(OrderSelectId, "order-select", new JsonObject
        {
            ["userId"] = "Practitioner/example",
            ["patientId"] = DefaultPatientId,
            ["selections"] = new JsonArray(selections.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
            ["draftOrders"] = DraftBundle(drafts),
        });

    /// <summary>A body whose <c>context</c> comes from a file (the hook library's examples hold only the context).</summary>
    public static HookCall FromContext(string serviceId, string hook, JsonObject context) => new(serviceId, hook, context);

    public HookCall SendTo(string serviceId)
    {
        ServiceId = serviceId;
        return this;
    }

    public HookCall WithFhirServer(Uri fhirServer, string? accessToken = null)
    {
        Body["fhirServer"] = fhirServer.ToString().TrimEnd('/');
        if (accessToken is not null)
        {
            Body["fhirAuthorization"] = new JsonObject
            {
                ["access_token"] = accessToken,
                ["token_type"] = "Bearer",
                ["expires_in"] = 300,
                ["scope"] = "user/Patient.read user/MedicationRequest.read user/Observation.read user/Condition.read",
                ["subject"] = "cds-service",
            };
        }

        return this;
    }

    /// <summary>Sets one prefetch key; a null value is sent as JSON <c>null</c> (the EHR found no data).</summary>
    public HookCall WithPrefetch(string key, JsonNode? value)
    {
        var prefetch = Body["prefetch"] as JsonObject ?? new JsonObject();
        Body["prefetch"] = prefetch;
        prefetch[key] = value;
        return this;
    }

    /// <summary>All five keys: the patient and searchsets (empty unless conditions are given).</summary>
    public HookCall WithCompletePrefetch(params JsonObject[] conditions)
    {
        var patientId = (string)Context["patientId"]!;
        return WithPrefetch("patient", FhirResources.Patient(patientId))
            .WithPrefetch("medicationRequests", FhirResources.Bundle())
            .WithPrefetch("medicationStatements", FhirResources.Bundle())
            .WithPrefetch("labs", FhirResources.Bundle())
            .WithPrefetch("conditions", FhirResources.Bundle(conditions));
    }

    /// <summary>Every key but <paramref name="absent"/> prefetched (empty), so only those are fetched.</summary>
    public HookCall WithPrefetchExcept(params string[] absent)
    {
        WithCompletePrefetch();
        var prefetch = Body["prefetch"]!.AsObject();
        foreach (var key in absent)
        {
            prefetch.Remove(key);
        }

        return this;
    }

    public HookCall With(Action<JsonObject> change)
    {
        change(Body);
        return this;
    }

    public Task<HttpResponseMessage> PostAsync(HttpClient client) =>
        client.PostAsync($"/cds-services/{ServiceId}", new StringContent(Body.ToJsonString(), Encoding.UTF8, "application/json"));

    private static JsonObject DraftBundle(JsonObject[] drafts) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "collection",
        ["entry"] = new JsonArray(drafts.Select(d => (JsonNode)new JsonObject { ["resource"] = d.DeepClone() }).ToArray()),
    };
}

/// <summary>Reading and checking the service's answers.</summary>
public static class Answers
{
    public const string QuinineRule = "quinine-order";
    public const string DataUnavailableRule = "data-unavailable";

    /// <summary>Asserts a 200 <c>application/json</c> <c>{"cards": [...]}</c> and returns the cards.</summary>
    public static async Task<IReadOnlyList<JsonObject>> ReadCardsAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, "the body was {0}", text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var body = JsonNode.Parse(text)!.AsObject();
        body.Select(p => p.Key).Should().Contain("cards").And.BeSubsetOf(["cards", "systemActions"], "that is all a CDS Hooks 2.0 response holds");
        return body["cards"]!.AsArray().Select(c => c!.AsObject()).ToArray();
    }

    /// <summary>Asserts a problem+json answer with this status and returns it.</summary>
    public static async Task<JsonObject> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, "the body was {0}", text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = JsonNode.Parse(text)!.AsObject();
        ((int?)problem["status"]).Should().Be((int)status);
        return problem;
    }

    /// <summary>The fields a 400 names in its <c>errors</c> object.</summary>
    public static IReadOnlyList<string> ErrorFields(this JsonObject problem) =>
        problem["errors"] is JsonObject errors ? errors.Select(e => e.Key).ToArray() : [];

    /// <summary>The quinine card is there and nothing was reported missing (other rules may add their own cards).</summary>
    public static void ShouldFlagQuinine(this IEnumerable<JsonObject> cards, string because = "", params object[] becauseArgs)
    {
        var ids = cards.RuleIds();
        ids.Should().Contain(QuinineRule, because, becauseArgs);
        ids.Should().NotContain(DataUnavailableRule, because, becauseArgs);
    }

    /// <summary>The quinine card and one card saying which data could not be read.</summary>
    public static void ShouldFlagQuinineAndMissingData(this IEnumerable<JsonObject> cards, string because = "", params object[] becauseArgs)
    {
        var ids = cards.RuleIds();
        ids.Should().Contain(QuinineRule, because, becauseArgs);
        ids.Where(id => id == DataUnavailableRule).Should().ContainSingle(because, becauseArgs);
    }

    /// <summary>No quinine card, and nothing was reported missing: the data that suppresses it was read.</summary>
    public static void ShouldNotFlagQuinine(this IEnumerable<JsonObject> cards, string because = "", params object[] becauseArgs)
    {
        var ids = cards.RuleIds();
        ids.Should().NotContain(QuinineRule, because, becauseArgs);
        ids.Should().NotContain(DataUnavailableRule, because, becauseArgs);
    }

    public static string? RuleId(this JsonObject card) => (string?)card["extension"]?["org.crampcds.rule-id"];

    public static IReadOnlyList<string?> RuleIds(this IEnumerable<JsonObject> cards) => cards.Select(RuleId).ToArray();

    public static JsonObject OnlyCard(this IEnumerable<JsonObject> cards, string ruleId) =>
        cards.Should().ContainSingle(c => c.RuleId() == ruleId).Subject;
}
