using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.IdentityModel.Tokens;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// Tokens the service must accept: the sandbox's (ES384, jku, no sub/nbf) on discovery and on hooks, Epic's
/// (RS384, sub, nbf, no jku), the other asymmetric algorithms, and the harmless variations in <c>aud</c>.
/// </summary>
public sealed class JwtAcceptedTests
{
    [Fact]
    public async Task A_sandbox_like_ES384_token_is_accepted_on_discovery()
    {
        await using var issuer = await TestIssuer.StartAsync("https://sandbox.example.org");
        await using var service = SecuredService.Create([issuer]);
        var token = issuer.ValidToken(SecuredService.DiscoveryPath);
        var header = Jwt.DecodeHeader(token);
        ((string?)header["alg"]).Should().Be("ES384");
        ((string?)header["kid"]).Should().Be(issuer.Key.Kid);
        ((string?)header["jku"]).Should().Be(issuer.Jwks.Url);

        using var response = await service.Client.DiscoverAsync(token);

        await response.ShouldBeAcceptedAsync();
        ((JsonNode.Parse(await response.Content.ReadAsStringAsync())!["services"] as JsonArray)!).Should().HaveCount(3);
    }

    [Fact]
    public async Task A_sandbox_like_ES384_token_is_accepted_on_a_hook_call()
    {
        await using var issuer = await TestIssuer.StartAsync("https://sandbox.example.org");
        await using var service = SecuredService.Create([issuer]);

        using var response = await service.Client.OrderSignAsync(issuer.ValidToken(SecuredService.OrderSignPath));

        (await response.ReadCardsAsync()).ShouldFlagQuinine();
    }

