using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using CrampCds.Core.Data;
using CrampCds.Core.Hooks;

namespace CrampCds.Benchmarks;

/// <summary>
/// What one request's pipeline allocates, by type: the runtime's allocation ticks (one event about every 100 KB, naming
/// the type that crossed the mark) over many calls, scaled to the bytes counted per call. A stage alone (the request's
/// read, or facts, rules and render on a request read once) shows whose bytes they are.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public static int Run(string request, string stage, int calls)
    {
        var benchmark = new PipelineBenchmarks { Request = request };
        benchmark.Setup();
        var r = benchmark.Loaded;
        var read = HookRequestParser.Parse(r.Body, r.Hook, r.Catalog.ReadOptions).Request!;
        Action step = stage switch
        {
            "all" => () => benchmark.Pipeline(),
            "read" => () => HookRequestParser.Parse(r.Body, r.Hook, r.Catalog.ReadOptions),
            "evaluate" => () => r.Evaluator.Evaluate(read, PrefetchData.Build(read, r.Service.Prefetch)),
            _ => throw new ArgumentException($"no stage '{stage}' (all, read, evaluate)", nameof(stage)),
        };

        // Past tiering, so the JIT's own allocations are not counted.
        for (var i = 0; i < 20_000; i++)
        {
            step();
        }

        using var sampler = new AllocationSampler();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            step();
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;

        // Events arrive on the listener's own thread, a little after the fact.
        Thread.Sleep(500);
        var sampled = sampler._bytesByType.Values.Sum();
        Console.WriteLine($"{request}, {stage}: {perCall} B per call; by type (share of {sampled:N0} sampled bytes, scaled to one call):");
        foreach (var (type, bytes) in sampler._bytesByType.OrderByDescending(kv => kv.Value).Take(30))
        {
            Console.WriteLine($"{100.0 * bytes / sampled,5:F1}% {(double)bytes / sampled * perCall,7:F0} B  {type}");
        }

        benchmark.Dispose();
        return 0;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is not { } payload)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = (string)payload[names.IndexOf("TypeName")]!;
        var bytes = (long)(ulong)payload[names.IndexOf("AllocationAmount64")]!;
        _bytesByType.AddOrUpdate(type, bytes, (_, total) => total + bytes);
    }
}
