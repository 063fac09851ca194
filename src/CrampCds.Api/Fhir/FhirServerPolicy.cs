using CrampCds.Api.Infrastructure;

namespace CrampCds.Api.Fhir;

/// <summary>
/// The SSRF guard: the only FHIR servers this service calls are the configured ones, compared on the
/// parsed scheme, host, port and path prefix (never as a string prefix, so https://fhir.x.org does not
/// admit https://fhir.x.org.evil.com).
/// </summary>
public sealed class FhirServerPolicy
{
    private readonly Uri[] _allowed;
    private readonly (Uri From, Uri To)[] _aliases;
    private readonly bool _allowHttp;

    public FhirServerPolicy(CrampCdsOptions options)
    {
        _allowHttp = options.Fhir.AllowHttp;
        _allowed = options.Fhir.AllowedServers
            .Select(s => Uri.TryCreate(s.Trim(), UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .ToArray();
        _aliases = options.Fhir.ServerAliases
            .Select(a => Uri.TryCreate(a.Key, UriKind.Absolute, out var from) && Uri.TryCreate(a.Value, UriKind.Absolute, out var to) ? (from, to) : default)
            .Where(a => a.from is not null)
            .ToArray()!;
    }

    /// <summary>The base URL to fetch from for the EHR's <paramref name="fhirServer"/>, or null when it may not be called.</summary>
    public Uri? Resolve(Uri fhirServer)
    {
        var target = fhirServer;
        foreach (var (from, to) in _aliases)
        {
            if (IsUnder(fhirServer, from))
            {
                var rest = fhirServer.AbsolutePath[TrimmedPath(from).Length..];
                target = new Uri(TrimmedPath(to) is var toPath && toPath.Length > 0
                    ? $"{to.GetLeftPart(UriPartial.Authority)}{toPath}{rest}"
                    : $"{to.GetLeftPart(UriPartial.Authority)}{rest}");
                break;
            }
        }

        return IsAllowed(target) ? new Uri(target.GetLeftPart(UriPartial.Authority) + TrimmedPath(target)) : null;
    }

    /// <summary>True when <paramref name="url"/> may be called: https (or http when allowed) and under an allowed base.</summary>
    public bool IsAllowed(Uri url)
    {
        if (!url.IsAbsoluteUri || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Fragment))
        {
            return false;
        }

        if (url.Scheme != Uri.UriSchemeHttps && !(_allowHttp && url.Scheme == Uri.UriSchemeHttp))
        {
            return false;
        }

        foreach (var allowed in _allowed)
        {
            if (IsUnder(url, allowed))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Same scheme, host and port, and the path starts with the base path on a segment boundary.</summary>
    public static bool IsUnder(Uri url, Uri baseUrl)
    {
        if (!string.Equals(url.Scheme, baseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(url.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
            || url.Port != baseUrl.Port)
        {
            return false;
        }

        var basePath = TrimmedPath(baseUrl);
        var path = url.AbsolutePath;
        return basePath.Length == 0
            || (path.StartsWith(basePath, StringComparison.Ordinal) && (path.Length == basePath.Length || path[basePath.Length] == '/'));
    }

    private static string TrimmedPath(Uri uri) => uri.AbsolutePath.TrimEnd('/');
}
