using System.Collections.Frozen;
using CrampCds.Api.Feedback;
using CrampCds.Api.Infrastructure;
using CrampCds.Api.Observability;
using CrampCds.Core.Cards;
using CrampCds.Core.Hooks;

namespace CrampCds.Api.Hooks;

/// <summary>
/// One hook call: read and bind the body, let the service answer, count, log and record the cards. Its dependencies are
/// resolved once, not bound from the container on every call.
/// </summary>
public sealed class HookCallHandler(
    FrozenDictionary<string, IHookService> services,
    CardCatalog catalog,
    CrampCdsOptions options,
    CrampCdsMetrics metrics,
    CardLog cardLog,
    ILoggerFactory loggers,
    TimeProvider time)
{
    // The category every hook line has always had.
    private readonly ILogger _logger = loggers.CreateLogger(typeof(HookEndpoints));

    public async Task<IResult> HandleAsync(string id, HttpRequest httpRequest, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (!services.TryGetValue(id, out var service))
        {
            return Problems.NotFound($"No CDS service '{Truncate(id)}' here; GET /cds-services lists them.");
        }

        var result = await AnswerAsync(service, httpRequest, started, cancellationToken);
        metrics.HookDuration.Observe(time.GetElapsedTime(started).TotalSeconds, service.ServiceId);
        return result;
    }

    private async Task<IResult> AnswerAsync(IHookService service, HttpRequest httpRequest, long started, CancellationToken cancellationToken)
    {
        using var body = await RequestBody.ReadAsync(httpRequest, options.Limits.MaxBodyBytes, cancellationToken);
        if (body.Refusal is { } refusal)
        {
            return refusal;
        }

        var parsed = HookRequestParser.Parse(body.Body, service.Hook, catalog.ReadOptions);
        if (parsed.Request is not { } request)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                // Field names only: the messages may echo input.
                _logger.RequestInvalid(service.ServiceId, string.Join(",", parsed.Errors.Select(e => e.Field)));
            }

            return Problems.Invalid(parsed.Errors);
        }

        using var scope = _logger.HookCall(service.ServiceId, request.Hook, Truncate(request.HookInstance));
        using var span = Core.Telemetry.HookActivities.Source.StartActivity("hook");
        span?.SetTag("crampcds.service", service.ServiceId);
        var result = await service.HandleAsync(request, cancellationToken);
        foreach (var (ruleId, error) in result.FailedRules)
        {
            // The exception type and its stack only: a message may quote patient data.
            _logger.RuleFailed(ruleId, error.GetType().Name, error.StackTrace ?? "");
        }

        if (result.PreconditionFailed)
        {
            _logger.PreconditionFailed(service.ServiceId);
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
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.CardsIssued(service.ServiceId, result.Cards.Count, string.Join(",", result.Cards.Select(c => c.RuleId)), (long)time.GetElapsedTime(started).TotalMilliseconds);
        }

        return new CardsResult(result.Cards);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "...";
}
