using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;

namespace CrampCds.Core.Cases;

/// <summary>
/// A rule case: a full hook request (dates relative to the clock) and the ids of the cards it must get,
/// beside the rule in cds-cards/cases/{rule-id}/. <c>in-</c> cases fire the rule, <c>out-</c> cases do not.
/// </summary>
public sealed record CaseFile(string Path, string Description, JsonObject Request, IReadOnlyList<string> Expect, IReadOnlyDictionary<string, string> Indicators)
{
    public static CaseFile Load(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new FormatException($"{path}: not a JSON object");
        var request = root["request"]?.AsObject() ?? throw new FormatException($"{path}: 'request' is missing");
        var expect = root["expect"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? throw new FormatException($"{path}: 'expect' is missing");
        var indicators = root["indicators"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
        return new CaseFile(path, root["description"]?.GetValue<string>() ?? "", request, expect, indicators);
    }

    /// <summary>Runs the case through the same path as the service (bind, prefetch data, evaluate) at <paramref name="now"/>.</summary>
    public HookResult Run(CardCatalog catalog, HookEvaluator evaluator, DateTimeOffset now) =>
        Evaluate(CaseDates.Resolve(Request.ToJsonString(Literal), now), catalog, evaluator);

    // Keeps "+" in "${today+2d}" as written (the default encoder would turn it into \u002B).
    private static readonly JsonSerializerOptions Literal = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Evaluates a hook request body offline, from its prefetch; the hook decides the service.</summary>
    public static HookResult Evaluate(string body, CardCatalog catalog, HookEvaluator evaluator)
    {
        var hook = JsonNode.Parse(body)?["hook"]?.GetValue<string>() ?? throw new FormatException("the request has no hook");
        var service = catalog.Services.FirstOrDefault(s => s.Hook == hook) ?? throw new FormatException($"no service answers '{hook}'");
        var parsed = HookRequestParser.Parse(Encoding.UTF8.GetBytes(body), service.Hook, catalog.ReadOptions);
        if (parsed.Request is not { } request)
        {
            throw new FormatException(string.Join("; ", parsed.Errors.Select(e => $"{e.Field} {e.Message}")));
        }

        if (HookNames.IsOrderHook(hook) && HookEvaluator.JudgedMedicationOrders(request).Count == 0)
        {
            return HookResult.NoCards;
        }

        return evaluator.Evaluate(request, PrefetchData.Build(request, service.Prefetch));
    }
}
