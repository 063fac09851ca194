using System.Net;
using System.Text.RegularExpressions;
using CrampCds.TestSupport;
using FluentAssertions;
using Microsoft.IdentityModel.Tokens;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// Keys read from a local copy of a JWKS (TrustedIssuers:N:JwksPath, nothing fetched): the CDS Hooks 2.0.1 example JWT
/// verifies against the spec's example JWKS, and the real sandbox JWKS loads.
/// </summary>
public sealed partial class SpecJwtTestVectorTests
{
    private const string SpecIssuer = "https://fhir-ehr.example.com/";
    private const string SpecJwksUrl = "https://fhir-ehr.example.com/jwk_uri";
    private const string SpecServicePath = "/cds-services/some-service";
    private const string SandboxIssuer = "https://sandbox.cds-hooks.org";
    private const string SandboxJwksUrl = "https://sandbox.cds-hooks.org/.well-known/jwks.json";
    private const string SandboxKid = "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f";
    private const long SpecIssuedAt = 1_311_280_970;
    private const long SpecExpires = 1_422_568_860;

    [GeneratedRegex(@"JWT test vector.*?```\s*(eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)\s*```", RegexOptions.Singleline)]
    private static partial Regex TestVectorPattern();

    private static string SpecToken()
    {
        var index = File.ReadAllText(SharedData.Path("reference", "cds-hooks", "index.md"));
        var match = TestVectorPattern().Match(index);
        match.Success.Should().BeTrue("index.md holds the compact JWT under 'JWT test vector'");
        return match.Groups[1].Value;
    }

    /// <summary>The spec's issuer read from jwks-public.json, the clock at the vector's iat + 10 s, a lifetime limit that admits it.</summary>
    private static SecuredService SpecService(LogCapture? logs = null) =>
        SecuredService.Create(
            [],
            [
                ("CrampCds:Auth:TrustedIssuers:0:Issuer", SpecIssuer),
                ("CrampCds:Auth:TrustedIssuers:0:JwksUrl", SpecJwksUrl),
                ("CrampCds:Auth:TrustedIssuers:0:JwksPath", SharedData.Path("reference", "cds-hooks", "v2.0.1", "jwks-public.json")),
                ("CrampCds:Auth:MaxTokenLifetimeSeconds", "200000000"),
            ],
            new ManualClock(DateTimeOffset.FromUnixTimeSeconds(SpecIssuedAt + 10)),
            logs);

    private static Task<HttpResponseMessage> PostAsync(SecuredService service, string token) =>
        service.Client.SendRawAsync(HttpMethod.Post, SpecServicePath, "Bearer " + token, HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch());

    [SharedDataFact]
    public void The_test_vector_is_the_one_the_spec_describes()
    {
        var token = SpecToken();
        var header = Jwt.DecodeHeader(token);
        ((string?)header["alg"]).Should().Be("ES384");
        ((string?)header["kid"]).Should().Be("example-kid");
        ((string?)header["jku"]).Should().Be(SpecJwksUrl);
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!;
        ((string?)payload["iss"]).Should().Be(SpecIssuer);
        ((string?)payload["aud"]).Should().Be(SecuredService.Audience(SpecServicePath));
        ((long?)payload["iat"]).Should().Be(SpecIssuedAt);
        ((long?)payload["exp"]).Should().Be(SpecExpires);
    }

    [SharedDataFact]
    public async Task The_spec_example_JWT_verifies_against_the_spec_example_JWKS_file()
    {
        var logs = new LogCapture();
        await using var service = SpecService(logs);

        using var response = await PostAsync(service, SpecToken());

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        ((string?)problem["detail"]).Should().Contain("some-service", "authentication passed; there is no such service here");
        logs.Entries.Should().Contain(e => e.EventId.Id == 31, "the keys were read from the local JWKS file");
    }

