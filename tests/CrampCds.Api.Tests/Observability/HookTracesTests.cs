using System.Collections.Concurrent;
using System.Diagnostics;
using CrampCds.Api.Tests.Fhir;
using CrampCds.Core.Telemetry;
using FluentAssertions;
using Microsoft.AspNetCore.Http;

namespace CrampCds.Api.Tests.Observability;

/// <summary>
/// Issue 5, traces: a hook call is one trace: a <c>hook</c> span with <c>gather</c> (and the FHIR HttpClient spans
/// under it, whose trace context reaches the FHIR server), <c>facts</c>, <c>rules</c> and <c>render</c>. Tags carry ids
/// and counts, never PHI.
/// </summary>
public sealed class HookTracesTests : IDisposable
{
    private const string PatientId = "zq7731-pt-trace";
    private const string HttpClientSource = "System.Net.Http";

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public HookTracesTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is HookActivities.SourceName or HttpClientSource,
            Sample = Sample,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    // Every hook-pipeline span; HttpClient spans only under one (so other tests' HTTP calls are left alone).
    private static ActivitySamplingResult Sample(ref ActivityCreationOptions<ActivityContext> options) =>
        options.Source.Name == HookActivities.SourceName || Activity.Current?.Source.Name == HookActivities.SourceName
            ? ActivitySamplingResult.AllDataAndRecorded
            : ActivitySamplingResult.None;

    /// <summary>Answers <paramref name="path"/> with an empty searchset, keeping the traceparent header each request carried.</summary>
    private static Func<HttpContext, Task> RecordingTraceparent(ConcurrentQueue<string> traceparents) => async context =>
    {
        traceparents.Enqueue(context.Request.Headers["traceparent"].ToString());
        context.Response.ContentType = "application/fhir+json";
        await context.Response.WriteAsync(FhirResources.Bundle().ToJsonString(), context.RequestAborted);
    };

    private Activity[] Trace(string traceId) => [.. _stopped.Where(a => a.TraceId.ToHexString() == traceId)];

    [Fact]
    public async Task A_hook_call_is_one_trace_of_hook_gather_facts_rules_render_with_the_FHIR_request_under_gather()
    {
        await using var stub = await FhirStub.StartAsync();
        var traceparents = new ConcurrentQueue<string>();
        stub.On("/Condition", RecordingTraceparent(traceparents));
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        using var response = await HookCall.OrderSign(PatientId, FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, "tok-trace")
            .WithPrefetchExcept("conditions").PostAsync(client);
        var cards = await response.ReadCardsAsync();

        // The FHIR request carried the trace context: W3C traceparent "00-{trace id}-{span id}-{flags}".
        var traceparent = traceparents.Should().ContainSingle().Subject.Split('-');
        traceparent.Should().HaveCount(4, "the FHIR request carries a W3C traceparent");
        var spans = Trace(traceparent[1]);

        spans.Where(s => s.Source.Name == HookActivities.SourceName).Select(s => s.OperationName)
            .Should().BeEquivalentTo(["hook", "gather", "facts", "rules", "render"]);
        var hook = spans.Single(s => s.OperationName == "hook");
        foreach (var child in new[] { "gather", "facts", "rules", "render" })
        {
            spans.Single(s => s.OperationName == child).ParentSpanId.Should().Be(hook.SpanId, "{0} is a step of the hook call", child);
        }

        var gather = spans.Single(s => s.OperationName == "gather");
        var fetch = spans.Should().ContainSingle(s => s.Source.Name == HttpClientSource, "the FHIR HttpClient span is in the trace").Subject;
        fetch.ParentSpanId.Should().Be(gather.SpanId, "the fetch happens while gathering");
        fetch.SpanId.ToHexString().Should().Be(traceparent[2], "the FHIR server sees the HttpClient span as its parent");

        hook.GetTagItem("crampcds.service").Should().Be(HookCall.OrderSignId);
        hook.GetTagItem("crampcds.cards").Should().Be(cards.Count);
        gather.GetTagItem("crampcds.gaps").Should().Be(0);
    }

    [Fact]
    public async Task The_hook_pipeline_spans_carry_no_patient_id()
    {
        await using var stub = await FhirStub.StartAsync();
        var traceparents = new ConcurrentQueue<string>();
        stub.On("/Condition", RecordingTraceparent(traceparents));
        stub.Add(FhirResources.Patient(PatientId));
        await using var app = new CrampCdsApplication(stub.BaseUrl);
        using var client = app.CreateClient();

        // The Patient read puts the id in the URL path; the searches put it in the query.
        using var response = await HookCall.OrderSign(PatientId, FhirResources.QuinineDraft()).WithFhirServer(stub.BaseUrl, "tok-trace")
            .WithPrefetchExcept("patient", "conditions").PostAsync(client);
        (await response.ReadCardsAsync()).ShouldFlagQuinine();

        var spans = Trace(traceparents.Should().ContainSingle().Subject.Split('-')[1]);
        spans.Where(s => s.Source.Name == HttpClientSource).Should().HaveCount(2, "the Patient read and the Condition search");
        // The HttpClient spans hold the URL in process; what leaves (OTLP) is checked in OtlpExportTests.
        foreach (var span in spans.Where(s => s.Source.Name == HookActivities.SourceName))
        {
            span.DisplayName.Should().NotContain(PatientId);
            foreach (var (key, value) in span.TagObjects)
            {
                Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture).Should()
                    .NotContain(PatientId, "span {0} tag {1} would export PHI", span.OperationName, key);
            }
        }
    }
}
