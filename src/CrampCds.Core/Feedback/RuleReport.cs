namespace CrampCds.Core.Feedback;

/// <summary>A card issued in the report's period and what became of it (its latest feedback).</summary>
public sealed record CardOutcomeRow(string RuleId, string Indicator, string CardUuid, string? Outcome, string? ReasonSystem, string? ReasonCode, string? ReasonDisplay);

public sealed record ReasonCount(string? System, string Code, string? Display, int Count);

/// <summary>One rule and indicator: how often its cards helped. Free-text comments are never part of it.</summary>
public sealed record RuleReportRow(
    string RuleId,
    string Indicator,
    int Issued,
    int Accepted,
    int Overridden,
    int NoResponse,
    double? AcceptanceRate,
    IReadOnlyList<ReasonCount> TopOverrideReasons);

public sealed record RuleReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<RuleReportRow> Rules);

public static class RuleReportBuilder
{
    /// <summary>Per rule and indicator: issued, accepted, overridden, no response, accepted / issued, the most frequent coded override reasons.</summary>
    public static RuleReport Build(DateTimeOffset from, DateTimeOffset to, IEnumerable<CardOutcomeRow> cards, int topReasons = 5) =>
        new(from, to, cards
            .GroupBy(c => (c.RuleId, c.Indicator))
            .OrderBy(g => g.Key.RuleId, StringComparer.Ordinal).ThenBy(g => g.Key.Indicator, StringComparer.Ordinal)
            .Select(g =>
            {
                var issued = g.Count();
                var accepted = g.Count(c => c.Outcome == "accepted");
                var overridden = g.Count(c => c.Outcome == "overridden");
                var reasons = g.Where(c => c.Outcome == "overridden" && c.ReasonCode is not null)
                    .GroupBy(c => (c.ReasonSystem, c.ReasonCode))
                    .Select(r => new ReasonCount(r.Key.ReasonSystem, r.Key.ReasonCode!, r.Select(c => c.ReasonDisplay).FirstOrDefault(d => d is not null), r.Count()))
                    .OrderByDescending(r => r.Count).ThenBy(r => r.Code, StringComparer.Ordinal)
                    .Take(topReasons)
                    .ToList();
                return new RuleReportRow(g.Key.RuleId, g.Key.Indicator, issued, accepted, overridden, issued - accepted - overridden,
                    issued == 0 ? null : Math.Round((double)accepted / issued, 4), reasons);
            })
            .ToList());
}
