using System.Collections.Frozen;
using CrampCds.Api.Feedback;
using CrampCds.Api.Fhir;
using CrampCds.Api.Infrastructure;
using CrampCds.Api.Observability;
using CrampCds.Core.Cards;
using CrampCds.Core.Hooks;

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
        CardCatalog catalog,
        CrampCdsOptions options,
        CrampCdsMetrics metrics,
        CardLog cardLog,
        ILoggerFactory loggers,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (!services.TryGetValue(id, out var service))
        {
            return Problems.NotFound($"No CDS service '{Truncate(id)}' here; GET /cds-services lists them.");
        }

        var result = await AnswerAsync(service, httpRequest, catalog, options, metrics, cardLog, loggers.CreateLogger(typeof(HookEndpoints)), time, started, cancellationToken);
        metrics.HookDuration.Observe(time.GetElapsedTime(started).TotalSeconds, service.ServiceId);
        return result;
    }

    private static async Task<IResult> AnswerAsync(
        IHookService service,
        HttpRequest httpRequest,
        CardCatalog catalog,
        CrampCdsOptions options,
        CrampCdsMetrics metrics,
        CardLog cardLog,
        ILogger logger,
        TimeProvider time,
        long started,
        CancellationToken cancellationToken)
    {
        using var body = await RequestBody.ReadAsync(httpRequest, options.Limits.MaxBodyBytes, cancellationToken);
        if (body.Refusal is { } refusal)
        {
            return refusal;
        }

        var parsed = HookRequestParser.Parse(body.Body, service.Hook, catalog.ReadOptions);
        if (parsed.Request is not { } request)
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                // Field names only: the messages may echo input.
                logger.RequestInvalid(service.ServiceId, string.Join(",", parsed.Errors.Select(e => e.Field)));
            }

            return Problems.Invalid(parsed.Errors);
        }

        using var scope = logger.HookCall(service.ServiceId, request.Hook, Truncate(request.HookInstance));
        using var span = Core.Telemetry.HookActivities.Source.StartActivity("hook");
        span?.SetTag("crampcds.service", service.ServiceId);
        var result = await service.HandleAsync(request, cancellationToken);
        foreach (var (ruleId, error) in result.FailedRules)
        {
            // The exception type and its stack only: a message may quote patient data.
            logger.RuleFailed(ruleId, error.GetType().Name, error.StackTrace ?? "");
        }

        if (result.PreconditionFailed)
        {
            logger.PreconditionFailed(service.ServiceId);
            metrics.DegradedAnswers.Inc(service.ServiceId);
            return Problems.PreconditionFailed();
        }

        foreach (var card in result.Cards)
        {
            metrics.Cards.Inc(card.RuleId, card.Indicator);
            if (card.RuleId == CardCatalog.DataUnavailableId)
            {
                metrics.DegradedAnswers.Inc(service.ServiceId);
            }
        }

        span?.SetTag("crampcds.cards", result.Cards.Count);
        await cardLog.RecordAsync(service.ServiceId, request.HookInstance, request.Context.PatientId, result.Cards, cancellationToken);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.CardsIssued(service.ServiceId, result.Cards.Count, string.Join(",", result.Cards.Select(c => c.RuleId)), (long)time.GetElapsedTime(started).TotalMilliseconds);
        }

        return new CardsResult(result.Cards);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "...";
}
