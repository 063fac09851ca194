using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;

namespace CrampCds.Benchmarks;

/// <summary>
/// The in-process pipeline (parse, facts, rules, render, serialize) beside the floor: parsing the same
/// body once with JsonDocument. Budget: the pipeline at most 2x the baseline's time, allocations under 4x
/// the body's size.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks : IDisposable
{
    private readonly ResponseWriter _response = new();
    private BenchmarkRequest _request = null!;

    [Params(BenchmarkRequest.Synthea, BenchmarkRequest.BaclofenOrderSelect, BenchmarkRequest.QuinineOrderSign)]
    public string Request { get; set; } = "";

    /// <summary>The request loaded at setup, for the modes that run one stage of it.</summary>
    internal BenchmarkRequest Loaded => _request;

    [GlobalSetup]
    public void Setup() => _request = BenchmarkRequest.Load(Request);

    [GlobalCleanup]
    public void Dispose()
    {
        _response.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public int ParseOnlyBaseline()
    {
        using var document = JsonDocument.Parse(_request.Body);
        return document.RootElement.PropertyCount();
    }

    [Benchmark]
    public int Pipeline()
    {
        // The service definition was found once, at setup: the server finds it by id in a table built at start-up.
        var r = _request;
        var request = HookRequestParser.Parse(r.Body, r.Hook, r.Catalog.ReadOptions).Request!;
        var result = r.Evaluator.Evaluate(request, PrefetchData.Build(request, r.Service.Prefetch));
        return _response.Write(result.Cards);
    }
}

/// <summary>
/// Writes the answer the way the server does: into a reused buffer (Kestrel's are pooled), so the benchmark counts
/// what the pipeline allocates, not a response array the service never makes.
/// </summary>
internal sealed class ResponseWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _writer;

    public ResponseWriter() => _writer = new Utf8JsonWriter(_buffer, CardsJson.WriterOptions);

    public int Write(IReadOnlyList<Card> cards)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        CardsJson.Write(_writer, cards);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    public void Dispose() => _writer.Dispose();
}

internal static class JsonElementExtensions
{
    public static int PropertyCount(this JsonElement element)
    {
        var count = 0;
        foreach (var _ in element.EnumerateObject())
        {
            count++;
        }

        return count;
    }
}
