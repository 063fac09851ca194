using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.IdentityModel.Tokens;

namespace CrampCds.Api.Tests.Auth;

/// <summary>One service trusting two issuers (A: sandbox-like ES384 with jku; B: Epic-like RS384 without), shared by the refusal tests.</summary>
public sealed class TwoIssuerService : IAsyncLifetime
{
    public TestIssuer A { get; private set; } = null!;

    public TestIssuer B { get; private set; } = null!;

    public SecuredService Service { get; private set; } = null!;

    public LogCapture Logs { get; } = new();

    public HttpClient Client => Service.Client;

    public async Task InitializeAsync()
    {
        A = await TestIssuer.StartAsync("https://ehr-a.example.org");
        B = await TestIssuer.StartAsync("https://ehr-b.example.org/oauth2", TestKey.Rsa(), sendsJku: false);
        Service = SecuredService.Create([A, B], logs: Logs);
        _ = Service.Client;
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

/// <summary>
/// Every token the service must refuse with a bare 401 (<c>WWW-Authenticate: Bearer</c>, empty body): lifetime,
/// claims, audience, issuer, jku, algorithm, signature, replay, and what is not a bearer JWT at all.
/// </summary>
public sealed class JwtRefusedTests(TwoIssuerService fixture) : IClassFixture<TwoIssuerService>
{
    private const string Discovery = SecuredService.DiscoveryPath;
    private const string OrderSign = SecuredService.OrderSignPath;

    private TestIssuer A => fixture.A;

    private HttpClient Client => fixture.Client;

    private static long Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds();

    /// <summary>A bare 401, and the reason the service logged for it (so the intended check is the one that refused).</summary>
    private async Task ShouldBeRefusedForAsync(HttpResponseMessage response, string reason, string because = "")
    {
        await response.ShouldBeRefusedAsync(because);
        var refusal = fixture.Logs.Entries.LastOrDefault(e => e.EventId.Id == 30);
        refusal.Should().NotBeNull("every refusal is logged");
        refusal!.State.Should().Contain(new KeyValuePair<string, string?>("Reason", reason), because);
    }

    // ---- time ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task An_expired_token_beyond_the_60_second_skew_is_refused()
    {
        using var response = await Client.DiscoverAsync(A.ValidToken(Discovery, DateTimeOffset.UtcNow.AddSeconds(-400)));

        await ShouldBeRefusedForAsync(response, "expired", "exp was 100 s ago");
    }

    [Fact]
    public async Task A_token_whose_nbf_is_in_the_future_is_refused()
    {
        var now = DateTimeOffset.UtcNow;

        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery, now).With("nbf", Seconds(now.AddSeconds(240)))));

