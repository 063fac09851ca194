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
                .AddSource("Microsoft.AspNetCore", Core.Telemetry.HookActivities.SourceName, "System.Net.Http")
                .AddProcessor(new RedactUrlProcessor())
                .AddOtlpExporter(otlp =>
                {
                    // Configuration (appsettings, command line) as well as the environment names the collector.
                    var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]!.TrimEnd('/');
                    if (string.Equals(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"], "http/protobuf", StringComparison.OrdinalIgnoreCase))
                    {
                        // The variable names the collector's base; an endpoint set in code is used verbatim, so the signal path is ours to add.
                        otlp.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
                        endpoint = endpoint.EndsWith("/v1/traces", StringComparison.Ordinal) ? endpoint : endpoint + "/v1/traces";
                    }

                    otlp.Endpoint = new Uri(endpoint);
                })
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
        // Resolving them starts the exporter (the host disposes it, flushing, on shutdown) and declares every metric family.
        app.ServiceProvider.GetService<TracerProvider>();
        app.ServiceProvider.GetRequiredService<CrampCdsMetrics>();

        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapGet("/metrics", (PrometheusRegistry registry) => Results.Text(registry.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }
}

/// <summary>HTTP spans keep scheme and host only: FHIR request paths carry patient ids.</summary>
internal sealed class RedactUrlProcessor : OpenTelemetry.BaseProcessor<System.Diagnostics.Activity>
{
    private static readonly string[] Tags = ["url.full", "http.url", "url.path", "url.query", "http.target"];

    public override void OnEnd(System.Diagnostics.Activity data)
    {
        foreach (var tag in Tags)
        {
            if (data.GetTagItem(tag) is string value)
            {
                data.SetTag(tag, Uri.TryCreate(value, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/[redacted]" : "[redacted]");
            }
        }
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