    [SharedDataFact]
    public async Task The_spec_example_JWT_is_refused_when_replayed()
    {
        await using var service = SpecService();

        using var first = await PostAsync(service, SpecToken());
        using var second = await PostAsync(service, SpecToken());

        first.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await second.ShouldBeRefusedAsync();
    }

    [SharedDataFact]
    public async Task A_tampered_copy_of_the_spec_example_JWT_is_refused()
    {
        await using var service = SpecService();
        var tampered = Jwt.TamperPayload(SpecToken(), p => p["tenant"] = "another-tenant");

        using var response = await PostAsync(service, tampered);

        await response.ShouldBeRefusedAsync();
    }

    [SharedDataFact]
    public async Task The_spec_example_JWT_is_refused_on_the_real_clock_since_it_expired_in_2015()
    {
        await using var service = SecuredService.Create(
            [],
            [
                ("CrampCds:Auth:TrustedIssuers:0:Issuer", SpecIssuer),
                ("CrampCds:Auth:TrustedIssuers:0:JwksUrl", SpecJwksUrl),
                ("CrampCds:Auth:TrustedIssuers:0:JwksPath", SharedData.Path("reference", "cds-hooks", "v2.0.1", "jwks-public.json")),
                ("CrampCds:Auth:MaxTokenLifetimeSeconds", "200000000"),
            ]);

        using var response = await PostAsync(service, SpecToken());

        await response.ShouldBeRefusedAsync();
    }

    [SharedDataFact]
    public async Task The_spec_example_JWT_is_refused_under_the_default_lifetime_limit()
    {
        await using var service = SecuredService.Create(
            [],
            [
                ("CrampCds:Auth:TrustedIssuers:0:Issuer", SpecIssuer),
                ("CrampCds:Auth:TrustedIssuers:0:JwksUrl", SpecJwksUrl),
                ("CrampCds:Auth:TrustedIssuers:0:JwksPath", SharedData.Path("reference", "cds-hooks", "v2.0.1", "jwks-public.json")),
            ],
            new ManualClock(DateTimeOffset.FromUnixTimeSeconds(SpecIssuedAt + 10)));

        using var response = await PostAsync(service, SpecToken());

        await response.ShouldBeRefusedAsync("its exp - iat is about 3.5 years, far over 600 s");
    }

    [SharedDataFact]
    public async Task The_sandbox_JWKS_file_loads_and_a_token_not_signed_by_the_sandbox_key_fails_its_signature()
    {
        var logs = new LogCapture();
        await using var service = SecuredService.Create(
            [],
            [
                ("CrampCds:Auth:TrustedIssuers:0:Issuer", SandboxIssuer),
                ("CrampCds:Auth:TrustedIssuers:0:JwksUrl", SandboxJwksUrl),
                ("CrampCds:Auth:TrustedIssuers:0:JwksPath", SharedData.Path("reference", "cds-hooks", "third-party", "sandbox-cds-hooks-org-jwks.json")),
            ],
            logs: logs);
        using var ours = TestKey.Ec(SecurityAlgorithms.EcdsaSha384, kid: SandboxKid);
        var token = Jwt.Create(SandboxIssuer, SecuredService.Audience(SecuredService.DiscoveryPath), DateTimeOffset.UtcNow)
            .WithHeader("jku", SandboxJwksUrl)
            .SignWith(ours);

        using var response = await service.Client.DiscoverAsync(token);

        await response.ShouldBeRefusedAsync();
        var fetched = logs.Entries.Should().ContainSingle(e => e.EventId.Id == 31).Subject;
        fetched.State.Should().Contain(new KeyValuePair<string, string?>("KeyCount", "1"), "the sandbox JWKS file holds one signing key");
        logs.Entries.Should().ContainSingle(e => e.EventId.Id == 30).Which.State
            .Should().Contain(new KeyValuePair<string, string?>("Reason", "signature"), "the kid was found in the file; only the signature failed");
        logs.Entries.Should().Contain(e => e.EventId.Id == 33, "trusting the sandbox outside Development is warned about");
    }
}
