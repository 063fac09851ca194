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
/// The in-process pipeline (parse, facts, rules, render, serialize) beside the floor: parsing the same
/// body once with JsonDocument. Budget: the pipeline at most 2x the baseline's time, allocations under 4x
/// the body's size.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private CardCatalog _catalog = null!;
    private HookEvaluator _evaluator = null!;
    private byte[] _body = [];
    private string _hook = "";

    [Params("patient-view-synthea", "order-select-baclofen", "order-sign-quinine")]
    public string Request { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var rules = RuleSet.Create();
        _catalog = CardCatalog.Load(RequestBodies.CardsPath, rules);
        _evaluator = new HookEvaluator(_catalog, rules, [], new FixedTimeProvider(DateTimeOffset.UtcNow));
        var json = Request switch
        {
            "patient-view-synthea" => RequestBodies.SyntheaPatientView(),
            "order-select-baclofen" => RequestBodies.BaclofenOrderSelect(),
            _ => RequestBodies.QuinineOrderSign(),
        };
        _body = Encoding.UTF8.GetBytes(json);
        _hook = JsonDocument.Parse(_body).RootElement.GetProperty("hook").GetString()!;
        Console.WriteLine($"// {Request}: body {_body.Length} bytes");
    }

    [Benchmark(Baseline = true)]
    public int ParseOnlyBaseline()
    {
        using var document = JsonDocument.Parse(_body);
        return document.RootElement.PropertyCount();
    }

    [Benchmark]
    public int Pipeline()
    {
        var service = _catalog.Services.First(s => s.Hook == _hook);
        var request = HookRequestParser.Parse(_body, _hook).Request!;
        var result = _evaluator.Evaluate(request, PrefetchData.Build(request, service.Prefetch));
        return JsonSerializer.SerializeToUtf8Bytes(new CardsResponse(result.Cards), CardsJsonContext.Default.CardsResponse).Length;
    }
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
