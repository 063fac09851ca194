using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// A signing key made by the test (EC P-256/P-384/P-521 or RSA 2048) with the public JWK a JWKS publishes for it.
/// The private half never leaves the test.
/// </summary>
public sealed class TestKey : IDisposable
{
    private readonly AsymmetricAlgorithm _material;

    private TestKey(AsymmetricAlgorithm material, SecurityKey privateKey, JsonObject publicJwk, string algorithm)
    {
        _material = material;
        PrivateKey = privateKey;
        PublicJwk = publicJwk;
        Algorithm = algorithm;
    }

    public string Kid => PrivateKey.KeyId;

    /// <summary>The JWS <c>alg</c> tokens signed with this key carry.</summary>
    public string Algorithm { get; }

    public SecurityKey PrivateKey { get; }

    /// <summary>The public JWK (no private parameters), as published in a JWKS.</summary>
    public JsonObject PublicJwk { get; }

    /// <summary>The DER SubjectPublicKeyInfo of the public key: what an HS256 key-confusion attack uses as the HMAC secret.</summary>
    public byte[] PublicKeyBytes => _material switch
    {
        ECDsa ec => ec.ExportSubjectPublicKeyInfo(),
        RSA rsa => rsa.ExportSubjectPublicKeyInfo(),
        _ => throw new InvalidOperationException("unknown key type"),
    };

    /// <summary>An EC key on the curve the algorithm needs (ES256: P-256, ES384: P-384, ES512: P-521).</summary>
    public static TestKey Ec(string algorithm = SecurityAlgorithms.EcdsaSha384, string? kid = null)
    {
        var (curve, name) = algorithm switch
        {
            SecurityAlgorithms.EcdsaSha256 => (ECCurve.NamedCurves.nistP256, "P-256"),
            SecurityAlgorithms.EcdsaSha384 => (ECCurve.NamedCurves.nistP384, "P-384"),
            SecurityAlgorithms.EcdsaSha512 => (ECCurve.NamedCurves.nistP521, "P-521"),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "not an ECDSA algorithm"),
        };
        var ecdsa = ECDsa.Create(curve);
        kid ??= "ec-" + Guid.NewGuid().ToString("N")[..12];
        var point = ecdsa.ExportParameters(includePrivateParameters: false).Q;
        var jwk = new JsonObject
        {
            ["kty"] = "EC",
            ["use"] = "sig",
            ["crv"] = name,
            ["kid"] = kid,
            ["x"] = Base64UrlEncoder.Encode(point.X),
            ["y"] = Base64UrlEncoder.Encode(point.Y),
            ["alg"] = algorithm,
        };
        return new TestKey(ecdsa, new ECDsaSecurityKey(ecdsa) { KeyId = kid }, jwk, algorithm);
    }

    /// <summary>An RSA 2048 key for RS256/RS384/RS512.</summary>
    public static TestKey Rsa(string algorithm = SecurityAlgorithms.RsaSha384, string? kid = null)
    {
        var rsa = RSA.Create(2048);
        kid ??= "rsa-" + Guid.NewGuid().ToString("N")[..12];
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["alg"] = algorithm,
        };
        return new TestKey(rsa, new RsaSecurityKey(rsa) { KeyId = kid }, jwk, algorithm);
    }

    public void Dispose() => _material.Dispose();
}
