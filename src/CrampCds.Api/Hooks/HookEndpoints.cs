using System.Collections.Frozen;
using CrampCds.Api.Fhir;
using CrampCds.Api.Infrastructure;
using CrampCds.Core.Cards;
using CrampCds.Core.Hooks;

namespace CrampCds.Api.Hooks;

public static class HookEndpoints
{
    public static IServiceCollection AddHookServices(this IServiceCollection services)
    {
        services.AddSingleton<FhirServerPolicy>();
        services.AddHttpClient<FhirClient>(FhirClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect could lead off the allowlist: never follow one.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
            });
        services.AddSingleton<PatientDataGatherer>();
        services.AddSingleton<HookPipeline>();
        services.AddSingleton<IHookService, PatientViewService>();
        services.AddSingleton<IHookService, OrderSelectService>();
        services.AddSingleton<IHookService, OrderSignService>();
        services.AddSingleton(sp => sp.GetServices<IHookService>().ToFrozenDictionary(s => s.ServiceId, StringComparer.Ordinal));
        return services;
    }

    /// <summary>POST /cds-services/{id}: bind and check the call, then let the service answer with cards.</summary>
    public static IEndpointRouteBuilder MapHooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cds-services/{id}", HandleAsync).WithName("Hook");
        return app;
    }

    private static async Task<IResult> HandleAsync(
        string id,
        HttpRequest httpRequest,
        FrozenDictionary<string, IHookService> services,
        CrampCdsOptions options,
        ILoggerFactory loggers,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (!services.TryGetValue(id, out var service))
        {
            return Problems.NotFound($"No CDS service '{Truncate(id)}' here; GET /cds-services lists them.");
        }

        var body = await RequestBody.ReadAsync(httpRequest, options.Limits.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge(options.Limits.MaxBodyBytes);
        }

        var parsed = HookRequestParser.Parse(body.Value, service.Hook);
        var logger = loggers.CreateLogger(typeof(HookEndpoints));
        if (parsed.Request is not { } request)
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                // Field names only: the messages may echo input.
                logger.RequestInvalid(service.ServiceId, string.Join(",", parsed.Errors.Select(e => e.Field)));
            }

            return Problems.Invalid(parsed.Errors);
        }

        var result = await service.HandleAsync(request, cancellationToken);
        if (result.PreconditionFailed)
        {
            logger.PreconditionFailed(service.ServiceId);
            return Problems.PreconditionFailed();
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.CardsIssued(service.ServiceId, result.Cards.Count, string.Join(",", result.Cards.Select(c => c.RuleId)), (long)time.GetElapsedTime(started).TotalMilliseconds);
        }

        return TypedResults.Json(new CardsResponse(result.Cards), CardsJsonContext.Default.CardsResponse);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "...";
}
