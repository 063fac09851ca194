namespace CrampCds.Api.Observability;

/// <summary>The service's metrics, served at /metrics. Labels never carry PHI.</summary>
public sealed class CrampCdsMetrics
{
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

    public CrampCdsMetrics(PrometheusRegistry registry)
    {
        Registry = registry;
        HookRequests = registry.CreateCounter("crampcds_hook_requests_total", "Hook calls answered, by service, hook and HTTP status.", "service", "hook", "status");
        HookDuration = registry.CreateHistogram("crampcds_hook_duration_seconds", "Time to answer a hook call.", LatencyBuckets, "service");
        FhirFetches = registry.CreateCounter("crampcds_fhir_fetches_total", "FHIR reads and searches, by outcome.", "outcome");
        FhirFetchDuration = registry.CreateHistogram("crampcds_fhir_fetch_duration_seconds", "Time of one FHIR request.", LatencyBuckets, "outcome");
        Cards = registry.CreateCounter("crampcds_cards_total", "Cards issued, by rule and indicator.", "rule", "indicator");
        DegradedAnswers = registry.CreateCounter("crampcds_degraded_answers_total", "Answers that had to say some data could not be read.", "service");
        JwtRejections = registry.CreateCounter("crampcds_jwt_rejections_total", "Calls refused for their JWT, by reason.", "reason");
        StoreFallbacks = registry.CreateCounter("crampcds_store_fallbacks_total", "Times the store was unreachable and the service carried on without it, by purpose.", "purpose");
        CircuitState = registry.CreateGauge("crampcds_fhir_circuit_state", "FHIR circuit breaker per server host: 0 closed, 1 half-open, 2 open.", "server");
    }

    public PrometheusRegistry Registry { get; }
    public PrometheusRegistry.Counter HookRequests { get; }
    public PrometheusRegistry.Histogram HookDuration { get; }
    public PrometheusRegistry.Counter FhirFetches { get; }
    public PrometheusRegistry.Histogram FhirFetchDuration { get; }
    public PrometheusRegistry.Counter Cards { get; }
    public PrometheusRegistry.Counter DegradedAnswers { get; }
    public PrometheusRegistry.Counter JwtRejections { get; }
    public PrometheusRegistry.Counter StoreFallbacks { get; }
    public PrometheusRegistry.Gauge CircuitState { get; }
}
