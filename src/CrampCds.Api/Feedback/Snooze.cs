using CrampCds.Api.Infrastructure;
using CrampCds.Core.Cards;
using CrampCds.Core.Rules;

namespace CrampCds.Api.Feedback;

/// <summary>
/// Leaves out a card the clinician already overrode for this patient with one of its rule's snoozing reasons
/// (e.g. "patient aware, already managed") within CrampCds:Feedback:SnoozeDays. Never a critical card; and
/// when the store cannot answer, every card is served.
/// </summary>
public sealed class Snooze(FeedbackStore store, StoreLookup lookup, PatientHasher hasher, CardCatalog catalog, CrampCdsOptions options, TimeProvider time)
{
    public async Task<HookResult> ApplyAsync(HookResult result, string patientId, CancellationToken cancellationToken)
    {
        var candidates = result.Cards.Where(c => c.Indicator != "critical" && catalog.Rules.TryGetValue(c.RuleId, out var rule) && rule.SnoozeReasons is { Count: > 0 }).ToList();
        if (candidates.Count == 0)
        {
            return result;
        }

        // A snooze that cannot be looked up in time is not applied.
        var since = time.GetUtcNow().AddDays(-options.Feedback.SnoozeDays);
        var overrides = await lookup.RunAsync("snooze", token => store.OverridesAsync(hasher.Hash(patientId), since, token), [], cancellationToken);
        if (overrides.Count == 0)
        {
            return result;
        }

        var snoozed = candidates
            .Where(c => overrides.Any(o => o.RuleId == c.RuleId && catalog.Rules[c.RuleId].SnoozeReasons!.Contains(o.ReasonCode)))
            .ToHashSet();
        return snoozed.Count == 0 ? result : result with { Cards = result.Cards.Where(c => !snoozed.Contains(c)).ToList() };
    }
}
