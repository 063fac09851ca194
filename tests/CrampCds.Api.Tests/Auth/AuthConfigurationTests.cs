using System.Net;
using FluentAssertions;
using Microsoft.AspNetCore.Hosting;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// What the Auth settings switch: start-up refuses a configuration in which no EHR could call or the audience is
/// unknown; RequireJwt=false still checks a token that is sent; in Development the audience is the request URL.
/// </summary>
public sealed class AuthConfigurationTests
{
    private static string AllMessages(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add($"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" | ", messages);
    }

    private static Exception StartUpFailure(CrampCdsApplication app)
    {
        var start = () => app.CreateClient().Dispose();
        return start.Should().Throw<Exception>().Which;
    }

    [Fact]
    public void RequireJwt_without_TrustedIssuers_stops_start_up_naming_the_setting()
    {
        using var app = new CrampCdsApplication(null, ("CrampCds:Auth:RequireJwt", "true"), ("CrampCds:PublicBaseUrl", SecuredService.PublicBaseUrl));

        var failure = StartUpFailure(app);

        failure.Should().BeOfType<InvalidOperationException>();
        AllMessages(failure).Should().Contain("TrustedIssuers");
    }

    [Fact]
    public void RequireJwt_without_PublicBaseUrl_outside_Development_stops_start_up_naming_the_setting()
    {
        using var app = new CrampCdsApplication(
            null,
            ("CrampCds:Auth:RequireJwt", "true"),
            ("CrampCds:Auth:TrustedIssuers:0:Issuer", "https://ehr.example.org"),
            ("CrampCds:Auth:TrustedIssuers:0:JwksUrl", "https://ehr.example.org/jwks.json"));

        var failure = StartUpFailure(app);

        failure.Should().BeOfType<InvalidOperationException>();
        AllMessages(failure).Should().Contain("PublicBaseUrl");
    }

    [Theory]
    [InlineData("", "https://ehr.example.org/jwks.json")]
    [InlineData("https://ehr.example.org", "")]
    [InlineData("https://ehr.example.org", "jwks.json")]
    public void A_trusted_issuer_without_an_issuer_or_an_absolute_JwksUrl_stops_start_up(string issuer, string jwksUrl)
    {
        using var app = new CrampCdsApplication(
            null,
            ("CrampCds:Auth:RequireJwt", "true"),
            ("CrampCds:PublicBaseUrl", SecuredService.PublicBaseUrl),
            ("CrampCds:Auth:TrustedIssuers:0:Issuer", issuer),
            ("CrampCds:Auth:TrustedIssuers:0:JwksUrl", jwksUrl));

        var failure = StartUpFailure(app);

        failure.Should().BeOfType<InvalidOperationException>();
        AllMessages(failure).Should().Contain("TrustedIssuers");
    }

    [Fact]
    public async Task With_RequireJwt_false_a_call_without_a_token_is_answered()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer], [("CrampCds:Auth:RequireJwt", "false")]);

        using var discovery = await service.Client.DiscoverAsync(null);
        using var hook = await service.Client.OrderSignAsync(null);

        await discovery.ShouldBeAcceptedAsync();
        (await hook.ReadCardsAsync()).ShouldFlagQuinine();
    }

    [Fact]
    public async Task With_RequireJwt_false_a_token_that_is_sent_is_still_checked()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer], [("CrampCds:Auth:RequireJwt", "false")]);
        using var stranger = TestKey.Ec();

        using var good = await service.Client.DiscoverAsync(issuer.ValidToken(SecuredService.DiscoveryPath));
        using var badSignature = await service.Client.DiscoverAsync(issuer.Token(SecuredService.DiscoveryPath).SignWith(stranger));
        using var expired = await service.Client.OrderSignAsync(issuer.ValidToken(SecuredService.OrderSignPath, DateTimeOffset.UtcNow.AddHours(-1)));
        using var garbage = await service.Client.SendRawAsync(HttpMethod.Get, SecuredService.DiscoveryPath, "Bearer garbage");
        using var basic = await service.Client.SendRawAsync(HttpMethod.Get, SecuredService.DiscoveryPath, "Basic dXNlcjpwYXNz");

        await good.ShouldBeAcceptedAsync();
        await badSignature.ShouldBeRefusedAsync();
        await expired.ShouldBeRefusedAsync();
        await garbage.ShouldBeRefusedAsync();
        await basic.ShouldBeRefusedAsync();
    }

    [Fact]
    public async Task With_RequireJwt_false_and_no_trusted_issuer_any_token_sent_is_refused()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var app = new CrampCdsApplication(null, ("CrampCds:Auth:RequireJwt", "false"));
        using var client = app.CreateClient();

        using var withToken = await client.DiscoverAsync(issuer.ValidToken(SecuredService.DiscoveryPath));
        using var without = await client.DiscoverAsync(null);

        await withToken.ShouldBeRefusedAsync("its issuer is not trusted");
        without.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task In_Development_without_PublicBaseUrl_the_audience_is_the_request_url()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var app = new CrampCdsApplication(
            null,
            ("CrampCds:Auth:RequireJwt", "true"),
            ("CrampCds:Auth:TrustedIssuers:0:Issuer", issuer.Issuer),
            ("CrampCds:Auth:TrustedIssuers:0:JwksUrl", issuer.Jwks.Url));
        await using var development = app.WithWebHostBuilder(builder => builder.UseEnvironment("Development"));
        using var client = development.CreateClient();
        var requestUrl = new Uri(client.BaseAddress!, SecuredService.DiscoveryPath).ToString();

        using var local = await client.DiscoverAsync(issuer.Sign(Jwt.Create(issuer.Issuer, requestUrl, DateTimeOffset.UtcNow).WithHeader("jku", issuer.Jwks.Url)));
        using var publicUrl = await client.DiscoverAsync(issuer.ValidToken(SecuredService.DiscoveryPath));

        await local.ShouldBeAcceptedAsync();
        await publicUrl.ShouldBeRefusedAsync("no PublicBaseUrl is set, so only the URL the request came to is the audience");
    }
}
