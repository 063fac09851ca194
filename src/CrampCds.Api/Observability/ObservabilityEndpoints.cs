using CrampCds.Core.Cards;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrampCds.Api.Observability;

public static class ObservabilityEndpoints
{
    public static IServiceCollection AddCrampCdsObservability(this IServiceCollection services, IConfiguration configuration)
    {
        // Traces go out by OTLP only where a collector is configured (OTEL_EXPORTER_OTLP_ENDPOINT).
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddSingleton(_ => OpenTelemetry.Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("crampcds"))
                .AddSource(Core.Telemetry.HookActivities.SourceName, "System.Net.Http")
                .AddOtlpExporter()
                .Build());
        }

        services.AddSingleton<PrometheusRegistry>();
        services.AddSingleton<CrampCdsMetrics>();
        services.AddHealthChecks()
            .AddCheck<CardsLoadedHealthCheck>("cds-cards", tags: ["ready"]);
        return services;
    }

    /// <summary>/health/live (the process answers), /health/ready (cds-cards loaded), /metrics: every environment, no auth.</summary>
    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        // Resolving it starts the exporter (and the host disposes it, flushing, on shutdown).
        app.ServiceProvider.GetService<TracerProvider>();

        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapGet("/metrics", (PrometheusRegistry registry) => Results.Text(registry.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }
}

/// <summary>Ready once the clinical content is loaded (it is loaded before the host starts, so a running host is ready).</summary>
public sealed class CardsLoadedHealthCheck(CardCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(catalog.Rules.Count > 0
            ? HealthCheckResult.Healthy($"{catalog.Rules.Count} rules loaded")
            : HealthCheckResult.Unhealthy("no rules loaded"));
}

/// <summary>The readiness body: each check's status and description as JSON.</summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = new System.Text.Json.Nodes.JsonObject(report.Entries.Select(e => KeyValuePair.Create(e.Key, (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonObject
            {
                ["status"] = e.Value.Status.ToString(),
                ["description"] = e.Value.Description,
            }))),
        };
        return context.Response.WriteAsync(body.ToJsonString());
    }
}
