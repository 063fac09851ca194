using System.Collections.Concurrent;
using System.Net;
using CrampCds.Api.Infrastructure;
using CrampCds.Api.Observability;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace CrampCds.Api.Fhir;

/// <summary>
/// Resilience for FHIR calls, one pipeline per FHIR server: a per-attempt timeout, one retry on transient
/// failures (connection errors, 502/503/504, 429 honouring Retry-After; never 500) only when the call's
/// deadline leaves room for it, and a circuit breaker so a server that keeps failing is not waited on.
/// </summary>
public sealed class FhirResilience(CrampCdsOptions options, CrampCdsMetrics metrics, TimeProvider time, ILogger<FhirResilience> logger)
{
    /// <summary>The request option carrying the hook call's deadline (a retry is attempted only before it).</summary>
    public static readonly HttpRequestOptionsKey<DateTimeOffset> Deadline = new("crampcds.fhir.deadline");

    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    public ResiliencePipeline<HttpResponseMessage> For(Uri server) =>
        _pipelines.GetOrAdd(server.GetLeftPart(UriPartial.Authority), Build);

    private ResiliencePipeline<HttpResponseMessage> Build(string server)
    {
        var host = new Uri(server).Authority;
        metrics.CircuitState.Set(0, host);
        var fhir = options.Fhir;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 1,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.FromMilliseconds(fhir.RetryDelayMs),
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome) && FitsBeforeDeadline(args.Outcome, args.Context)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 0.5,
                MinimumThroughput = fhir.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(fhir.BreakDurationSeconds),
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome) || args.Outcome.Result?.StatusCode == HttpStatusCode.InternalServerError),
                OnOpened = _ => Changed(host, 2, "open"),
                OnHalfOpened = _ => Changed(host, 1, "half-open"),
                OnClosed = _ => Changed(host, 0, "closed"),
            })
            .AddTimeout(TimeSpan.FromMilliseconds(fhir.AttemptTimeoutMs))
            .Build();
    }

    private ValueTask Changed(string host, int state, string name)
    {
        metrics.CircuitState.Set(state, host);
        logger.CircuitChanged(host, name);
        return ValueTask.CompletedTask;
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException or IOException
        || outcome.Result?.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests;

    private bool FitsBeforeDeadline(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (!context.Properties.TryGetValue(new ResiliencePropertyKey<DateTimeOffset>(Deadline.Key), out var deadline))
        {
            return true;
        }

        // A retry needs its delay plus time for an answer.
        var needed = (RetryAfter(outcome) ?? TimeSpan.FromMilliseconds(options.Fhir.RetryDelayMs)) + TimeSpan.FromMilliseconds(50);
        return time.GetUtcNow() + needed < deadline;
    }

    private TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome)
    {
        var header = outcome.Result?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - time.GetUtcNow() : null;
    }
}

/// <summary>Runs every FHIR request through its server's resilience pipeline.</summary>
public sealed class FhirResilienceHandler(FhirResilience resilience) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        if (request.Options.TryGetValue(FhirResilience.Deadline, out var deadline))
        {
            context.Properties.Set(new ResiliencePropertyKey<DateTimeOffset>(FhirResilience.Deadline.Key), deadline);
        }

        try
        {
            return await resilience.For(request.RequestUri!).ExecuteAsync(
                static async (ctx, state) => await state.Handler.BaseSend(state.Request, ctx.CancellationToken),
                context,
                (Handler: this, Request: request));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> BaseSend(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
