using CrampCds.Core.Fhir;

namespace CrampCds.Core.Data;

/// <summary>What an order says its medication is: its own coding, or the Medication it references.</summary>
public static class MedicationResolver
{
    public static IReadOnlyList<CodeableConcept> Describe(MedicationRequest request, PatientData data) =>
        Describe(request.MedicationCodeableConcept, request.MedicationReference, request.Contained, data);

    public static IReadOnlyList<CodeableConcept> Describe(MedicationStatement statement, PatientData data) =>
        Describe(statement.MedicationCodeableConcept, statement.MedicationReference, statement.Contained, data);

    /// <summary>The "Medication/id" form of a reference ("Medication/1", a full URL ending in it); null for other types.</summary>
    public static string? RelativeReference(string reference)
    {
        var trimmed = reference.AsSpan().TrimEnd('/');
        var history = trimmed.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0)
        {
            trimmed = trimmed[..history];
        }

        var at = trimmed.LastIndexOf("Medication/", StringComparison.Ordinal);
        if (at < 0 || (at > 0 && trimmed[at - 1] != '/'))
        {
            return null;
        }

        var id = trimmed[(at + "Medication/".Length)..];
        return Hooks.FhirId.IsValid(id) ? $"Medication/{id}" : null;
    }

    private static CodeableConcept[] Describe(
        CodeableConcept? concept, ResourceReference? reference, IReadOnlyList<Resource>? contained, PatientData data)
    {
        // Most orders are coded in place and name no Medication: their one concept is the whole description.
        if (concept is not null && reference is null)
        {
            return [concept];
        }

        var descriptions = new List<CodeableConcept>(2);
        if (concept is not null)
        {
            descriptions.Add(concept);
        }

        if (Find(reference, contained, data) is { } medication)
        {
            if (medication.Code is not null)
            {
                descriptions.Add(medication.Code);
            }

            foreach (var ingredient in medication.Ingredient ?? [])
            {
                if (ingredient.ItemCodeableConcept is not null)
                {
                    descriptions.Add(ingredient.ItemCodeableConcept);
                }
            }
        }
        else if (reference?.Display is { Length: > 0 } display)
        {
            descriptions.Add(new CodeableConcept { Text = display });
        }

        return [.. descriptions];
    }

    /// <summary>The Medication a reference names: contained ("#id"), gathered, or read from the server.</summary>
    public static Medication? Find(ResourceReference? reference, IReadOnlyList<Resource>? contained, PatientData data)
    {
        var value = reference?.Reference;
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.StartsWith('#'))
        {
            return FindContained(value, contained);
        }

        if (data.Medications.TryGetValue(value, out var found))
        {
            return found;
        }

        return RelativeReference(value) is { } relative && data.Medications.TryGetValue(relative, out found) ? found : null;
    }

    /// <summary>The contained Medication a "#id" reference names.</summary>
    internal static Medication? FindContained(string reference, IReadOnlyList<Resource>? contained)
    {
        if (contained is null)
        {
            return null;
        }

        // Indexed, not foreach: enumerating through the interface would allocate.
        for (var i = 0; i < contained.Count; i++)
        {
            if (contained[i] is Medication medication && reference.AsSpan(1).SequenceEqual(medication.Id))
            {
                return medication;
            }
        }

        return null;
    }
}
