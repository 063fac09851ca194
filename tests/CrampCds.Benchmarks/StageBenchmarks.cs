using BenchmarkDotNet.Attributes;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;

namespace CrampCds.Benchmarks;

/// <summary>
/// Where <see cref="PipelineBenchmarks.Pipeline"/> spends its time and memory, one stage at a time on the same
/// requests: reading the request, gathering the prefetch into patient data, facts + rules + card render, and
/// writing the answer. Each stage starts from the previous stage's output, built once in setup.
/// </summary>
[MemoryDiagnoser]
public class StageBenchmarks : IDisposable
{
    private readonly ResponseWriter _response = new();
    private BenchmarkRequest _setup = null!;
    private HookRequest _request = null!;
    private PatientData _data = null!;
    private IReadOnlyList<Card> _cards = [];

    [Params(BenchmarkRequest.Synthea, BenchmarkRequest.BaclofenOrderSelect, BenchmarkRequest.QuinineOrderSign)]
    public string Request { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _setup = BenchmarkRequest.Load(Request);
        _request = HookRequestParser.Parse(_setup.Body, _setup.Hook, _setup.Catalog.ReadOptions).Request!;
        _data = PrefetchData.Build(_request, _setup.Service.Prefetch);
        _cards = _setup.Evaluator.Evaluate(_request, _data).Cards;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _response.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "read request")]
    public HookRequest Read() => HookRequestParser.Parse(_setup.Body, _setup.Hook, _setup.Catalog.ReadOptions).Request!;

    [Benchmark(Description = "prefetch -> patient data")]
    public PatientData Gather() => PrefetchData.Build(_request, _setup.Service.Prefetch);

    [Benchmark(Description = "facts + rules + render")]
    public int Evaluate() => _setup.Evaluator.Evaluate(_request, _data).Cards.Count;

    [Benchmark(Description = "write answer")]
    public int Write() => _response.Write(_cards);
}
