using System.Diagnostics;
using CrampCds.Api.Infrastructure;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;

namespace CrampCds.Api.Fhir;

/// <summary>
/// Gathers the patient's data for one hook call: prefetch first, then every missing key from the EHR's
/// FHIR server, all queries in parallel under one deadline (CrampCds:Fhir:TimeoutMs). Whatever cannot
/// be read becomes a <see cref="DataGap"/>; nothing here throws for a bad server.
/// </summary>
public sealed class PatientDataGatherer(
    FhirClient client,
    FhirServerPolicy policy,
    CrampCdsOptions options,
    TimeProvider time,
    ILogger<PatientDataGatherer> logger)
{
    public async Task<PatientData> GatherAsync(HookRequest request, ServiceDefinition service, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var builder = new PatientDataBuilder();
        builder.AddDraftOrders(request.Context.DraftOrders);

        var plans = PrefetchPlanner.Plan(request, service.Prefetch);
        var baseUrl = request.FhirServer is null ? null : policy.Resolve(request.FhirServer);
        List<CategoryPlan>? network = null;
        foreach (var plan in plans)
        {
            if (!plan.NeedsFetch)
            {
                // A complete prefetch is used as it is; one the client paged has the rest fetched like any other page.
                if (plan.Prefetched is { } prefetched)
                {
                    if (NextLink(prefetched) is null)
                    {
                        builder.Add(plan.Category, prefetched);
                    }
                    else
                    {
                        (network ??= []).Add(plan);
                    }
                }

                continue;
            }

            if (request.FhirServer is null || baseUrl is null)
            {
                var reason = plan.PrefetchFailed ? DataGapReason.PrefetchUnreadable
                    : request.FhirServer is null ? DataGapReason.NoFhirServer
                    : DataGapReason.ServerNotAllowed;
                builder.AddGap(new DataGap(plan.Category, reason));
            }
            else
            {
                (network ??= []).Add(plan);
            }
        }

        // Only a call that reaches the FHIR server pays for a deadline and its tasks: most come with all their data.
        var fetches = 0;
        if (network is not null || (baseUrl is not null && builder.UnresolvedMedicationReferences().Count > 0))
        {
            fetches = await FetchAsync(builder, network ?? [], baseUrl, request.FhirAuthorization, cancellationToken);
        }

        builder.MedicationsUnreadable();

        var data = builder.Build();
        foreach (var gap in data.Gaps)
        {
            logger.DataGap(gap.Category, gap.Reason);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.DataGathered(request.Hook, fetches, data.Gaps.Count, (long)time.GetElapsedTime(started).TotalMilliseconds);
        }
        return data;
    }

    /// <summary>Fetches what the plans need (and the Medications orders reference) within CrampCds:Fhir:TimeoutMs; returns how many fetches ran.</summary>
    private async Task<int> FetchAsync(
        PatientDataBuilder builder, List<CategoryPlan> plans, Uri? baseUrl, FhirAuthorization? authorization, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(TimeSpan.FromMilliseconds(options.Fhir.TimeoutMs), time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var budget = new FetchBudget(time.GetUtcNow().AddMilliseconds(options.Fhir.TimeoutMs), deadline.Token, cancellationToken);

        // The first queries go out in one parallel round.
        var fetches = new Task<(DataCategory Category, CategoryResult Result)>[plans.Count];
        for (var i = 0; i < plans.Count; i++)
        {
            var plan = plans[i];
            fetches[i] = plan.NeedsFetch
                ? FetchCategoryAsync(plan.Category, new Uri(baseUrl!, ServerRelative(baseUrl!, plan.Query!)), baseUrl!, authorization, budget)
                : UsePrefetchAsync(plan.Category, plan.Prefetched!, baseUrl, authorization, budget);
        }

        foreach (var (category, result) in await Task.WhenAll(fetches))
        {
            foreach (var resource in result.Resources)
            {
                builder.Add(category, resource);
            }

            if (result.Gap is { } reason)
            {
                builder.AddGap(new DataGap(category, reason));
            }
        }

        if (baseUrl is not null)
        {
            await ResolveMedicationsAsync(builder, baseUrl, authorization, budget);
        }

        return fetches.Length;
    }

    private async Task<(DataCategory, CategoryResult)> UsePrefetchAsync(
        DataCategory category, Resource prefetched, Uri? baseUrl, FhirAuthorization? authorization, FetchBudget budget)
    {
        // Only a paged prefetch comes here: its next link is there.
        var resources = new List<Resource> { prefetched };
        var next = NextLink(prefetched)!;
        if (baseUrl is null || !FhirServerPolicy.IsUnder(next, baseUrl) || !policy.IsAllowed(next))
        {
            return (category, new CategoryResult(resources, DataGapReason.Incomplete));
        }

        var rest = await FetchPagesAsync(next, baseUrl, authorization, options.Fhir.MaxPages - 1, isRead: false, budget);
        resources.AddRange(rest.Resources);
        return (category, rest with { Resources = resources });
    }

    private async Task<(DataCategory, CategoryResult)> FetchCategoryAsync(
        DataCategory category, Uri url, Uri baseUrl, FhirAuthorization? authorization, FetchBudget budget)
    {
        if (!policy.IsAllowed(url))
        {
            return (category, new CategoryResult([], DataGapReason.ServerNotAllowed));
        }

        return (category, await FetchPagesAsync(url, baseUrl, authorization, options.Fhir.MaxPages, isRead: category == DataCategory.Patient, budget));
    }

    private async Task<CategoryResult> FetchPagesAsync(
        Uri url, Uri baseUrl, FhirAuthorization? authorization, int maxPages, bool isRead, FetchBudget budget)
    {
        var resources = new List<Resource>();
        Uri? next = url;
        try
        {
            for (var page = 0; next is not null; page++)
            {
                if (page >= maxPages)
                {
                    return new CategoryResult(resources, DataGapReason.Incomplete);
                }

                var result = await client.GetAsync(next, authorization, budget);
                if (result.Failure is { } failure)
                {
                    return new CategoryResult(resources, failure);
                }

                if (result.Resource is null)
                {
                    // 404 on a read means the resource is not there; on a search it means the search is not.
                    if (!isRead)
                    {
                        return new CategoryResult(resources, DataGapReason.ServerError);
                    }

                    break;
                }

                // A search answers with a Bundle, the Patient read with a Patient: anything else is not the data asked for.
                if (isRead ? result.Resource is not Patient : result.Resource is not Bundle)
                {
                    return new CategoryResult(resources, DataGapReason.Unreadable);
                }

                resources.Add(result.Resource);
                next = NextLink(result.Resource);
                if (next is not null && (!FhirServerPolicy.IsUnder(next, baseUrl) || !policy.IsAllowed(next)))
                {
                    // Never follow a next link off the EHR's server: the data stays incomplete instead.
                    return new CategoryResult(resources, DataGapReason.Incomplete);
                }
            }
        }
        catch (OperationCanceledException) when (!budget.CallerAborted.IsCancellationRequested)
        {
            return new CategoryResult(resources, DataGapReason.Timeout);
        }

        return new CategoryResult(resources, null);
    }

    private async Task ResolveMedicationsAsync(
        PatientDataBuilder builder, Uri baseUrl, FhirAuthorization? authorization, FetchBudget budget)
    {
        var references = builder.UnresolvedMedicationReferences();
        if (references.Count == 0)
        {
            return;
        }

        var reads = references.Select(async reference =>
        {
            var url = new Uri(baseUrl, ServerRelative(baseUrl, reference));
            if (!policy.IsAllowed(url))
            {
                return (reference, (FetchResult?)null);
            }

            try
            {
                return (reference, await client.GetAsync(url, authorization, budget));
            }
            catch (OperationCanceledException) when (!budget.CallerAborted.IsCancellationRequested)
            {
                return (reference, (FetchResult?)null);
            }
        });

        foreach (var (reference, result) in await Task.WhenAll(reads))
        {
            if (result?.Resource is Medication medication)
            {
                builder.AddMedication(reference, medication);
            }
        }
    }

    private static Uri? NextLink(Resource resource)
    {
        if (resource is not Bundle bundle)
        {
            return null;
        }

        foreach (var link in bundle.Link ?? [])
        {
            if (link.Relation == "next" && Uri.TryCreate(link.Url, UriKind.Absolute, out var next))
            {
                return next;
            }
        }

        return null;
    }

    // Templates are relative to the FHIR base: "Patient/1" under "https://ehr/fhir" is "https://ehr/fhir/Patient/1".
    private static string ServerRelative(Uri baseUrl, string query) =>
        baseUrl.AbsolutePath.TrimEnd('/') + "/" + query.TrimStart('/');

    private sealed record CategoryResult(List<Resource> Resources, DataGapReason? Gap);
}
