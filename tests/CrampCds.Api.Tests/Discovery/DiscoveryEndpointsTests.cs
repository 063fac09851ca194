using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace CrampCds.Api.Tests.Discovery;

/// <summary>GET /cds-services: what an EHR (or the sandbox) registers from.</summary>
public sealed partial class DiscoveryEndpointsTests
{
    private static async Task<JsonArray> DiscoverAsync(string path = "/cds-services")
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return body["services"]!.AsArray();
    }

    [Fact]
    public async Task Discovery_lists_exactly_the_three_services_with_their_hooks()
    {
        var services = await DiscoverAsync();

        services.Select(s => ((string?)s!["id"], (string?)s["hook"])).Should().BeEquivalentTo(
        [
            ("crampcds-patient-view", "patient-view"),
            ("crampcds-order-select", "order-select"),
            ("crampcds-order-sign", "order-sign"),
        ]);
    }

    [Fact]
    public async Task Discovery_with_a_trailing_slash_lists_the_same_services()
    {
        var services = await DiscoverAsync("/cds-services/");

        services.Select(s => (string?)s!["id"]).Should().BeEquivalentTo(["crampcds-patient-view", "crampcds-order-select", "crampcds-order-sign"]);
    }

    [Fact]
    public async Task Every_service_has_a_title_a_description_and_the_five_prefetch_keys()
    {
        var services = await DiscoverAsync();

        foreach (var service in services)
        {
            ((string?)service!["title"]).Should().NotBeNullOrWhiteSpace();
            ((string?)service["description"]).Should().NotBeNullOrWhiteSpace();
            service["prefetch"]!.AsObject().Select(p => p.Key).Should()
                .BeEquivalentTo(["patient", "medicationRequests", "medicationStatements", "labs", "conditions"]);
        }
    }

    [Fact]
    public async Task Prefetch_templates_use_only_context_tokens_so_any_EHR_can_fill_them()
    {
        var services = await DiscoverAsync();

        foreach (var (key, template) in services.SelectMany(s => s!["prefetch"]!.AsObject()))
        {
            var tokens = Token().Matches((string)template!).Select(m => m.Groups[1].Value.Trim()).ToArray();
            tokens.Should().NotBeEmpty("prefetch '{0}' is about the patient in context", key);
            tokens.Should().OnlyContain(t => t.StartsWith("context.", StringComparison.Ordinal) && t.Length > "context.".Length, "prefetch '{0}' is {1}", key, template);
            ((string)template!).Replace("{{", "", StringComparison.Ordinal).Replace("}}", "", StringComparison.Ordinal)
                .Should().NotContainAny(["{", "}"], "every brace belongs to a {{context.x}} token");
        }
    }

    [Fact]
    public async Task Labs_template_asks_for_potassium_magnesium_creatinine_and_eGFR_newest_first()
    {
        var services = await DiscoverAsync();

        foreach (var service in services)
        {
            var labs = (string)service!["prefetch"]!["labs"]!;
            labs.Should().StartWith("Observation?patient={{context.patientId}}");
            var query = labs[(labs.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&');
            var codes = query.Single(p => p.StartsWith("code=", StringComparison.Ordinal))["code=".Length..].Split(',');
            codes.Should().Contain(["http://loinc.org|2823-3", "http://loinc.org|19123-9", "http://loinc.org|2160-0", "http://loinc.org|98979-8"]);
            query.Should().Contain("_sort=-date");
        }
    }

    [Fact]
    public async Task Patient_medication_and_condition_templates_query_the_patient_in_context()
    {
        var services = await DiscoverAsync();

        foreach (var service in services)
        {
            var prefetch = service!["prefetch"]!;
            ((string?)prefetch["patient"]).Should().Be("Patient/{{context.patientId}}");
            ((string?)prefetch["medicationRequests"]).Should().StartWith("MedicationRequest?patient={{context.patientId}}").And.Contain("status=active");
            ((string?)prefetch["medicationStatements"]).Should().StartWith("MedicationStatement?patient={{context.patientId}}");
            ((string?)prefetch["conditions"]).Should().StartWith("Condition?patient={{context.patientId}}").And.Contain("clinical-status=active");
        }
    }

    [GeneratedRegex(@"\{\{(.*?)\}\}")]
    private static partial Regex Token();
}
