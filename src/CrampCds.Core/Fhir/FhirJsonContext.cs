using System.Text.Json.Serialization;

namespace CrampCds.Core.Fhir;

/// <summary>
/// Source-generated metadata for writing the parts of the read model a suggestion carries (<see cref="FhirJsonWriter"/>).
/// Reading does not use it: <see cref="FhirJson"/> maps parsed JSON by hand.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(CodeableConcept))]
[JsonSerializable(typeof(ResourceReference))]
[JsonSerializable(typeof(Dosage))]
internal sealed partial class FhirJsonContext : JsonSerializerContext;