    [Fact]
    public async Task An_aud_with_a_trailing_slash_names_the_same_endpoint()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer]);

        using var hook = await service.Client.OrderSignAsync(issuer.Sign(issuer.Token(SecuredService.OrderSignPath + "/")));
        using var discovery = await service.Client.DiscoverAsync(issuer.Sign(issuer.Token(SecuredService.DiscoveryPath + "/")));

        await hook.ShouldBeAcceptedAsync();
        await discovery.ShouldBeAcceptedAsync();
    }

    [Fact]
    public async Task A_call_to_a_trailing_slash_url_accepts_the_aud_the_sandbox_signs_for_it()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer]);

        using var response = await service.Client.OrderSignAsync(issuer.Sign(issuer.Token(SecuredService.OrderSignPath + "/")), SecuredService.OrderSignPath + "/");

        await response.ShouldBeAcceptedAsync();
    }

    [Fact]
    public async Task A_discovery_url_typed_with_a_trailing_slash_doubles_the_slash_and_is_still_accepted()
    {
        // The sandbox builds {discoveryUrl}/{id} and signs aud for exactly that URL.
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer]);
        const string path = "/cds-services//" + HookCall.OrderSignId;

        using var response = await service.Client.OrderSignAsync(issuer.ValidToken(path), path);

        await response.ShouldBeAcceptedAsync();
    }

    [Fact]
    public async Task A_feedback_call_is_accepted_with_aud_the_feedback_url_as_the_sandbox_signs_it()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer]);
        const string path = SecuredService.OrderSignPath + "/feedback";
        const string feedback = """
            {"feedback": [{"card": "4e0a3a1e-3283-4575-ab82-028d55fe2719", "outcome": "overridden", "outcomeTimestamp": "2026-01-02T10:05:31Z"}]}
            """;

        using var accepted = await service.Client.PostJsonAsync(path, issuer.ValidToken(path), feedback);
        using var hookToken = await service.Client.PostJsonAsync(path, issuer.ValidToken(SecuredService.OrderSignPath), feedback);

        await accepted.ShouldBeAcceptedAsync();
        await hookToken.ShouldBeRefusedAsync("a token for the service is not a token for its feedback endpoint");
    }

    [Fact]
    public async Task An_aud_array_holding_the_endpoint_is_accepted()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer]);
        var jwt = issuer.Token(SecuredService.OrderSignPath)
            .With("aud", new JsonArray("https://other.example.org/cds-services", SecuredService.Audience(SecuredService.OrderSignPath)));

        using var response = await service.Client.OrderSignAsync(issuer.Sign(jwt));

        await response.ShouldBeAcceptedAsync();
    }

    [Fact]
    public async Task An_Epic_like_RS384_token_with_sub_and_nbf_and_no_jku_is_accepted()
    {
        await using var issuer = await TestIssuer.StartAsync("https://fhir.epic.example.org/oauth2", TestKey.Rsa(SecurityAlgorithms.RsaSha384), sendsJku: false);
        await using var service = SecuredService.Create([issuer]);
        var now = DateTimeOffset.UtcNow;
        var jwt = issuer.Token(SecuredService.OrderSignPath, now)
            .With("sub", "epic-client-id-1234")
            .With("nbf", now.AddSeconds(-300).ToUnixTimeSeconds());
        var token = issuer.Sign(jwt);
        Jwt.DecodeHeader(token).Should().NotContainKey("jku");
        ((string?)Jwt.DecodeHeader(token)["alg"]).Should().Be("RS384");

        using var response = await service.Client.OrderSignAsync(token);

        await response.ShouldBeAcceptedAsync();
    }

    [Theory]
    [InlineData(SecurityAlgorithms.EcdsaSha256)]
    [InlineData(SecurityAlgorithms.EcdsaSha384)]
    [InlineData(SecurityAlgorithms.EcdsaSha512)]
    [InlineData(SecurityAlgorithms.RsaSha256)]
    [InlineData(SecurityAlgorithms.RsaSha384)]
    [InlineData(SecurityAlgorithms.RsaSha512)]
    public async Task Each_accepted_asymmetric_algorithm_verifies(string algorithm)
    {
        var key = algorithm.StartsWith("ES", StringComparison.Ordinal) ? TestKey.Ec(algorithm) : TestKey.Rsa(algorithm);
        await using var issuer = await TestIssuer.StartAsync(key: key);
        await using var service = SecuredService.Create([issuer]);
        var token = issuer.ValidToken(SecuredService.OrderSignPath);
        ((string?)Jwt.DecodeHeader(token)["alg"]).Should().Be(algorithm);

        using var response = await service.Client.OrderSignAsync(token);

        await response.ShouldBeAcceptedAsync();
    }

    [Fact]
    public async Task The_bearer_scheme_is_case_insensitive()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer]);

        using var response = await service.Client.SendRawAsync(HttpMethod.Get, SecuredService.DiscoveryPath, "bearer " + issuer.ValidToken(SecuredService.DiscoveryPath));

        await response.ShouldBeAcceptedAsync();
    }

    [Fact]
    public async Task An_exp_30_seconds_past_is_within_the_clock_skew()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer]);

        using var response = await service.Client.DiscoverAsync(issuer.ValidToken(SecuredService.DiscoveryPath, DateTimeOffset.UtcNow.AddSeconds(-330)));

        await response.ShouldBeAcceptedAsync("exp is 30 s past, inside the 60 s skew");
    }

    [Fact]
    public async Task A_lifetime_of_exactly_MaxTokenLifetimeSeconds_is_accepted()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer]);
        var now = DateTimeOffset.UtcNow;

        using var response = await service.Client.DiscoverAsync(issuer.Sign(issuer.Token(SecuredService.DiscoveryPath, now).With("exp", now.ToUnixTimeSeconds() + 600)));

        await response.ShouldBeAcceptedAsync();
    }

    [Fact]
    public async Task Two_trusted_issuers_are_each_checked_against_their_own_keys()
    {
        await using var sandbox = await TestIssuer.StartAsync("https://sandbox.example.org");
        await using var epic = await TestIssuer.StartAsync("https://epic.example.org", TestKey.Rsa(), sendsJku: false);
        await using var service = SecuredService.Create([sandbox, epic]);

        using var first = await service.Client.DiscoverAsync(sandbox.ValidToken(SecuredService.DiscoveryPath));
        using var second = await service.Client.DiscoverAsync(epic.ValidToken(SecuredService.DiscoveryPath));

        await first.ShouldBeAcceptedAsync();
        await second.ShouldBeAcceptedAsync();
    }
}
