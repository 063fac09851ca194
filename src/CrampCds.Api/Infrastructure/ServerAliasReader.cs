using Microsoft.Extensions.Configuration;

namespace CrampCds.Api.Infrastructure;

/// <summary>
/// Configuration splits keys on ':', so "ServerAliases:http://localhost:8080/fhir" arrives as nested
/// sections; this puts the URL back together from the path below the section.
/// </summary>
public static class ServerAliasReader
{
    public static Dictionary<string, string> Read(IConfiguration configuration)
    {
        var section = configuration.GetSection($"{CrampCdsOptions.SectionName}:Fhir:ServerAliases");
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                aliases[key.TrimEnd('/')] = value.TrimEnd('/');
            }
        }

        return aliases;
    }
}
