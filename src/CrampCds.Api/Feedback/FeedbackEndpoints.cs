using System.Collections.Frozen;
using CrampCds.Api.Auth;
using CrampCds.Api.Hooks;
using CrampCds.Api.Infrastructure;
using CrampCds.Core.Feedback;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrampCds.Api.Feedback;

public static class FeedbackEndpoints
{
    public static IServiceCollection AddFeedback(this IServiceCollection services)
    {
        services.AddSingleton<FeedbackStore>();
        services.AddSingleton<PatientHasher>();
        services.AddSingleton<CardLog>();
        services.AddSingleton<StoreLookup>();
        services.AddSingleton<Snooze>();
        services.AddHostedService<StoreInitializer>();
        services.AddSingleton<CardLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CardLogWriter>());
        services.AddHostedService<RetentionJob>();
        services.AddSingleton<InMemoryReplayCache>();
        services.AddSingleton<IReplayCache, StoreReplayCache>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    /// <summary>POST /cds-services/{id}/feedback (CDS Hooks 2.0): store what the clinician did with each card.</summary>
    public static WebApplication MapFeedback(this WebApplication app)
    {
        if (string.IsNullOrWhiteSpace(app.Services.GetRequiredService<CrampCdsOptions>().Feedback.PatientHashKey))
        {
            throw new InvalidOperationException("CrampCds:Feedback:PatientHashKey is required: the card log keeps a keyed hash of the patient id, never the id");
        }

        app.MapPost("/cds-services/{id}/feedback", HandleAsync).WithName("Feedback");
        return app;
    }

    private static async Task<IResult> HandleAsync(
        string id,
        HttpRequest request,
        FrozenDictionary<string, IHookService> services,
        FeedbackStore store,
        CrampCdsOptions options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!services.ContainsKey(id))
        {
            return Problems.NotFound($"No CDS service '{(id.Length <= 64 ? id : id[..64])}' here; GET /cds-services lists them.");
        }

        using var body = await RequestBody.ReadAsync(request, options.Limits.MaxBodyBytes, cancellationToken);
        if (body.Refusal is { } refusal)
        {
            return refusal;
        }

        var (items, errors) = FeedbackParser.Parse(body.Body);
        if (items is null)
        {
            return Problems.Invalid(errors);
        }

        var (stored, unknown) = await store.RecordFeedbackAsync(id, items, cancellationToken);
        loggers.CreateLogger(typeof(FeedbackEndpoints)).FeedbackStored(id, items.Count, stored, unknown);
        return TypedResults.Ok();
    }
}

/// <summary>Applies the migrations at start-up, and keeps trying in the background while the store is unreachable.</summary>
public sealed class StoreInitializer(FeedbackStore store, TimeProvider time, ILogger<StoreInitializer> logger) : BackgroundService
{
    public bool Ready { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.MigrateAsync(stoppingToken);
                Ready = true;
                logger.StoreReady(store.Provider);
                return;
            }
            catch (Exception ex) when (FeedbackStore.IsUnavailable(ex))
            {
                logger.StoreUnavailable("migrations", ex.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
        }
    }
}

/// <summary>
/// Hourly: purges rows older than CrampCds:Feedback:RetentionDays, and fills in feedback that reached the store
/// before its card (so the snooze lookup's fallback for such rows stays small).
/// </summary>
public sealed class RetentionJob(FeedbackStore store, CrampCdsOptions options, TimeProvider time, ILogger<RetentionJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var removed = await store.PurgeAsync(time.GetUtcNow().AddDays(-options.Feedback.RetentionDays), stoppingToken);
                logger.Purged(removed, options.Feedback.RetentionDays);
                await store.AdoptOrphanFeedbackAsync(stoppingToken);
            }
            catch (Exception ex) when (FeedbackStore.IsUnavailable(ex))
            {
                logger.StoreUnavailable("retention", ex.GetType().Name);
            }

            await Task.Delay(TimeSpan.FromHours(1), time, stoppingToken);
        }
    }
}

/// <summary>The store's state in /health/ready: reported, never gating (cards are served without it).</summary>
public sealed class StoreHealthCheck(FeedbackStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.PingAsync(cancellationToken)
            ? HealthCheckResult.Healthy($"{store.Provider} reachable")
            : HealthCheckResult.Degraded($"{store.Provider} unreachable: the card log buffers and the replay check uses this replica's memory");
}
