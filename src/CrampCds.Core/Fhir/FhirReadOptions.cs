namespace CrampCds.Core.Fhir;

/// <summary>What a read may leave out because no rule reads it.</summary>
/// <param name="ReadsObservation">
/// True for an Observation code (its own, or one of its components') the rules read. A bundle's other Observations
/// are kept as their id, status and code alone: a patient's vital signs and panels are most of a full prefetch, and
/// reading them whole would cost as much as the rest of the answer.
/// </param>
public sealed record FhirReadOptions(Func<CodeableConcept, bool>? ReadsObservation = null)
{
    /// <summary>The catalog's codes with the values every read shares: a code read that is one of them is its shared instance, not a new string.</summary>
    internal KnownStrings? Codes { get; init; }

    /// <summary>Everything read in full.</summary>
    public static FhirReadOptions Full { get; } = new();
}
