using System.Net;
using System.Text;
using CrampCds.Api.Tests.Auth;
using FluentAssertions;

namespace CrampCds.Api.Tests.Infrastructure;

/// <summary>
/// CORS for browser clients such as the CDS Hooks sandbox: preflights answered before authentication on every
/// CDS Hooks route, the allow-origin header on every answer (errors included, or the browser hides the status),
/// only for configured origins, and nothing at all when none are configured.
/// </summary>
public sealed class CorsExtensionsTests
{
    private const string Sandbox = "https://sandbox.cds-hooks.org";
    private const string Stranger = "https://evil.example.org";

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient client, string path, string origin = Sandbox)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? token, string? body = null, string origin = Sandbox)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", origin);
        if (token is not null)
        {
            request.Headers.Add("Authorization", "Bearer " + token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static string[] List(string? header) =>
        (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string HookBody() => HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().Body.ToJsonString();

    [Theory]
    [InlineData("/cds-services")]
    [InlineData("/cds-services/" + HookCall.OrderSignId)]
    [InlineData("/cds-services/" + HookCall.OrderSignId + "/feedback")]
    public async Task A_preflight_is_answered_before_authentication_with_the_headers_the_sandbox_needs(string path)
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer], [("CrampCds:Cors:AllowedOrigins:0", "*")]);

        using var response = await PreflightAsync(service.Client, path);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent, "a preflight carries no Authorization and must not be refused");
        Header(response, "Access-Control-Allow-Origin").Should().Be("*");
        List(Header(response, "Access-Control-Allow-Headers")).Should().Contain(["Authorization", "Content-Type", "Accept"]);
        List(Header(response, "Access-Control-Allow-Methods")).Should().Contain(["GET", "POST", "OPTIONS"]);
        response.Headers.WwwAuthenticate.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_answer_carries_the_allow_origin_header_errors_included()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create(
            [issuer],
            [("CrampCds:Cors:AllowedOrigins:0", "*"), ("CrampCds:Limits:MaxBodyBytes", "2000")]);
        var client = service.Client;
        const string orderSign = SecuredService.OrderSignPath;

        using var ok = await SendAsync(client, HttpMethod.Get, SecuredService.DiscoveryPath, issuer.ValidToken(SecuredService.DiscoveryPath));
        using var badRequest = await SendAsync(client, HttpMethod.Post, orderSign, issuer.ValidToken(orderSign), """{"hook": "order-sign", "context": {""");
        using var unauthorized = await SendAsync(client, HttpMethod.Post, orderSign, null, HookBody());
        using var notFound = await SendAsync(client, HttpMethod.Post, "/cds-services/no-such-service", issuer.ValidToken("/cds-services/no-such-service"), HookBody());
        using var tooLarge = await SendAsync(client, HttpMethod.Post, orderSign, issuer.ValidToken(orderSign), HookBody() + new string(' ', 4000));

        var answers = new[] { ok, badRequest, unauthorized, notFound, tooLarge };
        answers.Select(r => r.StatusCode).Should().Equal(
            HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.RequestEntityTooLarge);
        foreach (var answer in answers)
        {
            Header(answer, "Access-Control-Allow-Origin").Should().Be("*", "the {0} answer must be readable by the browser", answer.StatusCode);
        }

        List(Header(unauthorized, "Access-Control-Expose-Headers")).Should().Contain("WWW-Authenticate");
    }

    [Fact]
    public async Task A_429_carries_the_allow_origin_header_and_exposes_Retry_After()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Cors:AllowedOrigins:0", "*"), ("CrampCds:Limits:RequestsPerMinute", "1"));
        using var client = app.CreateClient();

        using var first = await SendAsync(client, HttpMethod.Get, "/cds-services", null);
        using var limited = await SendAsync(client, HttpMethod.Get, "/cds-services", null);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        Header(limited, "Access-Control-Allow-Origin").Should().Be("*");
        List(Header(limited, "Access-Control-Expose-Headers")).Should().Contain("Retry-After");
    }

    [Fact]
    public async Task A_configured_origin_is_echoed_and_another_origin_gets_no_CORS_headers()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Cors:AllowedOrigins:0", Sandbox));
        using var client = app.CreateClient();

        using var allowed = await SendAsync(client, HttpMethod.Get, "/cds-services", null);
        using var other = await SendAsync(client, HttpMethod.Get, "/cds-services", null, origin: Stranger);
        using var allowedPreflight = await PreflightAsync(client, "/cds-services");
        using var otherPreflight = await PreflightAsync(client, "/cds-services", Stranger);

        Header(allowed, "Access-Control-Allow-Origin").Should().Be(Sandbox);
        List(Header(allowed, "Vary")).Should().Contain("Origin", "the answer depends on the Origin, so caches must key on it");
        Header(allowedPreflight, "Access-Control-Allow-Origin").Should().Be(Sandbox);
        allowedPreflight.StatusCode.Should().Be(HttpStatusCode.NoContent);

        other.StatusCode.Should().Be(HttpStatusCode.OK, "CORS is for browsers; the server still answers");
        Header(other, "Access-Control-Allow-Origin").Should().BeNull();
        Header(otherPreflight, "Access-Control-Allow-Origin").Should().BeNull();
        Header(otherPreflight, "Access-Control-Allow-Methods").Should().BeNull();
        Header(otherPreflight, "Access-Control-Allow-Headers").Should().BeNull();
    }

    [Fact]
    public async Task A_configured_origin_with_a_trailing_slash_matches_the_Origin_header()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Cors:AllowedOrigins:0", Sandbox + "/"));
        using var client = app.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, "/cds-services", null);

        Header(response, "Access-Control-Allow-Origin").Should().Be(Sandbox);
    }

    [Fact]
    public async Task An_origin_that_merely_starts_like_an_allowed_one_is_not_allowed()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Cors:AllowedOrigins:0", Sandbox));
        using var client = app.CreateClient();

        using var suffix = await SendAsync(client, HttpMethod.Get, "/cds-services", null, origin: Sandbox + ".evil.example.org");
        using var scheme = await SendAsync(client, HttpMethod.Get, "/cds-services", null, origin: "http://sandbox.cds-hooks.org");
        using var nullOrigin = await SendAsync(client, HttpMethod.Get, "/cds-services", null, origin: "null");

        Header(suffix, "Access-Control-Allow-Origin").Should().BeNull();
        Header(scheme, "Access-Control-Allow-Origin").Should().BeNull();
        Header(nullOrigin, "Access-Control-Allow-Origin").Should().BeNull();
    }

    [Fact]
    public async Task With_no_origins_configured_there_are_no_CORS_headers_at_all()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var get = await SendAsync(client, HttpMethod.Get, "/cds-services", null);
        using var preflight = await PreflightAsync(client, "/cds-services");

        get.StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var response in new[] { get, preflight })
        {
            response.Headers.Select(h => h.Key).Should().NotContain(h => h.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task A_request_without_an_Origin_gets_no_CORS_headers()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Cors:AllowedOrigins:0", "*"));
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/cds-services", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Select(h => h.Key).Should().NotContain(h => h.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }
}
