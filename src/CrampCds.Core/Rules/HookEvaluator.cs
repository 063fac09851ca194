using System.Collections.Frozen;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Facts;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using CrampCds.Core.Telemetry;

namespace CrampCds.Core.Rules;

/// <summary>The answer to one hook call: cards, or a 412 when no rule could run at all.</summary>
public sealed record HookResult(IReadOnlyList<Card> Cards, bool PreconditionFailed = false)
{
    public static HookResult NoCards { get; } = new([]);

    /// <summary>Rules that threw on this call's data (their cards are missing; the others still came): for the log.</summary>
    public IReadOnlyList<(string RuleId, Exception Error)> FailedRules { get; init; } = [];
}

/// <summary>
/// Runs the enabled rules of a hook over the gathered data and renders their cards, plus one card
/// naming data that could not be read. Pure and synchronous: the hot path after gathering.
/// </summary>
public sealed class HookEvaluator
{
    private readonly CardCatalog _catalog;
    private readonly FrozenDictionary<string, IRule[]> _rulesByHook;
    private readonly TimeProvider _time;
    private readonly bool _requireCrampContext;
    private readonly CardIds _ids = new();

    public HookEvaluator(CardCatalog catalog, IEnumerable<IRule> rules, IEnumerable<string> disabledRuleIds, TimeProvider time, bool requireCrampContext = true)
    {
        _requireCrampContext = requireCrampContext;
        _catalog = catalog;
        _time = time;
        var disabled = disabledRuleIds.ToHashSet(StringComparer.Ordinal);
        var enabled = rules.Where(r => !disabled.Contains(r.Id)).ToArray();
        _rulesByHook = new[] { HookNames.PatientView, HookNames.OrderSelect, HookNames.OrderSign }
            .ToFrozenDictionary(h => h, h => enabled.Where(r => r.Hooks.Contains(h)).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The medication drafts an order hook judges; empty means there is nothing to check yet.</summary>
    public static IReadOnlyList<MedicationRequest> JudgedMedicationOrders(HookRequest request)
    {
        if (!HookNames.IsOrderHook(request.Hook))
        {
            return [];
        }

        var judged = new List<MedicationRequest>();
        foreach (var draft in DraftOrders.Judged(request))
        {
            if (draft is MedicationRequest order && DraftOrders.HasMedication(order))
            {
                judged.Add(order);
            }
        }

        return judged;
    }

    public HookResult Evaluate(HookRequest request, PatientData data)
    {
        var rules = _rulesByHook.TryGetValue(request.Hook, out var found) ? found : [];
        if (request.Hook == HookNames.PatientView && NothingReadable(data))
        {
            return new HookResult([], PreconditionFailed: true);
        }

        var now = _time.GetUtcNow();
        using var factsSpan = HookActivities.Source.StartActivity("facts");
        var facts = FactsBuilder.Build(request, data, _catalog, now, _requireCrampContext);
        factsSpan?.Stop();
        using var rulesSpan = HookActivities.Source.StartActivity("rules");
        var context = new RuleContext
        {
            Request = request,
            Data = data,
            Drugs = _catalog.Drugs,
            Conditions = _catalog.Conditions,
            Facts = facts,
            Catalog = _catalog,
        };

        var findings = new List<Finding>(4);
        List<(string, Exception)>? failed = null;
        foreach (var rule in rules)
        {
            var before = findings.Count;
            try
            {
                rule.Evaluate(context, findings);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One rule's defect must not cost the clinician every other card.
                findings.RemoveRange(before, findings.Count - before);
                (failed ??= []).Add((rule.Id, ex));
            }
        }

        rulesSpan?.SetTag("crampcds.findings", findings.Count);
        rulesSpan?.Stop();
        using var renderSpan = HookActivities.Source.StartActivity("render");

        var cards = new List<Card>(findings.Count + 1);
        foreach (var finding in findings)
        {
            cards.Add(CardRenderer.Render(finding, _catalog.Rules[finding.RuleId], _catalog.Globals, now, _ids));
        }

        MostSevereFirst(cards);

        if (data.Gaps.Count > 0)
        {
            cards.Add(CardRenderer.Render(DataUnavailableFinding(data.Gaps, rules), _catalog.DataUnavailable, _catalog.Globals, now, _ids));
        }

        return failed is null ? new HookResult(cards) : new HookResult(cards) { FailedRules = failed };
    }

    /// <summary>Most severe first, for EHRs that show cards in the order given; rule order breaks ties (a stable sort of a few cards).</summary>
    private static void MostSevereFirst(List<Card> cards)
    {
        for (var i = 1; i < cards.Count; i++)
        {
            var card = cards[i];
            var j = i - 1;
            while (j >= 0 && Severity(cards[j].Indicator) < Severity(card.Indicator))
            {
                cards[j + 1] = cards[j];
                j--;
            }

            cards[j + 1] = card;
        }
    }

    private static int Severity(string indicator) => indicator switch
    {
        "critical" => 2,
        "warning" => 1,
        _ => 0,
    };

    // 412 only when no rule could run: neither the Patient nor any clinical data was readable.
    private static bool NothingReadable(PatientData data)
    {
        foreach (var category in PrefetchKeys.All)
        {
            if (!data.IsMissing(category))
            {
                return false;
            }
        }

        return true;
    }

    private Finding DataUnavailableFinding(IReadOnlyList<DataGap> gaps, IRule[] rules)
    {
        var labels = _catalog.DataUnavailable.Labels ?? FrozenDictionary<string, string>.Empty;
        var missing = gaps.Select(g => Label(labels, PrefetchKeys.KeyOf(g.Category)) + " (" + Label(labels, "reason." + g.Reason) + ")")
            .Distinct(StringComparer.Ordinal);
        var categories = gaps.Select(g => g.Category).ToHashSet();
        var affected = rules.Where(r => r.Uses.Any(categories.Contains)).Select(r => _catalog.Rules[r.Id].Title).ToList();
        return new Finding
        {
            RuleId = CardCatalog.DataUnavailableId,
            Values = RuleSupport.Values(
                ("missing", string.Join("; ", missing)),
                ("checks", affected.Count > 0 ? string.Join("; ", affected) : Label(labels, "checks.none"))),
        };
    }

    private static string Label(IReadOnlyDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var label) ? label : key;
}
