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

        // Indexed, not foreach: enumerating through the interfaces would allocate.
        var (drafts, selections) = (request.Context.DraftOrders, request.Context.Selections);
        var judged = new List<Resource>(selections.Count);
        for (var d = 0; d < drafts.Count; d++)
        {
            for (var s = 0; s < selections.Count; s++)
            {
                if (Matches(drafts[d], selections[s]))
                {
                    judged.Add(drafts[d]);
                    break;
                }
            }
        }

        return judged;
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
