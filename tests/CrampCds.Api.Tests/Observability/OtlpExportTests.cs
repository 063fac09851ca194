using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Text;
using FluentAssertions;
using Microsoft.AspNetCore.Http;

namespace CrampCds.Api.Tests.Observability;

/// <summary>
/// These tests set OTEL_* environment variables, which every app started meanwhile would read: they run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentTests
{
    public const string Name = "process environment";
}

/// <summary>
/// Issue 5, traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, the hook pipeline's spans go out by OTLP, and the ones
/// still buffered when the host stops are flushed. The collector here is a loopback OTLP/HTTP receiver.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class OtlpExportTests
{
    private static readonly string[] HookSpans = ["hook", "gather", "facts", "rules", "render"];

    [Fact]
    public async Task With_OTEL_EXPORTER_OTLP_ENDPOINT_set_the_hook_spans_are_exported_and_flushed_on_shutdown()
    {
        await using var collector = await OtlpCollector.StartAsync();
        using (new EnvironmentVariables(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.BaseUrl),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_BSP_SCHEDULE_DELAY", "60000")))
        {
            var app = new CrampCdsApplication();
            await using (app)
            {
                using var client = app.CreateClient();
                using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
                (await response.ReadCardsAsync()).ShouldFlagQuinine();
                collector.Requests.Should().BeEmpty("the batch is held for 60 s: only the shutdown flush sends it");
            }
        }

        await collector.WaitForTracesAsync();
        var export = collector.Requests.Should().ContainSingle(r => r.Path == "/v1/traces", "the buffered spans are flushed when the host stops").Subject;
        export.ContentType.Should().Be("application/x-protobuf");
        foreach (var name in HookSpans.Append("crampcds"))
        {
            export.Body.Should().Contain(name, "the export holds the {0} span (and the service name)", name);
        }
    }

    [Fact]
    public async Task Hook_spans_join_the_EHR_sampled_trace_and_are_exported_by_OTLP_flushed_on_shutdown()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var sdkEvents = new OpenTelemetryEvents();
        await using var collector = await OtlpCollector.StartAsync();
        using (new EnvironmentVariables(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.BaseUrl),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_BSP_SCHEDULE_DELAY", "60000")))
        {
            var app = new CrampCdsApplication();
            await using (app)
            {
                using var client = app.CreateClient();
                var call = HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch();
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{call.ServiceId}")
                {
                    Content = new StringContent(call.Body.ToJsonString(), Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
                using var response = await client.SendAsync(request);
                (await response.ReadCardsAsync()).ShouldFlagQuinine();
                collector.Requests.Should().BeEmpty("the batch is held for 60 s: only the shutdown flush sends it");
            }
        }

        await collector.WaitForTracesAsync();
        var export = collector.Requests.Should().ContainSingle(r => r.Path == "/v1/traces",
            "the buffered spans are flushed when the host stops (OpenTelemetry SDK said: {0})", sdkEvents).Subject;
        export.ContentType.Should().Be("application/x-protobuf");
        export.Body.Should().Contain(Encoding.Latin1.GetString(Convert.FromHexString(traceId)), "the spans are in the EHR's trace");
        foreach (var name in HookSpans.Append("crampcds"))
        {
            export.Body.Should().Contain(name, "the export holds the {0} span (and the service name)", name);
        }
    }

    [Fact]
    public async Task OTEL_EXPORTER_OTLP_ENDPOINT_in_configuration_rather_than_the_environment_is_where_the_spans_go()
    {
        await using var collector = await OtlpCollector.StartAsync();

        // The request span sampled, so that only the endpoint's source is tested here.
        using var requests = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(requests);
        var app = new CrampCdsApplication(settings: [("OTEL_EXPORTER_OTLP_ENDPOINT", collector.BaseUrl), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")]);
        await using (app)
        {
            using var client = app.CreateClient();
            using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
            (await response.ReadCardsAsync()).ShouldFlagQuinine();
        }

        await collector.WaitForTracesAsync();
        collector.Requests.Should().Contain(r => r.Path == "/v1/traces" && r.Body.Contains("gather", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_exported_FHIR_request_spans_hold_no_patient_id()
    {
        const string patientId = "zq7731-pt-export";
        await using var stub = await Fhir.FhirStub.StartAsync();
        stub.Add(FhirResources.Patient(patientId));
        await using var collector = await OtlpCollector.StartAsync();
        var app = new CrampCdsApplication(stub.BaseUrl, ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.BaseUrl), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));
        await using (app)
        {
            using var client = app.CreateClient();

            // The Patient read puts the id in the URL path, the searches in the query.
            using var response = await HookCall.OrderSign(patientId, FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, "tok-export")
                .WithPrefetchExcept("patient", "conditions").PostAsync(client);
            (await response.ReadCardsAsync()).ShouldFlagQuinine();
        }

        await collector.WaitForTracesAsync();
        var export = collector.Requests.Should().Contain(r => r.Path == "/v1/traces").Which;
        export.Body.Should().Contain("gather", "the hook's spans were exported");
        export.Body.Should().Contain("[redacted]", "the FHIR request spans were exported, their URLs cut to scheme and host");
        collector.Requests.Should().AllSatisfy(r => r.Body.Should().NotContain(patientId, "a span exported to the collector would carry PHI"));
    }

    /// <summary>The OpenTelemetry SDK's own diagnostics (EventSource), to explain a failed export.</summary>
    private sealed class OpenTelemetryEvents : EventListener
    {
        private readonly ConcurrentQueue<string> _events = new();

        public override string ToString() => string.Join("; ", _events.Take(50));

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name.StartsWith("OpenTelemetry", StringComparison.Ordinal))
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData) =>
            _events.Enqueue($"{eventData.EventName}({string.Join(", ", eventData.Payload ?? [])})");
    }

    /// <summary>Sets process environment variables, and puts back what was there when disposed.</summary>
    private sealed class EnvironmentVariables : IDisposable
    {
        private readonly (string Name, string? Value)[] _previous;

        public EnvironmentVariables(params (string Name, string Value)[] variables)
        {
            _previous = variables.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name))).ToArray();
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    /// <summary>One export the collector received; the protobuf body is kept as Latin-1 text (its strings are raw UTF-8).</summary>
    private sealed record Export(string Path, string? ContentType, string Body);

    /// <summary>An OTLP/HTTP receiver on a loopback port: records every POST and answers 200.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly ConcurrentQueue<Export> _requests = new();
        private LoopbackServer _server = null!;

        public string BaseUrl => _server.Authority;

        public IReadOnlyList<Export> Requests => [.. _requests];

        public static async Task<OtlpCollector> StartAsync()
        {
            var collector = new OtlpCollector();
            collector._server = await LoopbackServer.StartAsync("OtlpCollector", async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                collector._requests.Enqueue(new Export(context.Request.Path, context.Request.ContentType, Encoding.Latin1.GetString(body.ToArray())));
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/x-protobuf";
            });
            return collector;
        }

        /// <summary>
        /// Waits (up to 10 s) for a trace export. The test host's own DisposeAsync can return before the app's entry point,
        /// whose app.Run() also disposes the host, has finished the shutdown flush: the flush is there, just not awaited.
        /// </summary>
        public async Task WaitForTracesAsync()
        {
            var clock = Stopwatch.StartNew();
            while (!_requests.Any(r => r.Path == "/v1/traces") && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
