using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrampCds.Benchmarks;

/// <summary>
/// For the load test with JWT validation: an ES384 key, its JWKS, and <c>count</c> tokens (one per request:
/// a jti is never accepted twice), written one per line.
/// </summary>
public static class Tokens
{
    public const string Issuer = "https://bench.crampcds.test";

    public static int Write(string audience, int count, string directory)
    {
        Directory.CreateDirectory(directory);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = "bench-key" };
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid = jwk.Kid, use = "sig", alg = "ES384" } },
        });
        File.WriteAllText(Path.Combine(directory, "jwks.json"), jwks);

        var handler = new JsonWebTokenHandler();
        var credentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha384);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var writer = new StreamWriter(Path.Combine(directory, "tokens.txt"));
        for (var i = 0; i < count; i++)
        {
            writer.WriteLine(handler.CreateToken(
                $$"""{"iss":"{{Issuer}}","aud":"{{audience}}","iat":{{now}},"exp":{{now + 600}},"jti":"{{Guid.NewGuid()}}"}""",
                credentials));
        }

        Console.WriteLine($"wrote {count} tokens and the JWKS to {directory}");
        return 0;
    }
}
