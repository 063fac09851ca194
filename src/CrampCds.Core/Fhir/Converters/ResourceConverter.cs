using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrampCds.Core.Fhir.Converters;

/// <summary>
/// Reads any declared <see cref="Resource"/> (top level, <c>Bundle.entry.resource</c>, <c>contained[]</c>) by looking
/// ahead for <c>resourceType</c> on a copy of the reader (it may sit anywhere in the object), then reading the object
/// with the concrete type's source-generated metadata. Unmodelled types become <see cref="OtherResource"/>.
/// </summary>
/// <remarks>
/// Inside a converter the serializer guarantees the whole value is buffered, so the look-ahead and
/// <see cref="Utf8JsonReader.TrySkip"/> never run out of data. When <c>resourceType</c> occurs twice the first one wins.
/// The concrete record is read through <see cref="NestedRead"/>, which keeps the caller's reader.
/// </remarks>
internal sealed class ResourceConverter : JsonConverter<Resource>
{
    private enum Kind
    {
        Other,
        Patient,
        MedicationRequest,
        MedicationOrder,
        MedicationStatement,
        Medication,
        Observation,
        Condition,
        ServiceRequest,
        Bundle,
        OperationOutcome,
    }

    public override Resource? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected a FHIR resource (a JSON object) but found {JsonText.Describe(reader.TokenType)}.");
        }

        // Utf8JsonReader is a struct: passing it by value gives the look-ahead its own cursor.
        var kind = FindResourceType(reader, out var otherType);
        switch (kind)
        {
            case Kind.Patient:
                return Read<Patient>(ref reader, options);
            case Kind.MedicationRequest:
                var request = Read<MedicationRequest>(ref reader, options);
                return request.SourceType == "MedicationRequest" ? request : request with { SourceType = "MedicationRequest" };
            case Kind.MedicationOrder:
                // DSTU2: patient, dateWritten, reasonCodeableConcept and dosage-level doseQuantity have their own properties.
                return Read<MedicationRequest>(ref reader, options) with { SourceType = "MedicationOrder" };
            case Kind.MedicationStatement:
                return Read<MedicationStatement>(ref reader, options);
            case Kind.Medication:
                return Read<Medication>(ref reader, options);
            case Kind.Observation:
                return Read<Observation>(ref reader, options);
            case Kind.Condition:
                return Read<Condition>(ref reader, options);
            case Kind.ServiceRequest:
                return Read<ServiceRequest>(ref reader, options);
            case Kind.Bundle:
                return Read<Bundle>(ref reader, options);
            case Kind.OperationOutcome:
                return Read<OperationOutcome>(ref reader, options);
            default:
                return ReadOther(ref reader, otherType!);
        }
    }

    public override void Write(Utf8JsonWriter writer, Resource value, JsonSerializerOptions options) =>
        throw new NotSupportedException("The lean FHIR model is read-only: FhirJson parses resources but does not write them.");

    private static T Read<T>(ref Utf8JsonReader reader, JsonSerializerOptions options)
        where T : Resource =>
        NestedRead.Converter<T>(options).Read(ref reader, typeof(T), options)
            ?? throw new JsonException($"Expected a {typeof(T).Name} object.");

    private static Kind FindResourceType(Utf8JsonReader probe, out string? otherType)
    {
        otherType = null;
        while (true)
        {
            if (!probe.Read())
            {
                throw new JsonException("The resource object is incomplete.");
            }

            if (probe.TokenType == JsonTokenType.EndObject)
            {
                throw new JsonException("The resource has no resourceType.");
            }

            var isResourceType = probe.ValueTextEquals("resourceType"u8);
            if (!probe.Read())
            {
                throw new JsonException("The resource object is incomplete.");
            }

            if (isResourceType)
            {
                if (probe.TokenType != JsonTokenType.String)
                {
                    throw new JsonException($"resourceType must be a string, not {JsonText.Describe(probe.TokenType)}.");
                }

                return Classify(ref probe, out otherType);
            }

            if (!probe.TrySkip())
            {
                throw new JsonException("The resource object is incomplete.");
            }
        }
    }

    private static Kind Classify(ref Utf8JsonReader reader, out string? otherType)
    {
        otherType = null;
        if (reader.ValueTextEquals("Patient"u8))
        {
            return Kind.Patient;
        }

        if (reader.ValueTextEquals("Observation"u8))
        {
            return Kind.Observation;
        }

        if (reader.ValueTextEquals("MedicationRequest"u8))
        {
            return Kind.MedicationRequest;
        }

        if (reader.ValueTextEquals("Condition"u8))
        {
            return Kind.Condition;
        }

        if (reader.ValueTextEquals("Bundle"u8))
        {
            return Kind.Bundle;
        }

        if (reader.ValueTextEquals("MedicationStatement"u8))
        {
            return Kind.MedicationStatement;
        }

        if (reader.ValueTextEquals("Medication"u8))
        {
            return Kind.Medication;
        }

        if (reader.ValueTextEquals("MedicationOrder"u8))
        {
            return Kind.MedicationOrder;
        }

        if (reader.ValueTextEquals("ServiceRequest"u8))
        {
            return Kind.ServiceRequest;
        }

        if (reader.ValueTextEquals("OperationOutcome"u8))
        {
            return Kind.OperationOutcome;
        }

        otherType = reader.GetString();
        if (string.IsNullOrWhiteSpace(otherType))
        {
            throw new JsonException("resourceType is empty.");
        }

        return Kind.Other;
    }

    /// <summary>Skips the body of an unmodelled resource, keeping only its resourceType and id.</summary>
    private static OtherResource ReadOther(ref Utf8JsonReader reader, string resourceType)
    {
        string? id = null;
        while (true)
        {
            if (!reader.Read())
            {
                throw new JsonException("The resource object is incomplete.");
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return new OtherResource { ResourceType = resourceType, Id = id };
            }

            var isId = reader.ValueTextEquals("id"u8);
            if (!reader.Read())
            {
                throw new JsonException("The resource object is incomplete.");
            }

            if (isId && reader.TokenType == JsonTokenType.String)
            {
                id = reader.GetString();
            }
            else if (!reader.TrySkip())
            {
                throw new JsonException("The resource object is incomplete.");
            }
        }
    }
}
