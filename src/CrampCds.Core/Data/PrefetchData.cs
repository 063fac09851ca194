using CrampCds.Core.Hooks;

namespace CrampCds.Core.Data;

/// <summary>
/// Patient data from prefetch alone: what the CLI and the cases use, and what the service uses before it
/// fetches anything. A key that would need a fetch becomes a gap.
/// </summary>
/// <remarks>
/// Decides as <see cref="PrefetchPlanner.Plan"/> does, without its per-call plans and queries: nothing is fetched here.
/// </remarks>
public static class PrefetchData
{
    public static PatientData Build(HookRequest request, IReadOnlyDictionary<string, string> templates)
    {
        var builder = new PatientDataBuilder();
        builder.AddDraftOrders(request.Context.DraftOrders);
        for (var i = 0; i < PrefetchKeys.All.Count; i++)
        {
            var category = PrefetchKeys.All[i];
            if (!PrefetchPlanner.TryUsePrefetch(request, category, out var value, out var sent))
            {
                builder.AddGap(new DataGap(category, sent ? DataGapReason.PrefetchUnreadable : DataGapReason.NoFhirServer));
            }
            else if (value.Resource is { } resource)
            {
                builder.Add(category, resource);
            }
            else if (value.State != PrefetchState.NoData)
            {
                builder.AddGap(new DataGap(category, DataGapReason.NoFhirServer));
            }
        }

        builder.MedicationsUnreadable();
        return builder.Build();
    }
}
