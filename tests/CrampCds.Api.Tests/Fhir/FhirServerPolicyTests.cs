using System.Net;
using System.Text.Json.Nodes;
using CrampCds.Api.Fhir;
using CrampCds.Api.Infrastructure;
using FluentAssertions;

namespace CrampCds.Api.Tests.Fhir;

/// <summary>
/// The SSRF guard: the service calls only allowlisted FHIR servers, compared on scheme, host, port and a path
/// prefix on a segment boundary; anything else gets no request at all, and the clinician is told what was skipped.
/// </summary>
public sealed class FhirServerPolicyTests
{
    private static FhirServerPolicy Policy(bool allowHttp, string[] allowed, Dictionary<string, string>? aliases = null) =>
        new(new CrampCdsOptions
        {
            Fhir = new FhirOptions
            {
                AllowHttp = allowHttp,
                AllowedServers = [.. allowed],
                ServerAliases = aliases ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
            },
        });

    // ---- IsUnder ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("http://ehr.example.org/fhir", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/fhir/", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/fhir/Patient/1", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/fhir/Patient/1", "http://ehr.example.org/fhir/")]
    [InlineData("http://ehr.example.org/fhir/Condition?patient=1", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/anything", "http://ehr.example.org")]
    [InlineData("http://EHR.Example.org/fhir/Patient/1", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org:80/fhir/Patient/1", "http://ehr.example.org/fhir")]
    [InlineData("https://ehr.example.org:443/fhir", "https://ehr.example.org/fhir")]
    public void IsUnder_admits_the_base_and_paths_below_it(string url, string baseUrl) =>
        FhirServerPolicy.IsUnder(new Uri(url), new Uri(baseUrl)).Should().BeTrue();

    [Theory]
    [InlineData("http://ehr.example.org/fhirx", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/fhirx/Patient/1", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/fhi", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/other/fhir", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/fhir/../admin", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/fhir%2F..%2Fadmin", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org:8080/fhir", "http://ehr.example.org/fhir")]
    [InlineData("https://ehr.example.org/fhir", "http://ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org.evil.example/fhir", "http://ehr.example.org/fhir")]
    [InlineData("http://evil-ehr.example.org/fhir", "http://ehr.example.org/fhir")]
    [InlineData("http://127.0.0.1.evil.example:8080/fhir", "http://127.0.0.1:8080/fhir")]
    [InlineData("http://localhost:8080/fhir", "http://127.0.0.1:8080/fhir")]
    public void IsUnder_refuses_look_alikes_other_ports_schemes_and_paths(string url, string baseUrl) =>
        FhirServerPolicy.IsUnder(new Uri(url), new Uri(baseUrl)).Should().BeFalse();

    // ---- IsAllowed ----------------------------------------------------------------------------------------------

    [Fact]
    public void IsAllowed_admits_only_urls_under_an_allowlisted_base()
    {
        var policy = Policy(allowHttp: false, ["https://ehr.example.org/fhir", "https://other.example.org"]);

        policy.IsAllowed(new Uri("https://ehr.example.org/fhir/Patient/1")).Should().BeTrue();
        policy.IsAllowed(new Uri("https://other.example.org/r4/Condition")).Should().BeTrue();
        policy.IsAllowed(new Uri("https://ehr.example.org/fhirx/Patient/1")).Should().BeFalse();
        policy.IsAllowed(new Uri("https://third.example.org/fhir")).Should().BeFalse();
    }

    [Fact]
    public void IsAllowed_refuses_everything_when_nothing_is_allowlisted()
    {
        var policy = Policy(allowHttp: true, []);

        policy.IsAllowed(new Uri("https://ehr.example.org/fhir")).Should().BeFalse();
        policy.IsAllowed(new Uri("http://127.0.0.1/fhir")).Should().BeFalse();
    }

    [Theory]
    [InlineData("https://user:secret@ehr.example.org/fhir/Patient/1")]
    [InlineData("https://user@ehr.example.org/fhir/Patient/1")]
    [InlineData("https://ehr.example.org@evil.example/fhir/Patient/1")]
    public void IsAllowed_refuses_userinfo(string url) =>
        Policy(allowHttp: false, ["https://ehr.example.org/fhir"]).IsAllowed(new Uri(url)).Should().BeFalse();

    [Fact]
    public void IsAllowed_refuses_a_fragment() =>
        Policy(allowHttp: false, ["https://ehr.example.org/fhir"]).IsAllowed(new Uri("https://ehr.example.org/fhir/Patient/1#x")).Should().BeFalse();

    [Fact]
    public void IsAllowed_requires_https_unless_AllowHttp()
    {
        var url = new Uri("http://ehr.example.org/fhir/Patient/1");

        Policy(allowHttp: false, ["http://ehr.example.org/fhir"]).IsAllowed(url).Should().BeFalse();
        Policy(allowHttp: true, ["http://ehr.example.org/fhir"]).IsAllowed(url).Should().BeTrue();
        Policy(allowHttp: false, ["https://ehr.example.org/fhir"]).IsAllowed(new Uri("https://ehr.example.org/fhir/Patient/1")).Should().BeTrue();
    }

    [Theory]
    [InlineData("ftp://ehr.example.org/fhir/Patient/1")]
    [InlineData("file:///etc/passwd")]
    public void IsAllowed_refuses_other_schemes(string url) =>
        Policy(allowHttp: true, ["http://ehr.example.org/fhir", "https://ehr.example.org/fhir"]).IsAllowed(new Uri(url)).Should().BeFalse();

    // ---- Resolve ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("https://ehr.example.org/fhir", "https://ehr.example.org/fhir")]
    [InlineData("https://ehr.example.org/fhir/", "https://ehr.example.org/fhir")]
    [InlineData("https://ehr.example.org/fhir/tenant-a", "https://ehr.example.org/fhir/tenant-a")]
    public void Resolve_gives_the_allowlisted_base_to_fetch_from(string fhirServer, string expected) =>
        Policy(allowHttp: false, ["https://ehr.example.org/fhir"]).Resolve(new Uri(fhirServer)).Should().Be(new Uri(expected));

    [Theory]
    [InlineData("https://evil.example/fhir")]
    [InlineData("https://ehr.example.org/fhirx")]
    [InlineData("https://ehr.example.org:8443/fhir")]
    [InlineData("http://ehr.example.org/fhir")]
    [InlineData("https://x@ehr.example.org/fhir")]
    public void Resolve_gives_null_for_a_server_that_may_not_be_called(string fhirServer) =>
        Policy(allowHttp: false, ["https://ehr.example.org/fhir"]).Resolve(new Uri(fhirServer)).Should().BeNull();

    [Theory]
    [InlineData("http://localhost:8080/fhir", "http://hapi:8080/fhir")]
    [InlineData("http://localhost:8080/fhir/", "http://hapi:8080/fhir")]
    [InlineData("http://localhost:8080/fhir/tenant-a", "http://hapi:8080/fhir/tenant-a")]
    [InlineData("http://LOCALHOST:8080/fhir", "http://hapi:8080/fhir")]
    public void Resolve_rewrites_an_aliased_server_to_the_address_the_service_reaches_it_at(string fhirServer, string expected)
    {
        var policy = Policy(allowHttp: true, ["http://hapi:8080/fhir"], new Dictionary<string, string> { ["http://localhost:8080/fhir"] = "http://hapi:8080/fhir" });

        policy.Resolve(new Uri(fhirServer)).Should().Be(new Uri(expected));
    }

    [Fact]
    public void Resolve_rewrites_to_a_target_without_a_path()
    {
        var policy = Policy(allowHttp: true, ["http://127.0.0.1:5555"], new Dictionary<string, string> { ["http://localhost:8080/fhir"] = "http://127.0.0.1:5555" });

        policy.Resolve(new Uri("http://localhost:8080/fhir")).Should().Be(new Uri("http://127.0.0.1:5555"));
    }

    [Theory]
    [InlineData("http://localhost:8080/fhirx")]
    [InlineData("http://localhost:8081/fhir")]
    public void Resolve_does_not_alias_look_alikes(string fhirServer)
    {
        var policy = Policy(allowHttp: true, ["http://hapi:8080/fhir"], new Dictionary<string, string> { ["http://localhost:8080/fhir"] = "http://hapi:8080/fhir" });

        policy.Resolve(new Uri(fhirServer)).Should().BeNull();
    }

    [Fact]
    public void Resolve_still_requires_the_alias_target_to_be_allowlisted()
    {
        var policy = Policy(allowHttp: true, ["https://ehr.example.org/fhir"], new Dictionary<string, string> { ["http://localhost:8080/fhir"] = "http://169.254.169.254/latest" });

        policy.Resolve(new Uri("http://localhost:8080/fhir")).Should().BeNull();
    }

    [Fact]
    public void The_Development_allowlist_admits_a_local_FHIR_server()
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "CrampCds.Api", "appsettings.Development.json")))!;
        var allowed = settings["CrampCds"]!["Fhir"]!["AllowedServers"]!.AsArray().Select(s => (string)s!).ToArray();
        var policy = Policy(allowHttp: true, allowed);

        policy.IsAllowed(new Uri("http://localhost:8080/fhir/Patient/1")).Should().BeTrue();
        policy.IsAllowed(new Uri("http://127.0.0.1:8080/fhir/Patient/1")).Should().BeTrue();
    }

