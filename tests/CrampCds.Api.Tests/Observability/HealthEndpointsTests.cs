using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace CrampCds.Api.Tests.Observability;

/// <summary>
/// Issue 5, health: /health/live (the process answers) and /health/ready (cds-cards loaded; the store's state is
/// reported but does not gate readiness), for Kubernetes probes, without auth even when JWTs are required.
/// </summary>
public sealed class HealthEndpointsTests
{
    private static async Task<JsonObject> ReadReadyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Live_is_200_without_auth_even_when_JWTs_are_required()
    {
        await using var app = new CrampCdsApplication(settings: MetricsEndpointTests.JwtRequired);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health/live");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [Fact]
    public async Task Ready_is_200_without_auth_with_cds_cards_and_the_store_healthy_in_its_JSON_body()
    {
        await using var app = new CrampCdsApplication(settings: MetricsEndpointTests.JwtRequired);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health/ready");

        var body = await ReadReadyAsync(response);
        ((string?)body["status"]).Should().Be("Healthy");
        var cards = body["checks"]!["cds-cards"]!.AsObject();
        ((string?)cards["status"]).Should().Be("Healthy");
        ((string?)cards["description"]).Should().MatchRegex(@"^\d+ rules loaded$");
        ((string?)body["checks"]!["store"]!["status"]).Should().Be("Healthy", "the SQLite store is reachable");
    }

    [Fact]
    public async Task Health_endpoints_ignore_a_bad_token_and_count_no_JWT_rejection()
    {
        await using var app = new CrampCdsApplication(settings: MetricsEndpointTests.JwtRequired);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-jwt");

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        live.StatusCode.Should().Be(HttpStatusCode.OK);
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        var metrics = PrometheusText.Parse(await client.GetStringAsync("/metrics"));
        metrics.Series("crampcds_jwt_rejections_total").Should().BeEmpty("probes are not CDS Hooks calls");
    }

    [Fact]
    public async Task Probes_and_scrapes_are_never_rate_limited()
    {
        await using var app = new CrampCdsApplication(settings: ("CrampCds:Limits:RequestsPerMinute", "1"));
        using var client = app.CreateClient();
        using (var first = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client))
        using (var second = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client))
        {
            second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the hook routes are limited to 1 a minute here");
        }

        foreach (var path in new[] { "/health/live", "/health/ready", "/metrics", "/health/live", "/health/ready", "/metrics" })
        {
            using var response = await client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, "{0} must answer a kubelet or Prometheus whatever the hook traffic", path);
        }
    }

    [Fact]
    public async Task An_unreachable_store_is_reported_degraded_but_does_not_gate_readiness()
    {
        var unreachable = Path.Combine(Path.GetTempPath(), $"crampcds-no-such-dir-{Guid.NewGuid():N}", "feedback.db");
        await using var app = new CrampCdsApplication(settings: ("ConnectionStrings:Feedback", $"Data Source={unreachable}"));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health/ready");

        var body = await ReadReadyAsync(response);
        ((string?)body["checks"]!["cds-cards"]!["status"]).Should().Be("Healthy");
        var store = body["checks"]!["store"]!.AsObject();
        ((string?)store["status"]).Should().Be("Degraded");
        ((string?)store["description"]).Should().Contain("unreachable");
        ((string?)body["status"]).Should().Be("Degraded");

        // Cards are served without the store.
        using var hook = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
        (await hook.ReadCardsAsync()).ShouldFlagQuinine();
    }
}
