using Microsoft.IdentityModel.Tokens;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// A trusted EHR for the service under test: its <c>iss</c>, its signing key and its JWKS endpoint (a
/// <see cref="JwksStub"/> serving the key). Sandbox-style issuers put <c>jku</c> in the header; Epic-style ones do not.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private TestIssuer(string issuer, TestKey key, JwksStub jwks, bool sendsJku)
    {
        Issuer = issuer;
        Key = key;
        Jwks = jwks;
        SendsJku = sendsJku;
    }

    public string Issuer { get; }

    public TestKey Key { get; }

    public JwksStub Jwks { get; }

    public bool SendsJku { get; }

    /// <param name="issuer">The <c>iss</c> (configured as TrustedIssuers:N:Issuer).</param>
    /// <param name="key">The signing key; default a fresh ES384 (P-384) key, as the sandbox signs.</param>
    /// <param name="sendsJku">Whether tokens carry <c>jku</c> = the JWKS URL in their header.</param>
    public static async Task<TestIssuer> StartAsync(string issuer = "https://ehr.example.org", TestKey? key = null, bool sendsJku = true)
    {
        key ??= TestKey.Ec(SecurityAlgorithms.EcdsaSha384);
        var jwks = await JwksStub.StartAsync(key);
        return new TestIssuer(issuer, key, jwks, sendsJku);
    }

    /// <summary>The configuration that trusts this issuer as TrustedIssuers:<paramref name="index"/>.</summary>
    public IEnumerable<(string Key, string? Value)> Settings(int index) =>
    [
        ($"CrampCds:Auth:TrustedIssuers:{index}:Issuer", Issuer),
        ($"CrampCds:Auth:TrustedIssuers:{index}:JwksUrl", Jwks.Url),
    ];

    /// <summary>A sandbox-like token for the endpoint at <paramref name="path"/> (aud = PublicBaseUrl + path), not yet signed.</summary>
    public Jwt Token(string path, DateTimeOffset? issuedAt = null)
    {
        var jwt = Jwt.Create(Issuer, SecuredService.Audience(path), issuedAt ?? DateTimeOffset.UtcNow);
        if (SendsJku)
        {
            jwt.WithHeader("jku", Jwks.Url);
        }

        return jwt;
    }

    public string Sign(Jwt jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        return jwt.SignWith(Key);
    }

    /// <summary>A fresh valid token for <paramref name="path"/>.</summary>
    public string ValidToken(string path, DateTimeOffset? issuedAt = null) => Sign(Token(path, issuedAt));

    public async ValueTask DisposeAsync()
    {
        await Jwks.DisposeAsync();
        Key.Dispose();
    }
}