    // ---- the guard in the running service -----------------------------------------------------------------------

    public static TheoryData<string> NotAllowlisted() =>
    [
        "another port",
        "a longer path segment",
        "the root of the allowed host",
        "another path",
        "a look-alike host",
        "userinfo",
        "localhost for 127.0.0.1",
    ];

    private static string Variant(string variant, FhirStub allowed, FhirStub other)
    {
        var port = allowed.BaseUrl.Port;
        return variant switch
        {
            "another port" => other.BaseUrl.ToString(),
            "a longer path segment" => $"{allowed.Authority}/fhirx",
            "the root of the allowed host" => allowed.Authority,
            "another path" => $"{allowed.Authority}/other/fhir",
            "a look-alike host" => $"http://127.0.0.1.evil.example:{port}/fhir",
            "userinfo" => $"http://cds:secret@127.0.0.1:{port}/fhir",
            "localhost for 127.0.0.1" => $"http://localhost:{port}/fhir",
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
    }

    [Theory]
    [MemberData(nameof(NotAllowlisted))]
    public async Task A_fhirServer_off_the_allowlist_gets_no_request_and_the_order_hook_still_answers_with_the_quinine_card(string variant)
    {
        await using var allowed = await FhirStub.StartAsync("/fhir");
        await using var other = await FhirStub.StartAsync("/fhir");
        await using var app = new CrampCdsApplication(allowed.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft())
            .WithFhirServer(new Uri(Variant(variant, allowed, other)), "tok")
            .WithPrefetchExcept("conditions", "labs")
            .PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData();
        ((string?)cards.OnlyCard(Answers.DataUnavailableRule)["detail"]).Should().Contain("allowlist");
        allowed.Requests.Should().BeEmpty();
        other.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task The_allowlisted_server_and_paths_below_it_are_called()
    {
        await using var allowed = await FhirStub.StartAsync("/fhir");
        allowed.Add(FhirResources.MalariaCondition());
        await using var app = new CrampCdsApplication(allowed.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(allowed.BaseUrl, "tok").WithPrefetchExcept("conditions").PostAsync(client);

        (await response.ReadCardsAsync()).ShouldNotFlagQuinine("the fetched conditions show malaria");
        allowed.Requests.Select(r => r.Path).Should().Equal("/fhir/Condition");
    }

    [Fact]
    public async Task An_http_server_is_not_called_when_AllowHttp_is_off()
    {
        await using var stub = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:AllowHttp", "false"));
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, "tok").WithPrefetchExcept("conditions").PostAsync(client);

        (await response.ReadCardsAsync()).ShouldFlagQuinineAndMissingData();
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_ServerAlias_sends_the_fetches_to_the_address_the_service_reaches_the_server_at()
    {
        await using var stub = await FhirStub.StartAsync("/fhir");
        stub.Add(FhirResources.MalariaCondition());
        await using var app = new CrampCdsApplication(stub.BaseUrl, ("CrampCds:Fhir:ServerAliases:http://localhost:8080/fhir", stub.BaseUrl.ToString()));
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(FhirResources.QuinineDraft())
            .WithFhirServer(new Uri("http://localhost:8080/fhir"), "tok")
            .WithPrefetchExcept("conditions")
            .PostAsync(client);

        (await response.ReadCardsAsync()).ShouldNotFlagQuinine("the conditions read through the alias show malaria");
        var request = stub.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/fhir/Condition");
        request.Authorization.Should().Be("Bearer tok");
    }

    [Fact]
    public async Task Patient_view_with_nothing_prefetched_and_the_server_off_the_allowlist_is_412_with_an_OperationOutcome()
    {
        await using var allowed = await FhirStub.StartAsync();
        await using var other = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(allowed.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.PatientView().WithFhirServer(other.BaseUrl, "tok").PostAsync(client);

        response.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/fhir+json");
        var outcome = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((string?)outcome["resourceType"]).Should().Be("OperationOutcome");
        var issue = outcome["issue"]!.AsArray().Should().ContainSingle().Subject!;
        ((string?)issue["severity"]).Should().Be("error");
        ((string?)issue["code"]).Should().NotBeNullOrWhiteSpace();
        other.Requests.Should().BeEmpty();
        allowed.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Patient_view_with_nothing_prefetched_and_no_fhirServer_is_412()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.PatientView().PostAsync(client);

        response.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/fhir+json");
    }

    [Fact]
    public async Task Patient_view_with_only_the_Patient_prefetched_and_the_server_off_the_allowlist_answers_200_with_the_data_card()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.PatientView().WithFhirServer(new Uri("https://ehr.example.org/fhir"), "tok")
            .WithPrefetch("patient", FhirResources.Patient())
            .PostAsync(client);

        var cards = await response.ReadCardsAsync();
        ((string?)cards.OnlyCard(Answers.DataUnavailableRule)["detail"]).Should().Contain("allowlist");
    }

    [Theory]
    [InlineData(HookCall.OrderSelectId)]
    [InlineData(HookCall.OrderSignId)]
    public async Task Order_hooks_with_nothing_readable_answer_200_with_the_quinine_card_and_the_data_card_never_412(string serviceId)
    {
        await using var allowed = await FhirStub.StartAsync();
        await using var other = await FhirStub.StartAsync();
        await using var app = new CrampCdsApplication(allowed.BaseUrl);
        using var client = app.CreateClient();
        var call = serviceId == HookCall.OrderSelectId ? HookCall.OrderSelect(FhirResources.QuinineDraft()) : HookCall.OrderSign(FhirResources.QuinineDraft());

        using var response = await call.WithFhirServer(other.BaseUrl, "tok").PostAsync(client);

        var cards = await response.ReadCardsAsync();
        cards.ShouldFlagQuinineAndMissingData();
        var detail = (string?)cards.OnlyCard(Answers.DataUnavailableRule)["detail"];
        detail.Should().Contain("the patient's record").And.Contain("active conditions").And.Contain("allowlist");
        other.Requests.Should().BeEmpty();
    }
}
