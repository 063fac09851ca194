using System.Text;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;

namespace CrampCds.Core.Data;

/// <summary>What to do for one category: use what was prefetched, or fetch it with a query.</summary>
public sealed record CategoryPlan(DataCategory Category, Resource? Prefetched, bool NoData, string? Query)
{
    /// <summary>The key was sent, but held an error (OperationOutcome) or something unreadable.</summary>
    public bool PrefetchFailed { get; init; }

    public bool NeedsFetch => Query is not null;
}

/// <summary>
/// Per prefetch key: present -> use it; null -> no data; absent, unreadable or an OperationOutcome -> fetch
/// it with the service's own template, its tokens filled from the context.
/// </summary>
public static class PrefetchPlanner
{
    public static IReadOnlyList<CategoryPlan> Plan(HookRequest request, IReadOnlyDictionary<string, string> templates)
    {
        var plans = new CategoryPlan[PrefetchKeys.All.Count];
        for (var i = 0; i < plans.Length; i++)
        {
            var category = PrefetchKeys.All[i];
            if (TryUsePrefetch(request, category, out var value, out var sent))
            {
                plans[i] = new(category, value.Resource, value.State == PrefetchState.NoData, null);
                continue;
            }

            var query = templates.TryGetValue(PrefetchKeys.KeyOf(category), out var template) ? Expand(template, request.Context) : null;
            plans[i] = new(category, null, false, query) { PrefetchFailed = sent };
        }

        return plans;
    }

    /// <summary>
    /// The category's prefetched value when it can be used (a resource, or null for no data); false when it must be
    /// fetched, <paramref name="sent"/> saying whether the key was sent at all (unreadable, or an error outcome).
    /// </summary>
    internal static bool TryUsePrefetch(HookRequest request, DataCategory category, out PrefetchValue value, out bool sent)
    {
        sent = request.Prefetch.TryGetValue(PrefetchKeys.KeyOf(category), out value);
        return sent && value.State != PrefetchState.Failed && !ContainsOperationOutcome(value.Resource);
    }

    /// <summary>Fills <c>{{context.x}}</c> tokens (URL-escaped); null when a token has no value.</summary>
    public static string? Expand(string template, HookContext context)
    {
        var result = new StringBuilder(template.Length + 32);
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                result.Append(template, position, template.Length - position);
                break;
            }

            var close = template.IndexOf("}}", open, StringComparison.Ordinal);
            if (close < 0)
            {
                return null;
            }

            result.Append(template, position, open - position);
            var token = template.AsSpan(open + 2, close - open - 2).Trim();
            if (!token.StartsWith("context.", StringComparison.Ordinal)
                || !context.TokenValues.TryGetValue(token["context.".Length..].ToString(), out var value))
            {
                return null;
            }

            result.Append(Uri.EscapeDataString(value));
            position = close + 2;
        }

        return result.ToString();
    }

    // A searchset may carry an OperationOutcome entry saying the client's own query failed part-way.
    private static bool ContainsOperationOutcome(Resource? resource)
    {
        if (resource is OperationOutcome)
        {
            return true;
        }

        if (resource is Bundle bundle)
        {
            foreach (var entry in bundle.Entry ?? [])
            {
                if (entry.Resource is OperationOutcome outcome && IsError(outcome))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsError(OperationOutcome outcome)
    {
        foreach (var issue in outcome.Issue ?? [])
        {
            if (issue.Severity is "error" or "fatal")
            {
                return true;
            }
        }

        return false;
    }
}
