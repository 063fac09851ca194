using System.Collections.Immutable;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Facts;

/// <summary>A medication as the rules see it: what it is and how much a day.</summary>
public sealed record MedicationFact
{
    /// <summary>The MedicationRequest or MedicationStatement (or draft order) it comes from.</summary>
    public required Resource Source { get; init; }

    /// <summary>How a card names it: the order's text or first display.</summary>
    public required string Name { get; init; }
    public required IReadOnlySet<string> ConceptIds { get; init; }
    public required IReadOnlySet<string> Classes { get; init; }
    public required DailyDose Dose { get; init; }
    public IReadOnlyList<CodeableConcept> Reasons { get; init; } = [];

    public bool Is(string conceptId) => ConceptIds.Contains(conceptId);

    public bool IsIn(string classId) => Classes.Contains(classId);
}

/// <summary>The latest usable result of one analyte.</summary>
public sealed record LabFact
{
    public required Analyte Analyte { get; init; }

    /// <summary>The reported value; a comparator value (">60") counts at its bound.</summary>
    public required decimal Value { get; init; }
    public string? Comparator { get; init; }
    public required LabUnit Unit { get; init; }

    /// <summary>The unit as reported, for the card.</summary>
    public required string UnitText { get; init; }

    /// <summary>The value in the analyte's canonical unit; null when the unit cannot be converted.</summary>
    public decimal? Canonical { get; init; }
    public DateTimeOffset? Date { get; init; }
    public required bool IsCurrent { get; init; }
    public string? ReferenceRange { get; init; }

    /// <summary>The lab's interpretation code (L, LL, H, HH, N ...).</summary>
    public string? Interpretation { get; init; }

    /// <summary>True for an eGFR computed here with CKD-EPI 2021 rather than reported.</summary>
    public bool Computed { get; init; }

    /// <summary>
    /// Compares <paramref name="value"/> (reported with <see cref="Comparator"/>) with a limit: a "&lt;3.0" is below
    /// 3.0, a "&gt;60" above 60; otherwise the number decides.
    /// </summary>
    public int CompareWith(decimal value, decimal limit) => Comparator switch
    {
        "<" when value <= limit => -1,
        "<=" when value < limit => -1,
        ">" when value >= limit => 1,
        ">=" when value > limit => 1,
        _ => value.CompareTo(limit),
    };

    /// <summary>The result as a card states it: value, unit and date, in facts.json's valueWording.</summary>
    public string Describe(Cards.CardCatalog catalog)
    {
        // Without a comparator the concatenation is the number's own string, not a copy.
        var wording = catalog.Facts.ValueWording;
        return Cards.CardRenderer.FillValues(
            wording.LabResult,
            catalog.Globals,
            ("value", Comparator + Cards.NumberText.ThreeDecimals(Value)),
            ("unit", UnitText),
            ("date", Date is { } date ? FhirDates.Display(date) : Cards.CardRenderer.FillValues(wording.DateUnknown, catalog.Globals)));
    }
}

public enum RenalStatus
{
    Unknown,
    Normal,
    Moderate,
    Severe,
}

/// <summary>Renal status (the worst of coded stages and the latest eGFR within the window) and what it rests on.</summary>
public sealed record RenalFact(RenalStatus Status, string Basis, LabFact? Egfr);

/// <summary>Everything the rules read, derived once per hook call from the gathered data.</summary>
public sealed record ClinicalFacts
{
    public int? AgeYears { get; init; }
    public string? Sex { get; init; }

    /// <summary>Adult rules run unless the patient is known to be under 18.</summary>
    public bool IsAdult { get; init; }
    public bool IsOlderAdult { get; init; }
    public bool CrampContext { get; init; }

    // Immutable arrays: every rule walks these lists, and an array's enumerator is a struct (an interface's is boxed).

    /// <summary>Active (or on-hold) medications on the list that a concept in our lists names; drafts are not here.</summary>
    public ImmutableArray<MedicationFact> ActiveMedications { get; init; } = [];

    /// <summary>The draft orders the hook judges (the selections for order-select; every draft for order-sign).</summary>
    public ImmutableArray<MedicationFact> JudgedOrders { get; init; } = [];

    /// <summary>Every medication draft of the ordering session, judged or not (context for interactions).</summary>
    public ImmutableArray<MedicationFact> DraftOrders { get; init; } = [];

    /// <summary>The latest result of each analyte, by <see cref="Analyte"/> (an array: a handful of analytes, read by index).</summary>
    internal LabFact?[] LatestLabs { get; init; } = [];
    public required RenalFact Renal { get; init; }
    public bool Cirrhosis { get; init; }
    public bool HepaticEncephalopathy { get; init; }
    public bool Dialysis { get; init; }
    public bool Malaria { get; init; }

    /// <summary>True when an active medication on the list is <paramref name="conceptId"/>.</summary>
    public bool IsTaking(string conceptId)
    {
        foreach (var medication in ActiveMedications)
        {
            if (medication.Is(conceptId))
            {
                return true;
            }
        }

        return false;
    }

    public LabFact? Latest(Analyte analyte) => (uint)analyte < (uint)LatestLabs.Length ? LatestLabs[(int)analyte] : null;

    public LabFact? Current(Analyte analyte) => Latest(analyte) is { IsCurrent: true } lab ? lab : null;
}
