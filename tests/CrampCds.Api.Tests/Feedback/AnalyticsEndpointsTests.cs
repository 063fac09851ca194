using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace CrampCds.Api.Tests.Feedback;

public class AnalyticsEndpointsTests
{
    private const string AdminToken = "test-admin-token";
    private static readonly string AdminHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(AdminToken)));

    [Fact]
    public async Task The_rule_report_matches_a_hand_computed_fixture_and_never_shows_comments()
    {
        await using var app = Admin();
        using var client = app.CreateClient();
        var quinine = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            quinine.Add(await IssueAsync(client, HookCall.OrderSign($"q-{i}", FhirResources.QuinineDraft()).WithCompletePrefetch(), Answers.QuinineRule));
        }

        var causative = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            causative.Add(await IssueAsync(client, CausativeCall($"c-{i}"), "causative-drugs"));
        }

        await FeedbackEndpointsTests.WaitForCardAsync(app.DatabasePath, causative[^1]);
        await FeedbackEndpointsTests.WaitForCardAsync(app.DatabasePath, quinine[^1]);
        await PostFeedbackAsync(client, quinine[0], "accepted");
        await PostFeedbackAsync(client, quinine[1], "overridden", "approved-indication-malaria");
        await PostFeedbackAsync(client, causative[0], "overridden", "patient-aware-managed", "a secret clinician comment");
        await PostFeedbackAsync(client, causative[1], "overridden", "other");

        using var response = await Get(client, "/analytics/rules", AdminToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain("a secret clinician comment");
        var rules = JsonNode.Parse(text)!["rules"]!.AsArray();
        var q = rules.Single(r => (string)r!["ruleId"]! == Answers.QuinineRule)!;
        ((string)q["indicator"]!).Should().Be("critical");
        ((int)q["issued"]!, (int)q["accepted"]!, (int)q["overridden"]!, (int)q["noResponse"]!).Should().Be((3, 1, 1, 1));
        ((double)q["acceptanceRate"]!).Should().BeApproximately(0.3333, 0.0001);
        ((string)q["topOverrideReasons"]![0]!["code"]!).Should().Be("approved-indication-malaria");
        var c = rules.Single(r => (string)r!["ruleId"]! == "causative-drugs")!;
        ((int)c["issued"]!, (int)c["accepted"]!, (int)c["overridden"]!, (int)c["noResponse"]!).Should().Be((2, 0, 2, 0));
        ((double)c["acceptanceRate"]!).Should().Be(0);
        c["topOverrideReasons"]!.AsArray().Select(r => ((string)r!["code"]!, (int)r["count"]!)).Should().Equal(("other", 1), ("patient-aware-managed", 1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task The_report_needs_an_admin_token(string? token)
    {
        await using var app = Admin();
        using var client = app.CreateClient();

        using var response = await Get(client, "/analytics/rules", token);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Without_configured_admin_tokens_the_report_is_refused()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await Get(client, "/analytics/rules", AdminToken);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_bad_date_range_is_400_naming_the_field()
    {
        await using var app = Admin();
        using var client = app.CreateClient();

        using var bad = await Get(client, "/analytics/rules?from=soon", AdminToken);
        using var backwards = await Get(client, "/analytics/rules?from=2026-02-01&to=2026-01-01", AdminToken);

        (await bad.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Should().Contain("from");
        (await backwards.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Should().Contain("from");
    }

    [Fact]
    public async Task An_override_with_a_snoozing_reason_silences_that_rule_for_that_patient_only()
    {
        await using var app = Admin();
        using var client = app.CreateClient();
        var first = await IssueAsync(client, CausativeCall("snoozed-patient"), "causative-drugs");
        await FeedbackEndpointsTests.WaitForCardAsync(app.DatabasePath, first);
        await PostFeedbackAsync(client, first, "overridden", "patient-aware-managed");

        using var again = await CausativeCall("snoozed-patient").PostAsync(client);
        using var other = await CausativeCall("another-patient").PostAsync(client);

        (await again.ReadCardsAsync()).RuleIds().Should().NotContain("causative-drugs");
        (await other.ReadCardsAsync()).RuleIds().Should().Contain("causative-drugs");
    }

    [Fact]
    public async Task An_override_with_a_reason_that_does_not_snooze_leaves_the_card()
    {
        await using var app = Admin();
        using var client = app.CreateClient();
        var first = await IssueAsync(client, CausativeCall("p-other"), "causative-drugs");
        await FeedbackEndpointsTests.WaitForCardAsync(app.DatabasePath, first);
        await PostFeedbackAsync(client, first, "overridden", "other");

        using var again = await CausativeCall("p-other").PostAsync(client);

        (await again.ReadCardsAsync()).RuleIds().Should().Contain("causative-drugs");
    }

    private static CrampCdsApplication Admin() => new(null, ("CrampCds:Admin:TokenHashes:0", AdminHash));

    // Leg cramps and hydrochlorothiazide on the list: the causative-drugs warning.
    private static HookCall CausativeCall(string patientId)
    {
        var cramp = FhirResources.Condition("cramp", FhirResources.Concept(FhirResources.Coding("http://snomed.info/sct", "449918009", "Cramp in lower leg")), patientId: patientId);
        var hctz = new JsonObject
        {
            ["resourceType"] = "MedicationRequest",
            ["id"] = "hctz",
            ["status"] = "active",
            ["intent"] = "order",
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
            ["medicationCodeableConcept"] = FhirResources.Concept(FhirResources.Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "310798", "hydrochlorothiazide 25 MG Oral Tablet")),
        };
        return HookCall.PatientView(patientId).WithCompletePrefetch(cramp).WithPrefetch("medicationRequests", FhirResources.Bundle(hctz));
    }

    private static async Task<string> IssueAsync(HttpClient client, HookCall call, string ruleId)
    {
        using var response = await call.PostAsync(client);
        return (string)(await response.ReadCardsAsync()).OnlyCard(ruleId)["uuid"]!;
    }

    private static async Task PostFeedbackAsync(HttpClient client, string card, string outcome, string? reason = null, string? comment = null)
    {
        var feedback = new JsonObject { ["card"] = card, ["outcome"] = outcome, ["outcomeTimestamp"] = DateTimeOffset.UtcNow.ToString("O") };
        if (reason is not null)
        {
            feedback["overrideReason"] = new JsonObject
            {
                ["reason"] = new JsonObject { ["code"] = reason, ["system"] = "https://crampcds.org/fhir/CodeSystem/override-reason" },
                ["userComment"] = comment,
            };
        }

        using var response = await client.PostAsync(
            "/cds-services/crampcds-patient-view/feedback",
            new StringContent(new JsonObject { ["feedback"] = new JsonArray(feedback) }.ToJsonString(), Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static Task<HttpResponseMessage> Get(HttpClient client, string url, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request);
    }
}
