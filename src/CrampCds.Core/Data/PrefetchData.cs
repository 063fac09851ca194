using CrampCds.Core.Hooks;

namespace CrampCds.Core.Data;

/// <summary>
/// Patient data from prefetch alone: what the CLI and the cases use, and what the service uses before it
/// fetches anything. A key that would need a fetch becomes a gap.
/// </summary>
public static class PrefetchData
{
    public static PatientData Build(HookRequest request, IReadOnlyDictionary<string, string> templates)
    {
        var builder = new PatientDataBuilder();
        builder.AddDraftOrders(request.Context.DraftOrders);
        foreach (var plan in PrefetchPlanner.Plan(request, templates))
        {
            if (plan.NeedsFetch || (plan.Prefetched is null && !plan.NoData))
            {
                builder.AddGap(new DataGap(plan.Category, plan.PrefetchFailed ? DataGapReason.PrefetchUnreadable : DataGapReason.NoFhirServer));
            }
            else if (plan.Prefetched is { } resource)
            {
                builder.Add(plan.Category, resource);
            }
        }

        builder.MedicationsUnreadable();
        return builder.Build();
    }
}
