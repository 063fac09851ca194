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
        if (!HasCandidate(result.Cards))
        {
            return result;
        }

        var candidates = result.Cards.Where(IsCandidate).ToList();

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

    // Checked on every call, before anything is allocated: most answers have nothing a snooze could leave out.
    private bool HasCandidate(IReadOnlyList<Card> cards)
    {
        for (var i = 0; i < cards.Count; i++)
        {
            if (IsCandidate(cards[i]))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsCandidate(Card card) =>
        card.Indicator != "critical" && catalog.Rules.TryGetValue(card.RuleId, out var rule) && rule.SnoozeReasons is { Count: > 0 };
}
