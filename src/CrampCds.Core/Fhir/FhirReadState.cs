using System.Runtime.CompilerServices;

namespace CrampCds.Core.Fhir;

/// <summary>
/// What one read (a request body, or one resource fetched) shares between its values: the catalog's codes, and the last
/// few references and dates it made into strings. A request repeats both (every Observation's <c>Patient/…</c>, a panel's
/// one date), so each such value is one string (and a bare reference one object), not one per resource. Lives on the reader's stack, passed by reference.
/// </summary>
internal struct FhirReadState(KnownStrings? codes)
{
    public const int Kept = 8;

    public readonly KnownStrings? Codes = codes;

    /// <summary>The last <see cref="Kept"/> repeated-kind strings made, oldest overwritten first; null slots are unused.</summary>
    public Recent Made;

    /// <summary>How many were made so far (where the next one goes, modulo <see cref="Kept"/>).</summary>
    public int Count;

    /// <summary>The last bare reference (no type, no display) made, given again for the same reference string.</summary>
    public ResourceReference? LastReference;

    [InlineArray(Kept)]
    public struct Recent
    {
        private string? _first;
    }
}
