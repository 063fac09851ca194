using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CrampCds.Api.Tests.Fhir;
using FluentAssertions;

namespace CrampCds.Api.Tests.Observability;

/// <summary>
/// Issue 5, metrics: GET /metrics serves the service's series in Prometheus text format, without auth, and they count
/// what happened: hook calls by service, hook and status, their latency, the cards by rule and indicator, degraded
/// answers, FHIR fetches by outcome and latency, each FHIR server's breaker state, and refused JWTs by reason.
/// No label carries patient data.
/// </summary>
public sealed class MetricsEndpointTests
{
    /// <summary>Distinctive, so a scrape that carried it anywhere would be caught.</summary>
    private const string PatientId = "zq7731-pt-0042";
    private const string Token = "tok-metrics-9d2e";
    private const string OrderSign = HookCall.OrderSignId;

    private static readonly string[] Families =
    [
        "crampcds_hook_requests_total", "crampcds_hook_duration_seconds", "crampcds_fhir_fetches_total", "crampcds_fhir_fetch_duration_seconds",
        "crampcds_cards_total", "crampcds_degraded_answers_total", "crampcds_jwt_rejections_total", "crampcds_fhir_circuit_state",
    ];

    /// <summary>Tokens required; an issuer (never fetched here) and the audience, so the app starts.</summary>
    internal static readonly (string Key, string? Value)[] JwtRequired =
    [
        ("CrampCds:Auth:RequireJwt", "true"),
        ("CrampCds:Auth:TrustedIssuers:0:Issuer", "https://ehr.example.org"),
        ("CrampCds:Auth:TrustedIssuers:0:JwksUrl", "http://127.0.0.1:9/jwks.json"),
        ("CrampCds:PublicBaseUrl", "https://cds.example.org"),
    ];

