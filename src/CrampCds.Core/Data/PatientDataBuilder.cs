using System.Collections.Frozen;
using System.Runtime.InteropServices;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Data;

/// <summary>Collects what prefetch and the FHIR server returned into one <see cref="PatientData"/>.</summary>
public sealed class PatientDataBuilder
{
    // Each list is made on its first item (a call usually leaves some categories empty), sized for the bundle it came in.
    private List<MedicationRequest>? _medicationRequests;
    private List<MedicationStatement>? _medicationStatements;
    private List<Observation>? _observations;
    private List<Condition>? _conditions;
    private Dictionary<string, Medication>? _medications;
    private List<DataGap>? _gaps;
    private List<MedicationRequest>? _draftMedicationRequests;
    private Patient? _patient;

    /// <summary>Adds a prefetched or fetched value: a Bundle (its entries of the category's type) or a single resource.</summary>
    public void Add(DataCategory category, Resource resource)
    {
        if (resource is Bundle bundle)
        {
            var entries = bundle.Entry ?? [];
            foreach (var entry in entries)
            {
                if (entry.Resource is { } item)
                {
                    AddOne(category, item, entry.FullUrl, entries.Length);
                }
            }

            return;
        }

        AddOne(category, resource, null, 1);
    }

    /// <summary>Draft orders may reference a Medication in their own Bundle, or one only the server has.</summary>
    public void AddDraftOrders(IReadOnlyList<Resource> drafts)
    {
        for (var i = 0; i < drafts.Count; i++)
        {
            switch (drafts[i])
            {
                case Medication medication when medication.Id is not null:
                    AddMedication($"Medication/{medication.Id}", medication);
                    break;
                case MedicationRequest request:
                    Append(ref _draftMedicationRequests, request, drafts.Count);
                    break;
            }
        }
    }

    public void AddGap(DataGap gap) => Append(ref _gaps, gap, 4);

    public void AddMedication(string reference, Medication medication) => (_medications ??= new(StringComparer.Ordinal))[reference] = medication;

    /// <summary>
    /// Medication references ("Medication/id") the orders make that neither a contained resource nor the bundles
    /// resolved, so they must be read from the server. References of another form cannot be read at all.
    /// </summary>
    public IReadOnlyList<string> UnresolvedMedicationReferences()
    {
        List<string>? unresolved = null;
        ScanReferences(ref unresolved);
        return (IReadOnlyList<string>?)unresolved ?? [];
    }

    /// <summary>Records that the referenced Medications still unresolved could not be read: the data card says so.</summary>
    public void MedicationsUnreadable()
    {
        List<string>? unresolved = null;
        if (ScanReferences(ref unresolved) > 0 || unresolved is not null)
        {
            AddGap(new DataGap(DataCategory.MedicationRequests, DataGapReason.MedicationUnresolved));
        }
    }

    public PatientData Build() => new()
    {
        Patient = _patient,
        MedicationRequests = _medicationRequests ?? (IReadOnlyList<MedicationRequest>)[],
        MedicationStatements = _medicationStatements ?? (IReadOnlyList<MedicationStatement>)[],
        Observations = _observations ?? (IReadOnlyList<Observation>)[],
        Conditions = _conditions ?? (IReadOnlyList<Condition>)[],
        Medications = _medications ?? (IReadOnlyDictionary<string, Medication>)FrozenDictionary<string, Medication>.Empty,
        Gaps = _gaps ?? (IReadOnlyList<DataGap>)[],
    };

    private static void Append<T>(ref List<T>? list, T item, int capacity) => (list ??= new(capacity)).Add(item);

    private void AddOne(DataCategory category, Resource resource, string? fullUrl, int capacity)
    {
        switch (resource)
        {
            case Patient patient when category == DataCategory.Patient:
                _patient ??= patient;
                break;
            case MedicationRequest request when category == DataCategory.MedicationRequests:
                Append(ref _medicationRequests, request, capacity);
                break;
            case MedicationStatement statement when category == DataCategory.MedicationStatements:
                Append(ref _medicationStatements, statement, capacity);
                break;
            case Observation observation when category == DataCategory.Labs:
                Append(ref _observations, observation, capacity);
                break;
            case Condition condition when category == DataCategory.Conditions:
                Append(ref _conditions, condition, capacity);
                break;
            case Medication medication:
                // Searches with _include bring the referenced Medications along.
                if (medication.Id is not null)
                {
                    AddMedication($"Medication/{medication.Id}", medication);
                }

                if (fullUrl is not null)
                {
                    AddMedication(fullUrl, medication);
                }

                break;
        }
    }

    /// <summary>Collects the references to read into <paramref name="unresolved"/> (made on the first); returns how many can never be read.</summary>
    private int ScanReferences(ref List<string>? unresolved)
    {
        // AsSpan of a list not made yet is empty.
        var unreadable = 0;
        foreach (var request in CollectionsMarshal.AsSpan(_medicationRequests))
        {
            unreadable += CollectUnresolved(request.MedicationReference, request.Contained, ref unresolved);
        }

        foreach (var request in CollectionsMarshal.AsSpan(_draftMedicationRequests))
        {
            unreadable += CollectUnresolved(request.MedicationReference, request.Contained, ref unresolved);
        }

        foreach (var statement in CollectionsMarshal.AsSpan(_medicationStatements))
        {
            unreadable += CollectUnresolved(statement.MedicationReference, statement.Contained, ref unresolved);
        }

        return unreadable;
    }

    // Returns 1 when the reference can be neither resolved here nor read from a server.
    private int CollectUnresolved(ResourceReference? reference, IReadOnlyList<Resource>? contained, ref List<string>? unresolved)
    {
        var value = reference?.Reference;
        if (string.IsNullOrEmpty(value) || IsResolved(value, unresolved))
        {
            return 0;
        }

        if (value.StartsWith('#'))
        {
            return MedicationResolver.FindContained(value, contained) is null ? 1 : 0;
        }

        if (MedicationResolver.RelativeReference(value) is not { } relative)
        {
            return 1;
        }

        if (!IsResolved(relative, unresolved))
        {
            (unresolved ??= []).Add(relative);
        }

        return 0;
    }

    /// <summary>Gathered already, or listed to read already.</summary>
    private bool IsResolved(string reference, List<string>? unresolved) =>
        _medications?.ContainsKey(reference) == true || unresolved?.Contains(reference) == true;
}
