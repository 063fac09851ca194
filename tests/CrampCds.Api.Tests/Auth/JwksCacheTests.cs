using FluentAssertions;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// Where keys come from: the issuer's configured JWKS URL, fetched once and cached; fetched again for an unknown
/// <c>kid</c> at most once per JwksRefreshMinSeconds (so a stream of bad tokens cannot hammer the EHR); key rotation;
/// and a JWKS endpoint that fails.
/// </summary>
public sealed class JwksCacheTests
{
    private const string Discovery = SecuredService.DiscoveryPath;

    [Fact]
    public async Task The_JWKS_is_fetched_once_and_cached_across_calls()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer]);

        for (var i = 0; i < 5; i++)
        {
            using var response = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery));
            await response.ShouldBeAcceptedAsync();
        }

        issuer.Jwks.Fetches.Should().Be(1);
    }

    [Fact]
    public async Task An_unknown_kid_refetches_the_JWKS_once_then_not_again_within_JwksRefreshMinSeconds()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer], [("CrampCds:Auth:JwksRefreshMinSeconds", "30")], clock);
        using var stranger = TestKey.Ec();

        using (var known = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery, clock.Now)))
        {
            await known.ShouldBeAcceptedAsync();
        }

        issuer.Jwks.Fetches.Should().Be(1);

        clock.Advance(TimeSpan.FromSeconds(31));
        using (var unknown = await service.Client.DiscoverAsync(issuer.Token(Discovery, clock.Now).SignWith(stranger)))
        {
            await unknown.ShouldBeRefusedAsync("the kid is not in the JWKS even after it was fetched again");
        }

        issuer.Jwks.Fetches.Should().Be(2, "an unknown kid fetches the JWKS again, once");

        clock.Advance(TimeSpan.FromSeconds(10));
        using (var again = await service.Client.DiscoverAsync(issuer.Token(Discovery, clock.Now).SignWith(stranger)))
        {
            await again.ShouldBeRefusedAsync();
        }

        issuer.Jwks.Fetches.Should().Be(2, "within JwksRefreshMinSeconds of the last fetch the JWKS is not fetched again");

        clock.Advance(TimeSpan.FromSeconds(25));
        using (var later = await service.Client.DiscoverAsync(issuer.Token(Discovery, clock.Now).SignWith(stranger)))
        {
            await later.ShouldBeRefusedAsync();
        }

        issuer.Jwks.Fetches.Should().Be(3, "once JwksRefreshMinSeconds have passed an unknown kid may refetch again");
    }

    [Fact]
    public async Task A_burst_of_unknown_kids_fetches_the_JWKS_at_most_once_more()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer], [("CrampCds:Auth:JwksRefreshMinSeconds", "30")], clock);
        using (var known = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery, clock.Now)))
        {
            await known.ShouldBeAcceptedAsync();
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        var strangers = Enumerable.Range(0, 10).Select(_ => TestKey.Ec()).ToArray();
        try
        {
            var responses = await Task.WhenAll(strangers.Select(k => service.Client.DiscoverAsync(issuer.Token(Discovery, clock.Now).SignWith(k))));
            foreach (var response in responses)
            {
                await response.ShouldBeRefusedAsync();
                response.Dispose();
            }
        }
        finally
        {
            foreach (var key in strangers)
            {
                key.Dispose();
            }
        }

        issuer.Jwks.Fetches.Should().Be(2);
    }

    [Fact]
    public async Task After_key_rotation_the_new_kid_is_accepted_and_the_retired_one_refused()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer], [("CrampCds:Auth:JwksRefreshMinSeconds", "0")]);
        using var next = TestKey.Ec();

        using (var before = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery)))
        {
            await before.ShouldBeAcceptedAsync();
        }

        using (var early = await service.Client.DiscoverAsync(issuer.Token(Discovery).SignWith(next)))
        {
            await early.ShouldBeRefusedAsync("the new key is not published yet");
        }

        issuer.Jwks.Serve(next);
        var fetches = issuer.Jwks.Fetches;

        using (var rotated = await service.Client.DiscoverAsync(issuer.Token(Discovery).SignWith(next)))
        {
            await rotated.ShouldBeAcceptedAsync("its kid is unknown to the cache, so the JWKS is fetched again and holds it");
        }

        issuer.Jwks.Fetches.Should().Be(fetches + 1);

        using var retired = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery));
        await retired.ShouldBeRefusedAsync("the old key is no longer published");
    }

    [Theory]
    [InlineData(500, """{"error":"down"}""")]
    [InlineData(200, "this is not JSON")]
    [InlineData(200, """{"keys":"nope"}""")]
    [InlineData(200, """{"keys":[{"kty":"EC","crv":"P-384","kid":"x"}]}""")]
    [InlineData(302, "")]
    [InlineData(404, "")]
    public async Task A_failing_JWKS_endpoint_means_401_never_500(int status, string body)
    {
        await using var issuer = await TestIssuer.StartAsync();
        issuer.Jwks.Respond(status, body);
        await using var service = SecuredService.Create([issuer], [("CrampCds:Auth:JwksRefreshMinSeconds", "0")]);

        using var response = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery));

        await response.ShouldBeRefusedAsync();
        issuer.Jwks.Fetches.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task When_the_JWKS_endpoint_recovers_its_keys_are_used()
    {
        await using var issuer = await TestIssuer.StartAsync();
        issuer.Jwks.Respond(503, "");
        await using var service = SecuredService.Create([issuer], [("CrampCds:Auth:JwksRefreshMinSeconds", "0")]);
        using (var down = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery)))
        {
            await down.ShouldBeRefusedAsync();
        }

        issuer.Jwks.Serve(issuer.Key);

        using var up = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery));
        await up.ShouldBeAcceptedAsync();
    }

    [Fact]
    public async Task A_JWKS_outage_after_a_good_fetch_keeps_the_cached_keys()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var service = SecuredService.Create([issuer], [("CrampCds:Auth:JwksRefreshMinSeconds", "0")]);
        using var stranger = TestKey.Ec();
        using (var first = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery)))
        {
            await first.ShouldBeAcceptedAsync();
        }

        issuer.Jwks.Respond(500, "");
        using (var unknown = await service.Client.DiscoverAsync(issuer.Token(Discovery).SignWith(stranger)))
        {
            await unknown.ShouldBeRefusedAsync("its refetch fails");
        }

        using var known = await service.Client.DiscoverAsync(issuer.ValidToken(Discovery));
        await known.ShouldBeAcceptedAsync("a failed refetch does not throw away the keys held");
    }
}
