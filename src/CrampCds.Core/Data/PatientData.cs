using System.Collections.Frozen;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Data;

/// <summary>Everything gathered for one hook call, from prefetch or the FHIR server, and what could not be read.</summary>
public sealed record PatientData
{
    public static PatientData Empty { get; } = new();

    public Patient? Patient { get; init; }
    public IReadOnlyList<MedicationRequest> MedicationRequests { get; init; } = [];
    public IReadOnlyList<MedicationStatement> MedicationStatements { get; init; } = [];
    public IReadOnlyList<Observation> Observations { get; init; } = [];
    public IReadOnlyList<Condition> Conditions { get; init; } = [];

    /// <summary>Medication resources referenced by the orders, keyed by "Medication/id" (and by full URL when given).</summary>
    public IReadOnlyDictionary<string, Medication> Medications { get; init; } = FrozenDictionary<string, Medication>.Empty;

    public IReadOnlyList<DataGap> Gaps { get; init; } = [];

    public bool IsMissing(DataCategory category)
    {
        foreach (var gap in Gaps)
        {
            if (gap.Category == category && gap.Reason is not (DataGapReason.Incomplete or DataGapReason.MedicationUnresolved))
            {
                return true;
            }
        }

        return false;
    }
}
