using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FluentAssertions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// The service in-process with JWTs required (CrampCds:Auth:RequireJwt=true), PublicBaseUrl
/// <see cref="PublicBaseUrl"/> and the given issuers trusted; optionally a fixed clock, a log capture and a FHIR server.
/// </summary>
public sealed class SecuredService : IAsyncDisposable
{
    public const string PublicBaseUrl = "https://cds.example.org";
    public const string DiscoveryPath = "/cds-services";
    public const string OrderSignPath = "/cds-services/" + HookCall.OrderSignId;
    public const string OrderSelectPath = "/cds-services/" + HookCall.OrderSelectId;

    private readonly CrampCdsApplication _app;
    private readonly WebApplicationFactory<Program> _factory;
    private HttpClient? _client;

    private SecuredService(CrampCdsApplication app, WebApplicationFactory<Program> factory)
    {
        _app = app;
        _factory = factory;
    }

    /// <summary>The <c>aud</c> a token for <paramref name="path"/> carries: PublicBaseUrl + path.</summary>
    public static string Audience(string path) => PublicBaseUrl + path;

    /// <summary>A client of the service (started on first use).</summary>
    public HttpClient Client => _client ??= _factory.CreateClient();

    public IServiceProvider Services => _factory.Services;

    /// <param name="issuers">Trusted as TrustedIssuers:0, :1, ...</param>
    /// <param name="settings">Further configuration, applied last (so it can undo the defaults above).</param>
    /// <param name="clock">Replaces the service's TimeProvider.</param>
    /// <param name="logs">Added as one more logger provider.</param>
    /// <param name="fhirServer">Allowlisted FHIR server.</param>
    /// <param name="services">Any other test service replacement.</param>
    public static SecuredService Create(
        IReadOnlyList<TestIssuer> issuers,
        IEnumerable<(string Key, string? Value)>? settings = null,
        TimeProvider? clock = null,
        ILoggerProvider? logs = null,
        Uri? fhirServer = null,
        Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(issuers);
        var all = new List<(string Key, string? Value)>
        {
            ("CrampCds:Auth:RequireJwt", "true"),
            ("CrampCds:PublicBaseUrl", PublicBaseUrl),
        };
        for (var i = 0; i < issuers.Count; i++)
        {
            all.AddRange(issuers[i].Settings(i));
        }

        all.AddRange(settings ?? []);
        var app = new CrampCdsApplication(fhirServer, [.. all]);
        var factory = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(s =>
        {
            if (clock is not null)
            {
                s.AddSingleton(clock);
            }

            if (logs is not null)
            {
                s.AddSingleton(logs);
            }

            services?.Invoke(s);
        }));
        return new SecuredService(app, factory);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await _factory.DisposeAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Calls with a bearer token (or any Authorization header) and the checks on what comes back.</summary>
public static class AuthCalls
{
    /// <summary>GET /cds-services with <c>Authorization: Bearer {token}</c> (none when null).</summary>
    public static Task<HttpResponseMessage> DiscoverAsync(this HttpClient client, string? token) =>
        client.SendRawAsync(HttpMethod.Get, SecuredService.DiscoveryPath, token is null ? null : "Bearer " + token);

    /// <summary>POST a valid order-sign hook call (quinine draft, complete prefetch) to <paramref name="path"/>.</summary>
    public static Task<HttpResponseMessage> OrderSignAsync(this HttpClient client, string? token, string path = SecuredService.OrderSignPath) =>
        client.SendRawAsync(HttpMethod.Post, path, token is null ? null : "Bearer " + token, HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch());

    /// <summary>A request with this exact Authorization header value (none when null) and an optional hook body.</summary>
    public static async Task<HttpResponseMessage> SendRawAsync(this HttpClient client, HttpMethod method, string path, string? authorization, HookCall? body = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization).Should().BeTrue();
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.Body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    /// <summary>POST this JSON to <paramref name="path"/> with <c>Authorization: Bearer {token}</c> (none when null).</summary>
    public static async Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string? token, string json)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token).Should().BeTrue();
        }

        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.SendAsync(request);
    }

    /// <summary>401, <c>WWW-Authenticate: Bearer</c>, and nothing else said (empty body).</summary>
    public static async Task ShouldBeRefusedAsync(this HttpResponseMessage response, string because = "")
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, because);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Should().Be(new AuthenticationHeaderValue("Bearer"));
        body.Should().BeEmpty("a refusal gives no detail");
    }

    /// <summary>200: the token was accepted and the call answered.</summary>
    public static async Task ShouldBeAcceptedAsync(this HttpResponseMessage response, string because = "")
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, "{0} (the body was {1})", because, body);
        response.Headers.WwwAuthenticate.Should().BeEmpty();
    }
}
