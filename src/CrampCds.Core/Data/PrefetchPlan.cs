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
        var plans = new List<CategoryPlan>(PrefetchKeys.All.Count);
        foreach (var category in PrefetchKeys.All)
        {
            var key = PrefetchKeys.KeyOf(category);
            if (request.Prefetch.TryGetValue(key, out var value) && value.State != PrefetchState.Failed && !ContainsOperationOutcome(value.Resource))
            {
                plans.Add(new(category, value.Resource, value.State == PrefetchState.NoData, null));
                continue;
            }

            var query = templates.TryGetValue(key, out var template) ? Expand(template, request.Context) : null;
            plans.Add(new(category, null, false, query) { PrefetchFailed = request.Prefetch.ContainsKey(key) });
        }

        return plans;
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
                if (entry.Resource is OperationOutcome outcome && outcome.Issue?.Any(i => i.Severity is "error" or "fatal") == true)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