        await ShouldBeRefusedForAsync(response, "not-yet-valid");
    }

    [Fact]
    public async Task A_token_issued_in_the_future_is_refused()
    {
        using var response = await Client.DiscoverAsync(A.ValidToken(Discovery, DateTimeOffset.UtcNow.AddSeconds(300)));

        await ShouldBeRefusedForAsync(response, "iat-future");
    }

    [Fact]
    public async Task A_lifetime_over_MaxTokenLifetimeSeconds_is_refused()
    {
        var now = DateTimeOffset.UtcNow;

        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery, now).With("exp", Seconds(now) + 601)));

        await ShouldBeRefusedForAsync(response, "lifetime", "exp - iat is 601 s, the default maximum is 600");
    }

    [Fact]
    public async Task A_lifetime_of_a_day_is_refused()
    {
        var now = DateTimeOffset.UtcNow;

        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery, now).With("exp", Seconds(now) + 86_400)));

        await ShouldBeRefusedForAsync(response, "lifetime");
    }

    [Theory]
    [InlineData("exp", "exp-missing")]
    [InlineData("iat", "iat-missing")]
    [InlineData("jti", "jti-missing")]
    public async Task A_token_without_a_required_claim_is_refused(string claim, string reason)
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).Without(claim)));

        await ShouldBeRefusedForAsync(response, reason, $"{claim} is required");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_blank_jti_is_refused(string jti)
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("jti", jti)));

        await ShouldBeRefusedForAsync(response, "jti-missing");
    }

    [Fact]
    public async Task A_non_numeric_exp_is_refused()
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("exp", "tomorrow")));

        await ShouldBeRefusedForAsync(response, "malformed");
    }

    [Theory]
    [InlineData("exp", 253_402_300_799L, "lifetime")] // 9999-12-31T23:59:59Z, the last second DateTimeOffset holds
    [InlineData("exp", 99_999_999_999_999L, "lifetime")]
    [InlineData("exp", -99_999_999_999_999L, "expired")]
    [InlineData("iat", 99_999_999_999_999L, "iat-future")]
    [InlineData("iat", -62_135_596_800L, "lifetime")] // 0001-01-01
    [InlineData("iat", -99_999_999_999_999L, "lifetime")]
    [InlineData("nbf", 99_999_999_999_999L, "not-yet-valid")]
    public async Task A_time_claim_outside_the_calendar_is_refused_not_a_500(string claim, long seconds, string reason)
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With(claim, seconds)));

        await ShouldBeRefusedForAsync(response, reason, "500 is never the answer to bad input");
    }

    [Theory]
    [InlineData(-62_135_596_800L)]
    [InlineData(-99_999_999_999_999L)]
    public async Task An_nbf_long_past_is_no_reason_to_refuse_and_no_500(long nbf)
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("nbf", nbf)));

        await response.ShouldBeAcceptedAsync("nbf only forbids use before it");
    }

    [Fact]
    public async Task An_iat_outside_the_calendar_is_refused_not_a_500()
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("iat", 1e300)));

        await response.ShouldBeRefusedAsync("500 is never the answer to bad input");
    }

    // ---- audience -------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("https://cds.example.org/cds-services/crampcds-order-select", "another service")]
    [InlineData("https://cds.example.org/cds-services", "discovery, not the service")]
    [InlineData("https://other.example.org/cds-services/crampcds-order-sign", "another host")]
    [InlineData("http://cds.example.org/cds-services/crampcds-order-sign", "another scheme")]
    [InlineData("https://cds.example.org:8443/cds-services/crampcds-order-sign", "another port")]
    [InlineData("https://cds.example.org/cds-services/crampcds-order-sign/feedback", "the feedback endpoint")]
    [InlineData("https://cds.example.org/other/cds-services/crampcds-order-sign", "another path prefix")]
    [InlineData("crampcds-order-sign", "not a URL")]
    public async Task A_token_for_another_endpoint_is_refused_on_a_hook(string audience, string what)
    {
        using var response = await Client.OrderSignAsync(A.Sign(A.Token(OrderSign).With("aud", audience)));

        await ShouldBeRefusedForAsync(response, "aud", $"aud is {what}");
    }

    [Fact]
    public async Task A_hook_token_is_refused_on_discovery()
    {
        using var response = await Client.DiscoverAsync(A.ValidToken(OrderSign));

        await ShouldBeRefusedForAsync(response, "aud");
    }

    [Fact]
    public async Task A_token_without_aud_is_refused()
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).Without("aud")));

        await ShouldBeRefusedForAsync(response, "aud");
    }

    // ---- issuer and keys ------------------------------------------------------------------------------------------

    [Fact]
    public async Task An_untrusted_issuer_is_refused_even_when_signed_with_a_trusted_key()
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("iss", "https://evil.example.org")));

        await ShouldBeRefusedForAsync(response, "iss");
    }

    [Theory]
    [InlineData("https://ehr-a.example.org/")]
    [InlineData("https://EHR-A.example.org")]
    [InlineData("http://ehr-a.example.org")]
    public async Task An_issuer_is_matched_exactly(string iss)
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("iss", iss)));

        await ShouldBeRefusedForAsync(response, "iss");
    }

    [Fact]
    public async Task A_token_without_iss_is_refused()
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).Without("iss")));

        await ShouldBeRefusedForAsync(response, "iss");
    }

    [Fact]
    public async Task A_jku_other_than_the_issuer_JwksUrl_is_refused_and_never_fetched()
    {
        await using var attacker = await TestIssuer.StartAsync(A.Issuer);
        var fetchesBefore = A.Jwks.Fetches;
        var jwt = A.Token(Discovery).WithHeader("jku", attacker.Jwks.Url);

        using var response = await Client.DiscoverAsync(attacker.Sign(jwt));

        await ShouldBeRefusedForAsync(response, "jku");
        attacker.Jwks.Fetches.Should().Be(0, "a jku that is not the issuer's configured JWKS URL is never dereferenced");
        A.Jwks.Fetches.Should().Be(fetchesBefore);
    }

    [Fact]
    public async Task A_jku_on_another_host_is_refused_even_when_the_token_is_signed_by_the_issuer()
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).WithHeader("jku", "https://evil.example.org/.well-known/jwks.json")));

        await ShouldBeRefusedForAsync(response, "jku");
    }

    [Fact]
    public async Task A_token_claiming_one_issuer_but_signed_with_the_other_issuers_key_is_refused()
    {
        var jwt = fixture.B.Token(Discovery).With("iss", A.Issuer);

        using var response = await Client.DiscoverAsync(fixture.B.Sign(jwt));

        await ShouldBeRefusedForAsync(response, "kid");
    }

    [Fact]
    public async Task A_token_signed_by_another_key_with_the_trusted_kid_is_refused()
    {
        using var impostor = TestKey.Ec(SecurityAlgorithms.EcdsaSha384, kid: A.Key.Kid);

        using var response = await Client.DiscoverAsync(A.Token(Discovery).SignWith(impostor));

        await ShouldBeRefusedForAsync(response, "signature");
    }

    [Fact]
    public async Task A_token_without_kid_signed_by_an_untrusted_key_is_refused()
    {
        using var stranger = TestKey.Ec();
        stranger.PrivateKey.KeyId = null;
        var token = A.Token(Discovery).SignWith(stranger);
        Jwt.DecodeHeader(token).Should().NotContainKey("kid");

        using var response = await Client.DiscoverAsync(token);

        await ShouldBeRefusedForAsync(response, "signature");
    }

    [Fact]
    public async Task A_public_key_embedded_in_the_header_is_not_trusted()
    {
        using var stranger = TestKey.Ec();
        var jwt = A.Token(Discovery).WithHeader("jwk", stranger.PublicJwk.ToJsonString());

        using var response = await Client.DiscoverAsync(jwt.SignWith(stranger));

        await ShouldBeRefusedForAsync(response, "kid");
    }

    // ---- algorithm and signature ----------------------------------------------------------------------------------

    [Fact]
    public async Task An_unsigned_alg_none_token_is_refused()
    {
        var token = A.Token(Discovery).WithHeader("kid", A.Key.Kid).WithoutSignature();
        ((string?)Jwt.DecodeHeader(token)["alg"]).Should().Be("none");

        using var response = await Client.DiscoverAsync(token);

        await ShouldBeRefusedForAsync(response, "alg");
    }

    [Fact]
    public async Task An_HS256_token_keyed_with_the_issuers_public_key_is_refused()
    {
        var secret = new SymmetricSecurityKey(A.Key.PublicKeyBytes) { KeyId = A.Key.Kid };

        using var response = await Client.DiscoverAsync(A.Token(Discovery).SignWith(secret, SecurityAlgorithms.HmacSha256));

        await ShouldBeRefusedForAsync(response, "alg", "HMAC algorithms SHALL NOT be used");
    }

    [Fact]
    public async Task An_HS256_token_keyed_with_the_RSA_issuers_public_key_is_refused()
    {
        var b = fixture.B;
        var secret = new SymmetricSecurityKey(b.Key.PublicKeyBytes) { KeyId = b.Key.Kid };

        using var response = await Client.DiscoverAsync(b.Token(Discovery).SignWith(secret, SecurityAlgorithms.HmacSha256));

        await ShouldBeRefusedForAsync(response, "alg", "HMAC algorithms SHALL NOT be used");
    }

    [Fact]
    public async Task A_token_whose_payload_was_re_encoded_for_another_service_is_refused()
    {
        var token = A.ValidToken(SecuredService.OrderSelectPath);
        var tampered = Jwt.TamperPayload(token, p => p["aud"] = SecuredService.Audience(OrderSign));

        using var response = await Client.OrderSignAsync(tampered);

        await ShouldBeRefusedForAsync(response, "signature");
    }

    [Fact]
    public async Task A_token_with_an_added_patient_claim_is_refused()
    {
        var tampered = Jwt.TamperPayload(A.ValidToken(OrderSign), p => p["patient"] = "someone-else");

        using var response = await Client.OrderSignAsync(tampered);

        await ShouldBeRefusedForAsync(response, "signature");
    }

    [Fact]
    public async Task A_token_with_its_signature_cut_off_is_refused()
    {
        var token = A.ValidToken(Discovery);

        using var response = await Client.DiscoverAsync(token[..(token.LastIndexOf('.') + 1)]);

        await ShouldBeRefusedForAsync(response, "signature");
    }

    [Fact]
    public async Task A_token_whose_header_was_switched_to_another_asymmetric_alg_is_refused()
    {
        var token = A.ValidToken(Discovery);
        var header = Jwt.DecodeHeader(token);
        header["alg"] = "ES512";
        var forged = Base64UrlEncoder.Encode(header.ToJsonString()) + token[token.IndexOf('.', StringComparison.Ordinal)..];

        using var response = await Client.DiscoverAsync(forged);

        await ShouldBeRefusedForAsync(response, "signature");
    }

    // ---- replay ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_replayed_token_is_refused_the_second_time()
    {
        var token = A.ValidToken(OrderSign);

        using var first = await Client.OrderSignAsync(token);
        using var second = await Client.OrderSignAsync(token);

        await first.ShouldBeAcceptedAsync();
        await ShouldBeRefusedForAsync(second, "replayed", "its jti was already used");
    }

    [Fact]
    public async Task A_jti_reused_in_a_new_token_is_refused()
    {
        var jti = Guid.NewGuid().ToString();

        using var first = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("jti", jti)));
        using var second = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("jti", jti)));

        await first.ShouldBeAcceptedAsync();
        await ShouldBeRefusedForAsync(second, "replayed");
    }

    [Fact]
    public async Task A_refused_token_does_not_use_up_its_jti()
    {
        var jti = Guid.NewGuid().ToString();

        using var wrongAudience = await Client.DiscoverAsync(A.Sign(A.Token(OrderSign).With("jti", jti)));
        using var right = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("jti", jti)));

        await wrongAudience.ShouldBeRefusedAsync();
        await right.ShouldBeAcceptedAsync("only an accepted token's jti is remembered");
    }

    [Fact]
    public async Task The_same_jti_from_two_issuers_is_two_tokens()
    {
        var jti = Guid.NewGuid().ToString();

        using var first = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("jti", jti)));
        using var second = await Client.DiscoverAsync(fixture.B.Sign(fixture.B.Token(Discovery).With("jti", jti)));

        await first.ShouldBeAcceptedAsync();
        await second.ShouldBeAcceptedAsync();
    }

    // ---- not a bearer JWT -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzM4NCJ9.!!!.sig")]
    [InlineData("eyJhbGciOiJFUzM4NCJ9")]
    [InlineData("....")]
    [InlineData("W10.e30.c2ln")]
    [InlineData("bnVsbA.e30.c2ln")]
    [InlineData("e30.e30.c2ln")]
    [InlineData("eyJhbGciOiJFUzM4NCJ9.W10.c2ln")]
    [InlineData("eyJhbGciOiJFUzM4NCJ9.bnVsbA.c2ln")]
    [InlineData("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.YWFh.YWFh.YWFh.YWFh")]
    [InlineData("a.b.c.d.e.f")]
    [InlineData("eyJhbGciOiJFUzM4NCIsImtpZCI6NX0.eyJpc3MiOiJodHRwczovL2Voci1hLmV4YW1wbGUub3JnIiwiYXVkIjoiaHR0cHM6Ly9jZHMuZXhhbXBsZS5vcmcvY2RzLXNlcnZpY2VzIn0.c2ln")]
    [InlineData("eyJhbGciOiJFUzM4NCIsImtpZCI6ImsiLCJqa3UiOjV9.eyJpc3MiOiJodHRwczovL2Voci1hLmV4YW1wbGUub3JnIiwiYXVkIjoiaHR0cHM6Ly9jZHMuZXhhbXBsZS5vcmcvY2RzLXNlcnZpY2VzIn0.c2ln")]
    [InlineData("eyJhbGciOiJFUzM4NCIsImtpZCI6ImsiLCJqa3UiOlsiaHR0cHM6Ly9ldmlsIl19.eyJpc3MiOiJodHRwczovL2Voci1hLmV4YW1wbGUub3JnIiwiYXVkIjoiaHR0cHM6Ly9jZHMuZXhhbXBsZS5vcmcvY2RzLXNlcnZpY2VzIn0.c2ln")]
    [InlineData("eyJhbGciOjV9.eyJpc3MiOiJodHRwczovL2Voci1hLmV4YW1wbGUub3JnIiwiYXVkIjoiaHR0cHM6Ly9jZHMuZXhhbXBsZS5vcmcvY2RzLXNlcnZpY2VzIn0.c2ln")]
    [InlineData("eyJhbGciOiJFUzM4NCIsImtpZCI6ImsifQ.eyJpc3MiOjV9.c2ln")]
    [InlineData("eyJhbGciOiJFUzM4NCIsImtpZCI6ImsifQ.eyJpc3MiOlsiaHR0cHM6Ly9laHItYS5leGFtcGxlLm9yZyJdfQ.c2ln")]
    [InlineData("eyJhbGciOiJFUzM4NCIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwczovL2Voci1hLmV4YW1wbGUub3JnIiwiYXVkIjp7IngiOjF9fQ.c2ln")]
    [InlineData("eyJhbGciOiJFUzM4NCIsImtpZCI6ImsiLCJjcml0IjpbImV4cCJdfQ.eyJpc3MiOiJodHRwczovL2Voci1hLmV4YW1wbGUub3JnIiwiYXVkIjoiaHR0cHM6Ly9jZHMuZXhhbXBsZS5vcmcvY2RzLXNlcnZpY2VzIn0.c2ln")]
    public async Task A_malformed_token_is_refused(string token)
    {
        using var response = await Client.SendRawAsync(HttpMethod.Get, Discovery, "Bearer " + token);

        await response.ShouldBeRefusedAsync();
    }

    [Fact]
    public async Task A_JWE_shaped_token_with_undecodable_segments_is_refused_not_a_500()
    {
        using var response = await Client.SendRawAsync(HttpMethod.Get, Discovery, "Bearer eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d");

        await response.ShouldBeRefusedAsync("500 is never the answer to bad input");
    }

    [Fact]
    public async Task A_200_KB_token_is_refused_not_a_500()
    {
        using var response = await Client.SendRawAsync(HttpMethod.Get, Discovery, "Bearer " + new string('e', 200_000));

        await response.ShouldBeRefusedAsync();
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNzd29yZA==")]
    [InlineData("Token abc")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    public async Task A_non_bearer_authorization_is_refused(string authorization)
    {
        using var response = await Client.SendRawAsync(HttpMethod.Get, Discovery, authorization);

        await response.ShouldBeRefusedAsync();
    }

    [Fact]
    public async Task A_valid_token_without_the_Bearer_scheme_is_refused()
    {
        using var response = await Client.SendRawAsync(HttpMethod.Get, Discovery, A.ValidToken(Discovery));

        await ShouldBeRefusedForAsync(response, "scheme");
    }

    [Fact]
    public async Task A_call_without_a_token_is_refused_on_discovery_hooks_and_feedback()
    {
        using var discovery = await Client.DiscoverAsync(null);
        using var hook = await Client.OrderSignAsync(null);
        using var feedback = await Client.SendRawAsync(HttpMethod.Post, OrderSign + "/feedback", null);

        await ShouldBeRefusedForAsync(discovery, "missing");
        await ShouldBeRefusedForAsync(hook, "missing");
        await ShouldBeRefusedForAsync(feedback, "missing");
    }

    [Fact]
    public async Task A_refusal_on_an_unknown_service_is_401_not_404()
    {
        using var response = await Client.SendRawAsync(HttpMethod.Post, "/cds-services/no-such-service", null);

        await response.ShouldBeRefusedAsync("authentication comes before routing: an unauthenticated caller learns nothing");
    }

    [Fact]
    public async Task Routes_outside_cds_services_such_as_health_need_no_EHR_token()
    {
        using var health = await Client.SendRawAsync(HttpMethod.Get, "/health/live", null);
        using var unknown = await Client.SendRawAsync(HttpMethod.Get, "/no-such-route", null);

        health.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        unknown.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_path_prefix_check_is_case_insensitive_so_an_upper_case_path_needs_a_token_too()
    {
        using var response = await Client.DiscoverAsync(null);
        using var upper = await Client.SendRawAsync(HttpMethod.Get, "/CDS-SERVICES", null);

        await response.ShouldBeRefusedAsync();
        await upper.ShouldBeRefusedAsync();
    }

    [Fact]
    public async Task A_doubled_slash_path_still_needs_a_token()
    {
        using var response = await Client.SendRawAsync(HttpMethod.Get, "http://localhost//cds-services", null);

        await response.ShouldBeRefusedAsync();
    }

    [Fact]
    public async Task A_numeric_aud_is_refused_as_malformed()
    {
        using var response = await Client.DiscoverAsync(A.Sign(A.Token(Discovery).With("aud", JsonValue.Create(42))));

        await ShouldBeRefusedForAsync(response, "malformed");
    }
}
