using System.Text.Json.Serialization;
using CrampCds.Core.Fhir.Converters;

namespace CrampCds.Core.Fhir;

/// <summary>
/// Source-generated metadata for the lean FHIR read model. Use it through <see cref="FhirJson"/>: the converters
/// registered here supply the FHIR leniency (resourceType dispatch, single object as a one-element list, nulls in
/// arrays skipped, exact decimals, whole numbers written as 2.0, "true" as a boolean, numbers where strings belong).
/// </summary>
/// <remarks>
/// Property names are camelCase and case-sensitive; unknown properties (<c>_birthDate</c>, <c>extension</c>,
/// <c>meta</c>, <c>text</c>, <c>fhir_comments</c> ...) are skipped. JSON syntax stays strict: no comments, no trailing
/// commas. A duplicated property keeps its last value. Every <see cref="IReadOnlyList{T}"/> element type of the model
/// needs its <see cref="LenientListConverter{T}"/> below (a test checks this).
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = false,
    GenerationMode = JsonSourceGenerationMode.Metadata,
    MaxDepth = 128,
    Converters = new[]
    {
        typeof(ResourceConverter),
        typeof(FhirDecimalConverter),
        typeof(LenientInt32Converter),
        typeof(LenientBooleanConverter),
        typeof(LenientStringConverter),
        typeof(LenientListConverter<Resource>),
        typeof(LenientListConverter<string>),
        typeof(LenientListConverter<Coding>),
        typeof(LenientListConverter<CodeableConcept>),
        typeof(LenientListConverter<HumanName>),
        typeof(LenientListConverter<Dosage>),
        typeof(LenientListConverter<DoseAndRate>),
        typeof(LenientListConverter<MedicationIngredient>),
        typeof(LenientListConverter<ObservationReferenceRange>),
        typeof(LenientListConverter<ObservationComponent>),
        typeof(LenientListConverter<BundleLink>),
        typeof(LenientListConverter<BundleEntry>),
        typeof(LenientListConverter<OperationOutcomeIssue>),
    })]
[JsonSerializable(typeof(Resource))]
[JsonSerializable(typeof(Patient))]
[JsonSerializable(typeof(MedicationRequest))]
[JsonSerializable(typeof(MedicationStatement))]
[JsonSerializable(typeof(Medication))]
[JsonSerializable(typeof(Observation))]
[JsonSerializable(typeof(Condition))]
[JsonSerializable(typeof(ServiceRequest))]
[JsonSerializable(typeof(Bundle))]
[JsonSerializable(typeof(OperationOutcome))]
[JsonSerializable(typeof(CodeableConcept))]
[JsonSerializable(typeof(ResourceReference))]
[JsonSerializable(typeof(Dosage))]
internal sealed partial class FhirJsonContext : JsonSerializerContext;
