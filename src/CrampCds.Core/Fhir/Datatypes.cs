namespace CrampCds.Core.Fhir;

// Lean FHIR R4 datatypes: only the elements the rules read. Unknown elements are ignored on parse.

public sealed record Coding
{
    public string? System { get; init; }
    public string? Version { get; init; }
    public string? Code { get; init; }
    public string? Display { get; init; }
}

public sealed record CodeableConcept
{
    public Coding[]? Coding { get; init; }
    public string? Text { get; init; }
}

public sealed record HumanName
{
    public string? Use { get; init; }
    public string? Text { get; init; }
    public string? Family { get; init; }

    /// <summary>Given names in order; <c>null</c> placeholders (kept in JSON only to align with <c>_given</c>) are dropped.</summary>
    public string[]? Given { get; init; }
}

public sealed record Quantity
{
    public decimal? Value { get; init; }
    public string? Comparator { get; init; }
    public string? Unit { get; init; }
    public string? System { get; init; }
    public string? Code { get; init; }
}

public sealed record Range
{
    public Quantity? Low { get; init; }
    public Quantity? High { get; init; }
}

public sealed record Ratio
{
    public Quantity? Numerator { get; init; }
    public Quantity? Denominator { get; init; }
}

public sealed record Period
{
    public string? Start { get; init; }
    public string? End { get; init; }
}

public sealed record ResourceReference
{
    public string? Reference { get; init; }
    public string? Type { get; init; }
    public string? Display { get; init; }
}

public sealed record TimingRepeat
{
    public Period? BoundsPeriod { get; init; }
    public int? Count { get; init; }
    public decimal? Duration { get; init; }
    public string? DurationUnit { get; init; }
    public int? Frequency { get; init; }
    public int? FrequencyMax { get; init; }
    public decimal? Period { get; init; }
    public decimal? PeriodMax { get; init; }
    public string? PeriodUnit { get; init; }

    /// <summary>DSTU2 spelling of <see cref="PeriodUnit"/>.</summary>
    public string? PeriodUnits { get; init; }

    public string[]? When { get; init; }
    public string[]? TimeOfDay { get; init; }
    public string[]? DayOfWeek { get; init; }
}

public sealed record Timing
{
    public string[]? Event { get; init; }
    public TimingRepeat? Repeat { get; init; }
    public CodeableConcept? Code { get; init; }
}

public sealed record DoseAndRate
{
    public CodeableConcept? Type { get; init; }
    public Range? DoseRange { get; init; }
    public Quantity? DoseQuantity { get; init; }
}

public sealed record Dosage
{
    /// <summary>Instructions with different sequence numbers follow one another (a titration); the same number, together.</summary>
    public int? Sequence { get; init; }

    public string? Text { get; init; }
    public Timing? Timing { get; init; }
    public bool? AsNeededBoolean { get; init; }
    public CodeableConcept? AsNeededCodeableConcept { get; init; }
    public CodeableConcept? Route { get; init; }
    public DoseAndRate[]? DoseAndRate { get; init; }

    /// <summary>STU3/DSTU2 shape: the dose sits directly on the dosage.</summary>
    public Quantity? DoseQuantity { get; init; }

    /// <summary>STU3/DSTU2 shape: the dose sits directly on the dosage.</summary>
    public Range? DoseRange { get; init; }

    public Ratio? MaxDosePerPeriod { get; init; }
    public Quantity? MaxDosePerAdministration { get; init; }
}
