using CrampCds.Core.Fhir;

namespace CrampCds.Core.Hooks;

/// <summary>Which draft orders a hook judges, and what a draft's medication is.</summary>
public static class DraftOrders
{
    /// <summary>True when <paramref name="reference"/> ("Type/id") names <paramref name="draft"/>.</summary>
    public static bool Matches(Resource draft, string reference)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || draft.Id is null)
        {
            return false;
        }

        var type = reference.AsSpan(0, slash);
        var id = reference.AsSpan(slash + 1);
        return id.SequenceEqual(draft.Id) && type.SequenceEqual(draft.TypeName);
    }

    /// <summary>order-select judges the selections (the rest is context); order-sign judges every draft.</summary>
    public static IReadOnlyList<Resource> Judged(HookRequest request)
    {
        if (request.Hook != HookNames.OrderSelect)
        {
            return request.Context.DraftOrders;
        }

        // Indexed, not foreach: enumerating through the interface would allocate.
        var drafts = request.Context.DraftOrders;
        var judged = new List<Resource>(request.Context.Selections.Count);
        for (var d = 0; d < drafts.Count; d++)
        {
            if (IsJudged(request, drafts[d]))
            {
                judged.Add(drafts[d]);
            }
        }

        return judged;
    }

    /// <summary>Whether <see cref="Judged"/> holds <paramref name="draft"/>: a selection names it, or the hook is not order-select.</summary>
    public static bool IsJudged(HookRequest request, Resource draft)
    {
        if (request.Hook != HookNames.OrderSelect)
        {
            return true;
        }

        var selections = request.Context.Selections;
        for (var s = 0; s < selections.Count; s++)
        {
            if (Matches(draft, selections[s]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A medication draft that names a medication yet (the sandbox fires on an empty order form).</summary>
    public static bool HasMedication(MedicationRequest draft) =>
        draft.MedicationReference?.Reference is { Length: > 0 }
        || draft.MedicationCodeableConcept is { } concept && (HasCode(concept.Coding) || !string.IsNullOrWhiteSpace(concept.Text));

    private static bool HasCode(Coding[]? codings)
    {
        foreach (var coding in codings ?? [])
        {
            if (!string.IsNullOrWhiteSpace(coding.Code))
            {
                return true;
            }
        }

        return false;
    }
}
