using System.Text;
using System.Text.Json;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using CrampCds.Core.Rules;

namespace CrampCds.Benchmarks;

/// <summary>One of the benchmark requests (see <see cref="RequestBodies"/>) with the content and evaluator it runs against.</summary>
internal sealed record BenchmarkRequest(CardCatalog Catalog, HookEvaluator Evaluator, ServiceDefinition Service, byte[] Body, string Hook)
{
    public const string Synthea = "patient-view-synthea";
    public const string BaclofenOrderSelect = "order-select-baclofen";
    public const string QuinineOrderSign = "order-sign-quinine";

    public static BenchmarkRequest Load(string name)
    {
        var rules = RuleSet.Create();
        var catalog = CardCatalog.Load(RequestBodies.CardsPath, rules);
        var body = Encoding.UTF8.GetBytes(name switch
        {
            Synthea => RequestBodies.SyntheaPatientView(),
            BaclofenOrderSelect => RequestBodies.BaclofenOrderSelect(),
            QuinineOrderSign => RequestBodies.QuinineOrderSign(),
            _ => throw new ArgumentException($"no benchmark request '{name}'", nameof(name)),
        });
        var hook = JsonDocument.Parse(body).RootElement.GetProperty("hook").GetString()!;
        Console.WriteLine($"// {name}: body {body.Length} bytes");
        return new BenchmarkRequest(
            catalog,
            new HookEvaluator(catalog, rules, [], new FixedTimeProvider(DateTimeOffset.UtcNow)),
            catalog.Services.First(s => s.Hook == hook),
            body,
            hook);
    }
}
