using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CrampCds.Benchmarks;

/// <summary>
/// The load test's baseline: a bare minimal API that reads the same body, parses it once and returns a
/// fixed card. The ratio of CrampCds's throughput to this one is the figure reported. With <c>--jwks FILE</c> it
/// also checks each request's ES384 bearer token signature (nothing else) against that JWKS's key: the floor for any
/// service that verifies every token.
/// </summary>
public static class BareService
{
    private const string FixedCard = """{"cards":[{"uuid":"00000000-0000-0000-0000-000000000001","summary":"Fixed card","indicator":"info","source":{"label":"bare"}}]}""";

    public static async Task<int> RunAsync(string[] args)
    {
        var jwksAt = Array.IndexOf(args, "--jwks");
        var jwks = jwksAt >= 0 && jwksAt + 1 < args.Length ? File.ReadAllText(args[jwksAt + 1]) : null;
        var builder = WebApplication.CreateSlimBuilder(jwksAt >= 0 ? [.. args[..jwksAt], .. args[(jwksAt + 2)..]] : args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        using var key = jwks is null ? null : new ThreadLocal<ECDsa>(() => Es384Key(jwks), trackAllValues: true);
        app.MapPost("/cds-services/{id}", async (HttpRequest request) =>
        {
            if (key is not null && !SignatureHolds(request.Headers.Authorization.ToString(), key.Value!))
            {
                return Results.Unauthorized();
            }

            using var document = await JsonDocument.ParseAsync(request.Body);
            return document.RootElement.TryGetProperty("hook", out _) ? Results.Text(FixedCard, "application/json") : Results.BadRequest();
        });
        await app.RunAsync();
        foreach (var ecdsa in key?.Values ?? [])
        {
            ecdsa.Dispose();
        }

        return 0;
    }

    private static ECDsa Es384Key(string jwks)
    {
        var jwk = JsonDocument.Parse(jwks).RootElement.GetProperty("keys")[0];
        return ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP384,
            Q = new ECPoint
            {
                X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()),
                Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()),
            },
        });
    }

    // The JWS signature (r || s) over "header.payload", with SHA-384.
    private static bool SignatureHolds(string authorization, ECDsa key)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        var token = authorization.AsSpan(7);
        var dot = token.LastIndexOf('.');
        return dot > 0 && key.VerifyData(Encoding.ASCII.GetBytes(token[..dot].ToString()), Base64Url.DecodeFromChars(token[(dot + 1)..]), HashAlgorithmName.SHA384);
    }
}
