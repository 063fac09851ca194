using Microsoft.Extensions.Options;

namespace CrampCds.Api.Infrastructure;

public static class OptionsExtensions
{
    public static IServiceCollection AddCrampCdsOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CrampCdsOptions>()
            .Bind(configuration.GetSection(CrampCdsOptions.SectionName))
            .PostConfigure(o => o.Fhir.ServerAliases = ServerAliasReader.Read(configuration))
            .Validate(o => o.Fhir.TimeoutMs is > 0 and <= 60_000, "CrampCds:Fhir:TimeoutMs must be between 1 and 60000")
            .Validate(o => o.Fhir.MaxPages is > 0 and <= 100, "CrampCds:Fhir:MaxPages must be between 1 and 100")
            .Validate(o => o.Limits.MaxBodyBytes > 0, "CrampCds:Limits:MaxBodyBytes must be positive")
            .Validate(o => o.Fhir.AllowedServers.All(s => Uri.TryCreate(s, UriKind.Absolute, out _)), "CrampCds:Fhir:AllowedServers must be absolute URLs")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<CrampCdsOptions>>().Value);
        return services;
    }
}
