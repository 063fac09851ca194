namespace CrampCds.Core.Fhir;

/// <summary>The base of every resource in the lean read model.</summary>
public abstract record Resource
{
    /// <summary>The resourceType as sent (e.g. "MedicationOrder" for a DSTU2 order read as a MedicationRequest).</summary>
    public abstract string TypeName { get; }

    public string? Id { get; init; }
    public Resource[]? Contained { get; init; }
}

/// <summary>A resource type the rules do not read (NutritionOrder, Encounter, ...); kept so bundles and selections stay whole.</summary>
public sealed record OtherResource : Resource
{
    public required string ResourceType { get; init; }
    public override string TypeName => ResourceType;
}

public sealed record Patient : Resource
{
    public override string TypeName => "Patient";
    public bool? Active { get; init; }
    public HumanName[]? Name { get; init; }
    public string? Gender { get; init; }
    public string? BirthDate { get; init; }
    public bool? DeceasedBoolean { get; init; }
    public string? DeceasedDateTime { get; init; }
}

/// <summary>An R4/STU3 MedicationRequest, or a DSTU2 MedicationOrder read into the same shape.</summary>
public sealed record MedicationRequest : Resource
{
    /// <summary>"MedicationRequest", or "MedicationOrder" when parsed from DSTU2. Set by the reader from resourceType.</summary>
    public string SourceType { get; init; } = "MedicationRequest";
    public override string TypeName => SourceType;

    public string? Status { get; init; }
    public string? Intent { get; init; }
    public CodeableConcept[]? Category { get; init; }
    public CodeableConcept? MedicationCodeableConcept { get; init; }
    public ResourceReference? MedicationReference { get; init; }
    public ResourceReference? Subject { get; init; }

    /// <summary>DSTU2 spelling of <see cref="Subject"/>.</summary>
    public ResourceReference? Patient { get; init; }

    public string? AuthoredOn { get; init; }

    /// <summary>DSTU2 spelling of <see cref="AuthoredOn"/>.</summary>
    public string? DateWritten { get; init; }

    public CodeableConcept[]? ReasonCode { get; init; }

    /// <summary>DSTU2 reason (a single CodeableConcept).</summary>
    public CodeableConcept? ReasonCodeableConcept { get; init; }

    public Dosage[]? DosageInstruction { get; init; }
}

public sealed record MedicationStatement : Resource
{
    public override string TypeName => "MedicationStatement";
    public string? Status { get; init; }
    public CodeableConcept[]? Category { get; init; }
    public CodeableConcept? MedicationCodeableConcept { get; init; }
    public ResourceReference? MedicationReference { get; init; }
    public ResourceReference? Subject { get; init; }
    public string? EffectiveDateTime { get; init; }
    public Period? EffectivePeriod { get; init; }
    public string? DateAsserted { get; init; }
    public CodeableConcept[]? ReasonCode { get; init; }
    public Dosage[]? Dosage { get; init; }
}

public sealed record MedicationIngredient
{
    public CodeableConcept? ItemCodeableConcept { get; init; }
    public ResourceReference? ItemReference { get; init; }
    public bool? IsActive { get; init; }
    public Ratio? Strength { get; init; }
}

public sealed record Medication : Resource
{
    public override string TypeName => "Medication";
    public CodeableConcept? Code { get; init; }
    public string? Status { get; init; }
    public CodeableConcept? Form { get; init; }
    public MedicationIngredient[]? Ingredient { get; init; }
}

public sealed record ObservationReferenceRange
{
    public Quantity? Low { get; init; }
    public Quantity? High { get; init; }
    public CodeableConcept? Type { get; init; }
    public string? Text { get; init; }
}

public sealed record ObservationComponent
{
    public CodeableConcept? Code { get; init; }
    public Quantity? ValueQuantity { get; init; }
    public string? ValueString { get; init; }
    public CodeableConcept? ValueCodeableConcept { get; init; }
    public CodeableConcept[]? Interpretation { get; init; }
    public ObservationReferenceRange[]? ReferenceRange { get; init; }
}

public sealed record Observation : Resource
{
    public override string TypeName => "Observation";
    public string? Status { get; init; }
    public CodeableConcept[]? Category { get; init; }
    public CodeableConcept? Code { get; init; }
    public ResourceReference? Subject { get; init; }
    public string? EffectiveDateTime { get; init; }
    public Period? EffectivePeriod { get; init; }
    public string? EffectiveInstant { get; init; }
    public string? Issued { get; init; }
    public Quantity? ValueQuantity { get; init; }
    public string? ValueString { get; init; }
    public CodeableConcept? ValueCodeableConcept { get; init; }
    public CodeableConcept? DataAbsentReason { get; init; }
    public CodeableConcept[]? Interpretation { get; init; }
    public ObservationReferenceRange[]? ReferenceRange { get; init; }
    public ObservationComponent[]? Component { get; init; }
}

public sealed record Condition : Resource
{
    public override string TypeName => "Condition";

    public CodeableConcept? ClinicalStatus { get; init; }

    public CodeableConcept? VerificationStatus { get; init; }
    public CodeableConcept[]? Category { get; init; }
    public CodeableConcept? Code { get; init; }
    public ResourceReference? Subject { get; init; }
    public string? OnsetDateTime { get; init; }
    public string? AbatementDateTime { get; init; }
    public string? RecordedDate { get; init; }
}

public sealed record ServiceRequest : Resource
{
    public override string TypeName => "ServiceRequest";
    public string? Status { get; init; }
    public string? Intent { get; init; }
    public CodeableConcept? Code { get; init; }
    public ResourceReference? Subject { get; init; }
    public CodeableConcept[]? ReasonCode { get; init; }
}

public sealed record BundleLink
{
    public string? Relation { get; init; }
    public string? Url { get; init; }
}

public sealed record BundleEntry
{
    public string? FullUrl { get; init; }
    public Resource? Resource { get; init; }
}

public sealed record Bundle : Resource
{
    public override string TypeName => "Bundle";
    public string? Type { get; init; }
    public int? Total { get; init; }
    public BundleLink[]? Link { get; init; }
    public BundleEntry[]? Entry { get; init; }
}

public sealed record OperationOutcomeIssue
{
    public string? Severity { get; init; }
    public string? Code { get; init; }
    public CodeableConcept? Details { get; init; }
    public string? Diagnostics { get; init; }
    public string[]? Expression { get; init; }
}

public sealed record OperationOutcome : Resource
{
    public override string TypeName => "OperationOutcome";
    public OperationOutcomeIssue[]? Issue { get; init; }
}
