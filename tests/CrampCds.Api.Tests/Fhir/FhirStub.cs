using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CrampCds.Api.Tests.Fhir;

/// <summary>One request the stub received.</summary>
/// <param name="Path">The request path, base path included (e.g. <c>/fhir/Condition</c>).</param>
/// <param name="Query">The query string with its leading <c>?</c>, or empty.</param>
/// <param name="Authorization">The Authorization header, or null when none was sent.</param>
/// <param name="ArrivedAt">When it arrived, measured from the stub's start.</param>
public sealed record StubRequest(string Path, string Query, string? Authorization, TimeSpan ArrivedAt)
{
    public string PathAndQuery => Path + Query;

    /// <summary>The value of one query parameter (URL-decoded), or null.</summary>
    public string? QueryValue(string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Query).TryGetValue(name, out var values) ? values.ToString() : null;
}

/// <summary>
/// A FHIR server on a real loopback socket (Kestrel, <c>http://127.0.0.1:{random port}</c>), in-process. It answers
/// searches (<c>{Type}?patient=..</c>, paged with absolute <c>next</c> links carrying <c>_page</c>) and reads
/// (<c>{Type}/{id}</c>) from the resources it is given, and records every request: path and query, Authorization
/// header, arrival time and the most requests in flight at once. A path can be answered differently: a status, a
/// stall, or a custom body.
/// </summary>
public sealed class FhirStub : IAsyncDisposable
{
    private readonly string _basePath;
    private LoopbackServer _server = null!;
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _resources = [];
    private readonly Dictionary<string, Func<HttpContext, Task>> _overrides = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StubRequest> _requests = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _inFlight;
    private int _maxInFlight;

    private FhirStub(string basePath) => _basePath = basePath;

    /// <summary>Everything before the base path: <c>http://127.0.0.1:{port}</c>.</summary>
    public string Authority => _server.Authority;

    /// <summary>The FHIR base URL: <see cref="Authority"/> plus the base path.</summary>
    public Uri BaseUrl => new(Authority + _basePath);

    /// <summary>Entries per search page; null: the request's <c>_count</c>, else 100.</summary>
    public int? PageSize { get; set; }

    /// <summary>How long every request waits before it is answered.</summary>
    public TimeSpan Delay { get; set; }

    public IReadOnlyList<StubRequest> Requests => [.. _requests];

    /// <summary>The largest number of requests that were being answered at the same moment.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <param name="basePath">A path the FHIR base sits under, e.g. <c>/fhir</c>; empty for the root.</param>
    public static async Task<FhirStub> StartAsync(string basePath = "")
    {
        var stub = new FhirStub(basePath.TrimEnd('/'));
        stub._server = await LoopbackServer.StartAsync("FhirStub", stub.HandleAsync);
        return stub;
    }

    /// <summary>Adds resources to serve (JSON objects with resourceType and id).</summary>
    public FhirStub Add(params JsonObject[] resources)
    {
        lock (_gate)
        {
            _resources.AddRange(resources);
        }

        return this;
    }

    /// <summary>Adds every entry's resource of a Bundle file (e.g. a Synthea record); returns them.</summary>
    public IReadOnlyList<JsonObject> AddBundleFile(string path)
    {
        var bundle = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var resources = bundle["entry"]!.AsArray()
            .Select(e => e!["resource"]!.DeepClone().AsObject())
            .ToArray();
        Add(resources);
        return resources;
    }

    /// <summary>Answers <paramref name="path"/> (relative to the base, e.g. <c>/Condition</c>, or <c>*</c> for every path) with a handler.</summary>
    public FhirStub On(string path, Func<HttpContext, Task> handler)
    {
        lock (_gate)
        {
            _overrides[path] = handler;
        }

        return this;
    }

    /// <summary>Answers <paramref name="path"/> with a status and an OperationOutcome.</summary>
    public FhirStub RespondWithStatus(string path, HttpStatusCode status) =>
        On(path, context => WriteAsync(context, (int)status, OperationOutcome($"stub answers {(int)status}")));

