using System.Globalization;
using System.Net;
using CrampCds.Api.Tests.Auth;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CrampCds.Api.Tests.Infrastructure;

/// <summary>
/// CrampCds:Limits:RequestsPerMinute on the CDS Hooks routes: 429 with Retry-After (whole seconds) once a client's
/// budget is spent; a budget per JWT issuer when tokens are in use, else per client IP; off at 0.
/// </summary>
public sealed class RateLimitExtensionsTests
{
    private const string ClientIpHeader = "X-Test-Client-Ip";

    /// <summary>Lets a test say which IP a request comes from (the in-process test server has none).</summary>
    private sealed class ClientIpFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(ClientIpHeader, out var ip))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static async Task<HttpStatusCode> DiscoverFromAsync(HttpClient client, string ip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Add(ClientIpHeader, ip);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task The_call_over_the_budget_gets_429_with_Retry_After_in_whole_seconds()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Limits:RequestsPerMinute", "3"));
        using var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(new Uri("/cds-services", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        using var limited = await client.GetAsync(new Uri("/cds-services", UriKind.Relative));

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.OK);
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        var retryAfter = limited.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null;
        retryAfter.Should().MatchRegex("^[0-9]+$", "Retry-After is delta-seconds");
        int.Parse(retryAfter!, CultureInfo.InvariantCulture).Should().BeInRange(1, 60, "the window is one minute");
    }

    [Fact]
    public async Task Hook_calls_and_discovery_share_the_budget()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Limits:RequestsPerMinute", "2"));
        using var client = app.CreateClient();

        using var discovery = await client.GetAsync(new Uri("/cds-services", UriKind.Relative));
        using var hook = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
        using var limited = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);

        discovery.StatusCode.Should().Be(HttpStatusCode.OK);
        hook.StatusCode.Should().Be(HttpStatusCode.OK);
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Each_trusted_issuer_has_its_own_budget()
    {
        await using var a = await TestIssuer.StartAsync("https://ehr-a.example.org");
        await using var b = await TestIssuer.StartAsync("https://ehr-b.example.org", TestKey.Rsa(), sendsJku: false);
        await using var service = SecuredService.Create([a, b], [("CrampCds:Limits:RequestsPerMinute", "3")]);
        const string path = SecuredService.DiscoveryPath;

        for (var i = 0; i < 3; i++)
        {
            using var response = await service.Client.DiscoverAsync(a.ValidToken(path));
            await response.ShouldBeAcceptedAsync();
        }

        using var aLimited = await service.Client.DiscoverAsync(a.ValidToken(path));
        using var bFirst = await service.Client.DiscoverAsync(b.ValidToken(path));

        aLimited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "issuer A has spent its budget");
        aLimited.Headers.Contains("Retry-After").Should().BeTrue();
        await bFirst.ShouldBeAcceptedAsync("issuer B's budget is its own");
    }

    [Fact]
    public async Task Without_tokens_each_client_IP_has_its_own_budget()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Limits:RequestsPerMinute", "2"));
        await using var withIps = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, ClientIpFromHeader>()));
        using var client = withIps.CreateClient();

        var first = new[] { await DiscoverFromAsync(client, "192.0.2.1"), await DiscoverFromAsync(client, "192.0.2.1"), await DiscoverFromAsync(client, "192.0.2.1") };
        var second = await DiscoverFromAsync(client, "192.0.2.2");

        first.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests);
        second.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_limit_is_off_at_zero()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Limits:RequestsPerMinute", "0"));
        using var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 25; i++)
        {
            using var response = await client.GetAsync(new Uri("/cds-services", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Preflights_are_answered_before_the_limiter_and_do_not_spend_the_budget()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Limits:RequestsPerMinute", "1"), ("CrampCds:Cors:AllowedOrigins:0", "*"));
        using var client = app.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/cds-services");
            preflight.Headers.Add("Origin", "https://sandbox.cds-hooks.org");
            preflight.Headers.Add("Access-Control-Request-Method", "GET");
            using var answer = await client.SendAsync(preflight);
            answer.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        using var response = await client.GetAsync(new Uri("/cds-services", UriKind.Relative));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