    private static async Task<(string Text, IReadOnlyList<PrometheusSample> Samples)> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return (text, PrometheusText.Parse(text));
    }

    [Fact]
    public async Task Metrics_are_Prometheus_text_served_without_auth_even_when_JWTs_are_required()
    {
        await using var app = new CrampCdsApplication(settings: JwtRequired);
        using var client = app.CreateClient();
        using (var refused = await client.PostAsync($"/cds-services/{OrderSign}", new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var anonymous = await client.GetAsync("/metrics");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-jwt");
        using var withBadToken = await client.SendAsync(request);

        foreach (var response in new[] { anonymous, withBadToken })
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var contentType = response.Content.Headers.ContentType!;
            contentType.MediaType.Should().Be("text/plain");
            contentType.Parameters.Should().Contain(p => p.Name == "version" && p.Value == "0.0.4");
        }

        var text = await anonymous.Content.ReadAsStringAsync();
        PrometheusText.Parse(text);
        var types = PrometheusText.Types(text);
        types.Should().Contain(new Dictionary<string, string>
        {
            ["crampcds_hook_requests_total"] = "counter",
            ["crampcds_hook_duration_seconds"] = "histogram",
            ["crampcds_fhir_fetches_total"] = "counter",
            ["crampcds_fhir_fetch_duration_seconds"] = "histogram",
            ["crampcds_cards_total"] = "counter",
            ["crampcds_degraded_answers_total"] = "counter",
            ["crampcds_jwt_rejections_total"] = "counter",
            ["crampcds_fhir_circuit_state"] = "gauge",
        });
        types.Keys.Should().Contain(Families);
    }

    [Fact]
    public async Task A_fresh_instance_declares_every_family_before_any_call()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        var (text, _) = await ScrapeAsync(client);

        PrometheusText.Types(text).Keys.Should().Contain(Families);
    }

    [Fact]
    public async Task Hook_calls_are_counted_by_service_hook_and_status_with_latency_cards_degraded_answers_and_fetches()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.RespondWithStatus("/Condition", HttpStatusCode.InternalServerError);
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();
        HookCall Quinine() => HookCall.OrderSign(PatientId, FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token);

        // 200 with the quinine card (labs fetched: outcome Ok).
        using (var ok = await Quinine().WithPrefetchExcept("labs").PostAsync(client))
        {
            (await ok.ReadCardsAsync()).ShouldFlagQuinine();
        }

        // 400: no hookInstance.
        using (var invalid = await Quinine().WithCompletePrefetch().With(body => body.Remove("hookInstance")).PostAsync(client))
        {
            await invalid.ReadProblemAsync(HttpStatusCode.BadRequest);
        }

        // 404: no such service (its id carries the patient id, which must not become a label).
        using (var unknown = await Quinine().WithCompletePrefetch().SendTo("no-such-service-" + PatientId).PostAsync(client))
        {
            await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        // 200 with the data card (conditions answered 500: outcome ServerError).
        using (var degraded = await Quinine().WithPrefetchExcept("conditions").PostAsync(client))
        {
            (await degraded.ReadCardsAsync()).ShouldFlagQuinineAndMissingData();
        }

        var (text, samples) = await ScrapeAsync(client);

        samples.Series("crampcds_hook_requests_total").Select(s => (s.Labels["service"], s.Labels["hook"], s.Labels["status"], s.Value))
            .Should().BeEquivalentTo(new[]
            {
                (OrderSign, "order-sign", "200", 2.0),
                (OrderSign, "order-sign", "400", 1.0),
                ("unknown", "unknown", "404", 1.0),
            });

        samples.Value("crampcds_hook_duration_seconds_count", ("service", OrderSign)).Should().Be(3);
        samples.Value("crampcds_hook_duration_seconds_bucket", ("service", OrderSign), ("le", "+Inf")).Should().Be(3);
        samples.Value("crampcds_hook_duration_seconds_sum", ("service", OrderSign)).Should().BePositive();
        samples.Series("crampcds_hook_duration_seconds_bucket").Select(b => b.Value).Should().BeInAscendingOrder("buckets are cumulative");

        samples.Value("crampcds_cards_total", ("rule", "quinine-order"), ("indicator", "critical")).Should().Be(2);
        samples.Value("crampcds_cards_total", ("rule", "data-unavailable"), ("indicator", "info")).Should().Be(1);
        samples.Value("crampcds_degraded_answers_total", ("service", OrderSign)).Should().Be(1);

        samples.Value("crampcds_fhir_fetches_total", ("outcome", "Ok")).Should().Be(1);
        samples.Value("crampcds_fhir_fetches_total", ("outcome", "ServerError")).Should().Be(1, "a 500 is not retried, and a fetch is counted once");
        samples.Value("crampcds_fhir_fetch_duration_seconds_count", ("outcome", "Ok")).Should().Be(1);
        samples.Value("crampcds_fhir_fetch_duration_seconds_count", ("outcome", "ServerError")).Should().Be(1);
        samples.Value("crampcds_fhir_fetch_duration_seconds_bucket", ("outcome", "Ok"), ("le", "+Inf")).Should().Be(1);
        samples.Value("crampcds_fhir_circuit_state", ("server", stub.BaseUrl.Authority)).Should().Be(0, "the breaker is closed");

        ShouldCarryNoPhi(text, samples);
    }

    [Fact]
    public async Task The_circuit_state_of_a_FHIR_server_answering_503_forever_is_2_open()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.RespondWithStatus("/Condition", HttpStatusCode.ServiceUnavailable);
        // The budget is the breaker's to test, not the deadline's: under a loaded suite a retried 503 could outlast the 2 s default and count as Timeout.
        await using var app = new CrampCdsApplication(stub.BaseUrl,
            ("CrampCds:Fhir:BreakerMinimumThroughput", "2"), ("CrampCds:Fhir:BreakDurationSeconds", "30"),
            ("CrampCds:Fhir:TimeoutMs", "10000"), ("CrampCds:Fhir:AttemptTimeoutMs", "10000"));
        using var client = app.CreateClient();

        (await ScrapeAsync(client)).Samples.Series("crampcds_fhir_circuit_state").Should().BeEmpty("no FHIR server was called yet");
        for (var call = 0; call < 3; call++)
        {
            using var response = await HookCall.OrderSign(PatientId, FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token)
                .WithPrefetchExcept("conditions").PostAsync(client);
            (await response.ReadCardsAsync()).ShouldFlagQuinineAndMissingData();
        }

        var (text, samples) = await ScrapeAsync(client);

        text.Should().Contain($"crampcds_fhir_circuit_state{{server=\"127.0.0.1:{stub.BaseUrl.Port}\"}} 2\n");
        samples.Value("crampcds_fhir_circuit_state", ("server", stub.BaseUrl.Authority)).Should().Be(2);
        samples.Value("crampcds_fhir_fetches_total", ("outcome", "ServerError")).Should().Be(3, "each call's fetch failed, the later ones fast");
        samples.Value("crampcds_degraded_answers_total", ("service", OrderSign)).Should().Be(3);
        ShouldCarryNoPhi(text, samples);
    }

    [Fact]
    public async Task A_fetch_whose_attempts_time_out_is_counted_with_outcome_Timeout()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Stall("/Condition", TimeSpan.FromSeconds(10));
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:TimeoutMs", "3000"), ("CrampCds:Fhir:AttemptTimeoutMs", "200"));
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(PatientId, FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token)
            .WithPrefetchExcept("conditions").PostAsync(client);
        (await response.ReadCardsAsync()).ShouldFlagQuinineAndMissingData();

        var (_, samples) = await ScrapeAsync(client);
        samples.Series("crampcds_fhir_fetches_total").Select(s => (s.Labels["outcome"], s.Value)).Should().Equal([("Timeout", 1.0)]);
        samples.Value("crampcds_fhir_fetch_duration_seconds_count", ("outcome", "Timeout")).Should().Be(1);
    }

    [Fact]
    public async Task A_fetch_cut_off_by_the_call_deadline_is_counted_with_outcome_Timeout()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Stall("/Condition", TimeSpan.FromSeconds(10));
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:TimeoutMs", "800"));
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(PatientId, FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, Token)
            .WithPrefetchExcept("conditions").PostAsync(client);
        (await response.ReadCardsAsync()).ShouldFlagQuinineAndMissingData();

        var (_, samples) = await ScrapeAsync(client);
        samples.Series("crampcds_fhir_fetches_total").Select(s => (s.Labels["outcome"], s.Value)).Should().Equal([("Timeout", 1.0)],
            "the data card says the server did not answer in time, and so should the metric");
    }

    [Fact]
    public async Task Refused_JWTs_are_counted_by_reason_and_the_token_is_not_a_label()
    {
        await using var app = new CrampCdsApplication(settings: JwtRequired);
        using var client = app.CreateClient();
        const string badToken = "not-a-jwt-" + PatientId;

        foreach (var authorization in new[] { null, "Bearer " + badToken, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pass")) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{OrderSign}")
            {
                Content = new StringContent(HookCall.OrderSign(PatientId, FhirResources.QuinineDraft()).WithCompletePrefetch().Body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "Authorization: {0}", authorization ?? "(none)");
        }

        var (text, samples) = await ScrapeAsync(client);

        samples.Value("crampcds_jwt_rejections_total", ("reason", "malformed")).Should().Be(1);
        samples.Value("crampcds_jwt_rejections_total", ("reason", "missing")).Should().Be(1);
        samples.Value("crampcds_jwt_rejections_total", ("reason", "scheme")).Should().Be(1);
        samples.Series("crampcds_jwt_rejections_total").Should().HaveCount(3);
        text.Should().NotContain(badToken);
        ShouldCarryNoPhi(text, samples);
    }

    private static void ShouldCarryNoPhi(string text, IReadOnlyList<PrometheusSample> samples)
    {
        samples.SelectMany(s => s.Labels.Values).Should().NotContain(v => v.Contains(PatientId, StringComparison.Ordinal), "labels never carry PHI");
        text.Should().NotContain(PatientId).And.NotContain(Token);
    }

    [Fact]
    public async Task Hook_calls_refused_by_authentication_are_counted_as_401()
    {
        await using var app = new CrampCdsApplication(null,
            ("CrampCds:Auth:RequireJwt", "true"), ("CrampCds:PublicBaseUrl", Auth.SecuredService.PublicBaseUrl),
            ("CrampCds:Auth:TrustedIssuers:0:Issuer", "https://ehr.example.org"), ("CrampCds:Auth:TrustedIssuers:0:JwksUrl", "https://ehr.example.org/jwks.json"));
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the call carries no token");
        var (_, samples) = await ScrapeAsync(client);
        samples.Series("crampcds_hook_requests_total").Select(s => (s.Labels["service"], s.Labels["hook"], s.Labels["status"], s.Value))
            .Should().BeEquivalentTo(new[] { (OrderSign, "order-sign", "401", 1.0) });
    }

    [Fact]
    public async Task Hook_calls_refused_by_the_rate_limiter_are_counted_as_429()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Limits:RequestsPerMinute", "1"));
        using var client = app.CreateClient();

        using var answered = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
        using var limited = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);

        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        var (_, samples) = await ScrapeAsync(client);
        samples.Series("crampcds_hook_requests_total").Select(s => (s.Labels["service"], s.Labels["hook"], s.Labels["status"], s.Value))
            .Should().BeEquivalentTo(new[] { (OrderSign, "order-sign", "200", 1.0), (OrderSign, "order-sign", "429", 1.0) });
    }
}
