using System.Collections.Frozen;
using CrampCds.Api.Fhir;

namespace CrampCds.Api.Hooks;

public static class HookEndpoints
{
    public static IServiceCollection AddHookServices(this IServiceCollection services)
    {
        services.AddSingleton<FhirServerPolicy>();
        services.AddSingleton<FhirResilience>();
        services.AddTransient<FhirResilienceHandler>();
        services.AddHttpClient<FhirClient>(FhirClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers() // their request lines carry patient ids and, at Trace, the bearer token
            .AddHttpMessageHandler<FhirResilienceHandler>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect could lead off the allowlist: never follow one.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
            });
        services.AddSingleton<PatientDataGatherer>();
        services.AddSingleton<HookPipeline>();
        services.AddSingleton<HookCallHandler>();
        services.AddSingleton<IHookService, PatientViewService>();
        services.AddSingleton<IHookService, OrderSelectService>();
        services.AddSingleton<IHookService, OrderSignService>();
        services.AddSingleton(sp => sp.GetServices<IHookService>().ToFrozenDictionary(s => s.ServiceId, StringComparer.Ordinal));
        return services;
    }

    /// <summary>POST /cds-services/{id}: bind and check the call, then let the service answer with cards.</summary>
    public static IEndpointRouteBuilder MapHooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cds-services/{id}", (string id, HttpRequest request, HookCallHandler handler, CancellationToken cancellationToken) =>
            handler.HandleAsync(id, request, cancellationToken)).WithName("Hook");
        return app;
    }
}
