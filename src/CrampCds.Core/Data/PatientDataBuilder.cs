using CrampCds.Core.Fhir;

namespace CrampCds.Core.Data;

/// <summary>Collects what prefetch and the FHIR server returned into one <see cref="PatientData"/>.</summary>
public sealed class PatientDataBuilder
{
    private readonly List<MedicationRequest> _medicationRequests = [];
    private readonly List<MedicationStatement> _medicationStatements = [];
    private readonly List<Observation> _observations = [];
    private readonly List<Condition> _conditions = [];
    private readonly Dictionary<string, Medication> _medications = new(StringComparer.Ordinal);
    private readonly List<DataGap> _gaps = [];
    private readonly List<MedicationRequest> _draftMedicationRequests = [];
    private Patient? _patient;

    /// <summary>Adds a prefetched or fetched value: a Bundle (its entries of the category's type) or a single resource.</summary>
    public void Add(DataCategory category, Resource resource)
    {
        if (resource is Bundle bundle)
        {
            foreach (var entry in bundle.Entry ?? [])
            {
                if (entry.Resource is { } item)
                {
                    AddOne(category, item, entry.FullUrl);
                }
            }

            return;
        }

        AddOne(category, resource, null);
    }

    /// <summary>Draft orders may reference a Medication in their own Bundle, or one only the server has.</summary>
    public void AddDraftOrders(IReadOnlyList<Resource> drafts)
    {
        foreach (var draft in drafts)
        {
            switch (draft)
            {
                case Medication medication when medication.Id is not null:
                    _medications[$"Medication/{medication.Id}"] = medication;
                    break;
                case MedicationRequest request:
                    _draftMedicationRequests.Add(request);
                    break;
            }
        }
    }

    public void AddGap(DataGap gap) => _gaps.Add(gap);

    public void AddMedication(string reference, Medication medication) => _medications[reference] = medication;

    /// <summary>
    /// Medication references ("Medication/id") the orders make that neither a contained resource nor the bundles
    /// resolved, so they must be read from the server. References of another form cannot be read at all.
    /// </summary>
    public IReadOnlyList<string> UnresolvedMedicationReferences() => ScanReferences(out _);

    private List<string> ScanReferences(out int unreadable)
    {
        var unresolved = new List<string>();
        unreadable = 0;
        foreach (var request in _medicationRequests.Concat(_draftMedicationRequests))
        {
            unreadable += CollectUnresolved(request.MedicationReference, request.Contained, unresolved);
        }

        foreach (var statement in _medicationStatements)
        {
            unreadable += CollectUnresolved(statement.MedicationReference, statement.Contained, unresolved);
        }

        return unresolved;
    }

    /// <summary>Records that the referenced Medications still unresolved could not be read: the data card says so.</summary>
    public void MedicationsUnreadable()
    {
        if (ScanReferences(out var unreadable).Count + unreadable > 0)
        {
            AddGap(new DataGap(DataCategory.MedicationRequests, DataGapReason.MedicationUnresolved));
        }
    }

    public PatientData Build() => new()
    {
        Patient = _patient,
        MedicationRequests = _medicationRequests,
        MedicationStatements = _medicationStatements,
        Observations = _observations,
        Conditions = _conditions,
        Medications = _medications,
        Gaps = _gaps,
    };

    private void AddOne(DataCategory category, Resource resource, string? fullUrl)
    {
        switch (resource)
        {
            case Patient patient when category == DataCategory.Patient:
                _patient ??= patient;
                break;
            case MedicationRequest request when category == DataCategory.MedicationRequests:
                _medicationRequests.Add(request);
                break;
            case MedicationStatement statement when category == DataCategory.MedicationStatements:
                _medicationStatements.Add(statement);
                break;
            case Observation observation when category == DataCategory.Labs:
                _observations.Add(observation);
                break;
            case Condition condition when category == DataCategory.Conditions:
                _conditions.Add(condition);
                break;
            case Medication medication:
                // Searches with _include bring the referenced Medications along.
                if (medication.Id is not null)
                {
                    _medications[$"Medication/{medication.Id}"] = medication;
                }

                if (fullUrl is not null)
                {
                    _medications[fullUrl] = medication;
                }

                break;
        }
    }

    // Returns 1 when the reference can be neither resolved here nor read from a server.
    private int CollectUnresolved(ResourceReference? reference, IReadOnlyList<Resource>? contained, List<string> unresolved)
    {
        var value = reference?.Reference;
        if (string.IsNullOrEmpty(value) || _medications.ContainsKey(value) || unresolved.Contains(value))
        {
            return 0;
        }

        if (value.StartsWith('#'))
        {
            return contained?.Any(r => r is Medication m && value.AsSpan(1).SequenceEqual(m.Id)) == true ? 0 : 1;
        }

        if (MedicationResolver.RelativeReference(value) is not { } relative)
        {
            return 1;
        }

        if (!_medications.ContainsKey(relative) && !unresolved.Contains(relative))
        {
            unresolved.Add(relative);
        }

        return 0;
    }
}