    /// <summary>Answers <paramref name="path"/> with this body (application/fhir+json).</summary>
    public FhirStub RespondWithBody(string path, string body, HttpStatusCode status = HttpStatusCode.OK, string contentType = "application/fhir+json") =>
        On(path, async context =>
        {
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body, context.RequestAborted);
        });

    /// <summary>Holds requests to <paramref name="path"/> for <paramref name="duration"/> (or until the caller gives up), then answers an empty Bundle.</summary>
    public FhirStub Stall(string path, TimeSpan duration) =>
        On(path, async context =>
        {
            await Task.Delay(duration, context.RequestAborted);
            await WriteAsync(context, 200, new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray() });
        });

    /// <summary>
    /// Answers the requests to <paramref name="path"/> (as in <see cref="On"/>) with <paramref name="answers"/> in turn, the
    /// last one answering every later request; a null answer serves from the resources (e.g. fail once, then heal).
    /// </summary>
    public FhirStub InTurn(string path, params Func<HttpContext, Task>?[] answers)
    {
        ArgumentOutOfRangeException.ThrowIfZero(answers.Length);
        var next = -1;
        return On(path, context =>
        {
            var answer = answers[Math.Min(Interlocked.Increment(ref next), answers.Length - 1)];
            return answer is null ? AnswerFromResourcesAsync(context, Relative(context)) : answer(context);
        });
    }

    /// <summary>Takes back what <see cref="On"/> (or a helper) set for <paramref name="path"/>: it is answered from the resources again.</summary>
    public FhirStub Heal(string path)
    {
        lock (_gate)
        {
            _overrides.Remove(path);
        }

        return this;
    }

    /// <summary>An answer for <see cref="On"/>/<see cref="InTurn"/>: this status, an OperationOutcome, and extra headers (e.g. Retry-After).</summary>
    public static Func<HttpContext, Task> Status(HttpStatusCode status, params (string Name, string Value)[] headers) =>
        context =>
        {
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            return WriteAsync(context, (int)status, OperationOutcome($"stub answers {(int)status}"));
        };

    /// <summary>An answer for <see cref="On"/>/<see cref="InTurn"/>: the connection is dropped before any response (a reset).</summary>
    public static Func<HttpContext, Task> DropConnection { get; } = context =>
    {
        context.Abort();
        return Task.CompletedTask;
    };

    /// <summary>An answer for <see cref="On"/>/<see cref="InTurn"/>: nothing for <paramref name="duration"/> (or until the caller gives up), then an empty Bundle.</summary>
    public static Func<HttpContext, Task> Stalling(TimeSpan duration) =>
        async context =>
        {
            await Task.Delay(duration, context.RequestAborted);
            await WriteAsync(context, 200, new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray() });
        };

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var authorization = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null;
        _requests.Enqueue(new StubRequest(path, request.QueryString.Value ?? "", authorization, _clock.Elapsed));
        var inFlight = Interlocked.Increment(ref _inFlight);
        int max;
        while (inFlight > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max)
        {
        }

        try
        {
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, context.RequestAborted);
            }

            if (_basePath.Length > 0 && !path.StartsWith(_basePath + "/", StringComparison.Ordinal))
            {
                await WriteAsync(context, 404, OperationOutcome("not under the FHIR base"));
                return;
            }

            var relative = path[_basePath.Length..];
            Func<HttpContext, Task>? handler;
            lock (_gate)
            {
                if (!_overrides.TryGetValue(relative, out handler))
                {
                    _overrides.TryGetValue("*", out handler);
                }
            }

            await (handler is null ? AnswerFromResourcesAsync(context, relative) : handler(context));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller gave up (its timeout): nothing to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private string Relative(HttpContext context) => (context.Request.Path.Value ?? "/")[_basePath.Length..];

    private Task AnswerFromResourcesAsync(HttpContext context, string relative)
    {
        var segments = relative.Trim('/').Split('/');
        JsonObject[] resources;
        lock (_gate)
        {
            resources = _resources.Where(r => (string?)r["resourceType"] == segments[0]).ToArray();
        }

        if (segments.Length == 2)
        {
            var found = resources.FirstOrDefault(r => (string?)r["id"] == segments[1]);
            return found is null
                ? WriteAsync(context, 404, OperationOutcome($"{relative} not found"))
                : WriteAsync(context, 200, found.DeepClone());
        }

        if (segments.Length != 1 || segments[0].Length == 0)
        {
            return WriteAsync(context, 404, OperationOutcome("unknown path"));
        }

        var query = context.Request.Query;
        var patient = query["patient"].ToString();
        var matching = patient.Length == 0 ? resources : resources.Where(r => BelongsTo(r, patient)).ToArray();
        var size = PageSize ?? (int.TryParse(query["_count"], out var count) && count > 0 ? count : 100);
        var page = int.TryParse(query["_page"], out var requested) && requested > 0 ? requested : 1;

        var entries = new JsonArray();
        foreach (var resource in matching.Skip((page - 1) * size).Take(size))
        {
            entries.Add(new JsonObject
            {
                ["fullUrl"] = $"{Authority}{_basePath}/{resource["resourceType"]}/{resource["id"]}",
                ["resource"] = resource.DeepClone(),
                ["search"] = new JsonObject { ["mode"] = "match" },
            });
        }

        var links = new JsonArray { Link("self", context, segments[0], page) };
        if (page * size < matching.Length)
        {
            links.Add(Link("next", context, segments[0], page + 1));
        }

        return WriteAsync(context, 200, new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["total"] = matching.Length,
            ["link"] = links,
            ["entry"] = entries,
        });
    }

    private JsonObject Link(string relation, HttpContext context, string type, int page)
    {
        var parameters = context.Request.Query
            .Where(p => p.Key != "_page")
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}")
            .Append($"_page={page}");
        return new JsonObject { ["relation"] = relation, ["url"] = $"{Authority}{_basePath}/{type}?{string.Join('&', parameters)}" };
    }

    private static bool BelongsTo(JsonObject resource, string patient)
    {
        var id = patient.StartsWith("Patient/", StringComparison.Ordinal) ? patient["Patient/".Length..] : patient;
        var reference = (string?)(resource["subject"] ?? resource["patient"])?["reference"];
        return reference is not null
            && (reference == $"Patient/{id}" || reference.EndsWith($"/Patient/{id}", StringComparison.Ordinal) || reference == $"urn:uuid:{id}");
    }

    private static JsonObject OperationOutcome(string text) => new()
    {
        ["resourceType"] = "OperationOutcome",
        ["issue"] = new JsonArray { new JsonObject { ["severity"] = "error", ["code"] = "processing", ["diagnostics"] = text } },
    };

    private static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/fhir+json";
        await context.Response.WriteAsync(body.ToJsonString(JsonOptions), context.RequestAborted);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };
}
