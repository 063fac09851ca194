using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// A CDS Hooks JWT under construction: exactly the claims and header fields set here, nothing added (no default
/// <c>exp</c>/<c>iat</c>/<c>nbf</c>), then signed with a <see cref="TestKey"/> (header <c>alg</c>, <c>typ</c> JWT, <c>kid</c>).
/// </summary>
public sealed class Jwt
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public JsonObject Payload { get; } = new();

    /// <summary>Header fields besides <c>alg</c>, <c>typ</c> and <c>kid</c> (e.g. <c>jku</c>).</summary>
    public Dictionary<string, object> Header { get; } = new(StringComparer.Ordinal);

    /// <summary>As the sandbox signs: iss, aud, iat, exp = iat + lifetime, a fresh jti; no sub, no nbf.</summary>
    public static Jwt Create(string issuer, string audience, DateTimeOffset issuedAt, int lifetimeSeconds = 300)
    {
        var jwt = new Jwt();
        jwt.Payload["iss"] = issuer;
        jwt.Payload["aud"] = audience;
        jwt.Payload["iat"] = issuedAt.ToUnixTimeSeconds();
        jwt.Payload["exp"] = issuedAt.ToUnixTimeSeconds() + lifetimeSeconds;
        jwt.Payload["jti"] = Guid.NewGuid().ToString();
        return jwt;
    }

    public Jwt With(string claim, JsonNode? value)
    {
        Payload[claim] = value;
        return this;
    }

    public Jwt Without(string claim)
    {
        Payload.Remove(claim);
        return this;
    }

    public Jwt WithHeader(string name, object value)
    {
        Header[name] = value;
        return this;
    }

    public Jwt WithoutHeader(string name)
    {
        Header.Remove(name);
        return this;
    }

    public string SignWith(TestKey key) => SignWith(key.PrivateKey, key.Algorithm);

    public string SignWith(SecurityKey key, string algorithm) =>
        Handler.CreateToken(Payload.ToJsonString(), new SigningCredentials(key, algorithm), Header);

    /// <summary><c>alg: none</c> and an empty signature.</summary>
    public string WithoutSignature()
    {
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT" };
        foreach (var (name, value) in Header)
        {
            header[name] = JsonValue.Create(value);
        }

        return $"{Encode(header)}.{Encode(Payload)}.";
    }

    /// <summary>The token with its payload segment decoded, changed and re-encoded; header and signature kept.</summary>
    public static string TamperPayload(string token, Action<JsonObject> change)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(change);
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        change(payload);
        parts[1] = Encode(payload);
        return string.Join('.', parts);
    }

    /// <summary>The decoded header of a compact token.</summary>
    public static JsonObject DecodeHeader(string token) =>
        JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[0]))!.AsObject();

    private static string Encode(JsonNode node) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(node.ToJsonString()));
}
