using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
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
    private HookEvaluator _evaluator = null!;
    private ServiceDefinition _service = null!;
    private byte[] _body = [];
    private string _hook = "";
    private CardCatalog _catalog = null!;
    private HookRequest _request = null!;
    private PatientData _data = null!;
    private IReadOnlyList<Card> _cards = [];

    [Params("patient-view-synthea", "order-select-baclofen", "order-sign-quinine")]
    public string Request { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var rules = RuleSet.Create();
        var catalog = _catalog = CardCatalog.Load(RequestBodies.CardsPath, rules);
        _evaluator = new HookEvaluator(catalog, rules, [], new FixedTimeProvider(DateTimeOffset.UtcNow));
        _body = Encoding.UTF8.GetBytes(Request switch
        {
            "patient-view-synthea" => RequestBodies.SyntheaPatientView(),
            "order-select-baclofen" => RequestBodies.BaclofenOrderSelect(),
            _ => RequestBodies.QuinineOrderSign(),
        });
        _hook = JsonDocument.Parse(_body).RootElement.GetProperty("hook").GetString()!;
        _service = catalog.Services.First(s => s.Hook == _hook);
        _request = HookRequestParser.Parse(_body, _hook, catalog.ReadOptions).Request!;
        _data = PrefetchData.Build(_request, _service.Prefetch);
        _cards = _evaluator.Evaluate(_request, _data).Cards;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _response.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "read request")]
    public HookRequest Read() => HookRequestParser.Parse(_body, _hook, _catalog.ReadOptions).Request!;

    [Benchmark(Description = "prefetch -> patient data")]
    public PatientData Gather() => PrefetchData.Build(_request, _service.Prefetch);

    [Benchmark(Description = "facts + rules + render")]
    public int Evaluate() => _evaluator.Evaluate(_request, _data).Cards.Count;

    [Benchmark(Description = "write answer")]
    public int Write() => _response.Write(_cards);
}
