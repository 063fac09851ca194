using System.Diagnostics;

namespace CrampCds.Core.Telemetry;

/// <summary>Trace spans of the hook pipeline (gather, facts, rules, render). Tags carry ids and counts, never PHI.</summary>
public static class HookActivities
{
    public const string SourceName = "CrampCds";

    public static ActivitySource Source { get; } = new(SourceName);
}
