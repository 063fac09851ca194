using CrampCds.Api.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrampCds.Api.Auth;

/// <summary>The outcome of checking one CDS Hooks JWT: the trusted issuer, or why it was refused.</summary>
public readonly record struct JwtCheck(string? Issuer, string? Failure)
{
    public bool IsValid => Failure is null;

    public static JwtCheck Refused(string reason) => new(null, reason);
}

/// <summary>
/// Checks the JWT an EHR signs each CDS Hooks call with (CDS Hooks 2.0 security): an asymmetric
/// <c>alg</c>, a trusted <c>iss</c>, <c>jku</c> only when it is that issuer's configured JWKS, the key by
/// <c>kid</c>, <c>aud</c> = the URL called, <c>exp</c>/<c>iat</c>/<c>nbf</c> with clock skew, a bounded lifetime,
/// and a <c>jti</c> never seen before.
/// </summary>
public sealed class CdsHooksJwtValidator(JwksCache jwks, IReplayCache replays, CrampCdsOptions options, TimeProvider time)
{
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.RsaSha384,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256,
        SecurityAlgorithms.EcdsaSha512, SecurityAlgorithms.RsaSha512,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<JwtCheck> ValidateAsync(string token, string audience, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return JwtCheck.Refused("malformed");
        }

        if (!Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return JwtCheck.Refused("alg");
        }

        var issuer = options.Auth.TrustedIssuers.FirstOrDefault(i => i.Issuer == jwt.Issuer);
        if (issuer is null)
        {
            return JwtCheck.Refused("iss");
        }

        if (jwt.TryGetHeaderValue<string>("jku", out var jku) && !SameUrl(jku, issuer.JwksUrl))
        {
            return JwtCheck.Refused("jku");
        }

        var signature = await CheckSignatureAsync(token, jwt, issuer, unknownKid: false, cancellationToken);
        if (signature == "kid")
        {
            signature = await CheckSignatureAsync(token, jwt, issuer, unknownKid: true, cancellationToken);
        }

        if (signature is not null)
        {
            return JwtCheck.Refused(signature);
        }

        if (CheckClaims(jwt, audience) is { } failure)
        {
            return JwtCheck.Refused(failure);
        }

        // exp is now within a token lifetime of the present, so it converts safely.
        var expires = DateTimeOffset.FromUnixTimeSeconds((TryGetSeconds(jwt, "exp", out var exp) ? exp : 0) + options.Auth.ClockSkewSeconds);
        return await replays.TryRegisterAsync(jwt.Issuer, jwt.Id, expires, cancellationToken)
            ? new JwtCheck(issuer.Issuer, null)
            : JwtCheck.Refused("replayed");
    }

    private async Task<string?> CheckSignatureAsync(string token, JsonWebToken jwt, TrustedIssuerOptions issuer, bool unknownKid, CancellationToken cancellationToken)
    {
        var keys = await jwks.GetKeysAsync(issuer, unknownKid, cancellationToken);
        if (!string.IsNullOrEmpty(jwt.Kid) && !keys.Any(k => k.KeyId == jwt.Kid))
        {
            return "kid";
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidateIssuer = true,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            ValidAlgorithms = Algorithms,
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = string.IsNullOrEmpty(jwt.Kid),
        });
        return result.IsValid ? null : "signature";
    }

    // Times compare as Unix seconds: a claim far outside the calendar is refused, never an overflow.
    private string? CheckClaims(JsonWebToken jwt, string audience)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        long skew = options.Auth.ClockSkewSeconds;
        if (!jwt.Audiences.Any(a => SameUrl(a, audience)))
        {
            return "aud";
        }

        if (!TryGetSeconds(jwt, "exp", out var expires))
        {
            return "exp-missing";
        }

        if (expires < now - skew)
        {
            return "expired";
        }

        if (!TryGetSeconds(jwt, "iat", out var issued))
        {
            return "iat-missing";
        }

        if (issued > now + skew)
        {
            return "iat-future";
        }

        if (TryGetSeconds(jwt, "nbf", out var notBefore) && notBefore > now + skew)
        {
            return "not-yet-valid";
        }

        if ((decimal)expires - issued > options.Auth.MaxTokenLifetimeSeconds)
        {
            return "lifetime";
        }

        return string.IsNullOrWhiteSpace(jwt.Id) ? "jti-missing" : null;
    }

    private static bool TryGetSeconds(JsonWebToken jwt, string claim, out long value)
    {
        if (jwt.TryGetPayloadValue<long>(claim, out value))
        {
            return true;
        }

        if (jwt.TryGetPayloadValue<double>(claim, out var fractional) && fractional is > -1e15 and < 1e15)
        {
            value = (long)fractional;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>URLs compare on their parsed form, ignoring a trailing slash and doubled slashes in the path.</summary>
    public static bool SameUrl(string? left, string? right) =>
        Normalize(left) is { } a && Normalize(right) is { } b && string.Equals(a, b, StringComparison.Ordinal);

    private static string? Normalize(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var path = uri.AbsolutePath;
        while (path.Contains("//", StringComparison.Ordinal))
        {
            path = path.Replace("//", "/", StringComparison.Ordinal);
        }

        return $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}{path.TrimEnd('/')}{uri.Query}";
    }
}
