using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrampCds.Core.Fhir.Converters;

/// <summary>
/// STU3 and DSTU2 give a Condition's clinicalStatus and verificationStatus as a bare code ("active");
/// R4 as a CodeableConcept. Read either as a CodeableConcept.
/// </summary>
internal sealed class CodeOrConceptConverter : JsonConverter<CodeableConcept>
{
    public override CodeableConcept? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var code = reader.GetString();
            return string.IsNullOrWhiteSpace(code) ? null : new CodeableConcept { Coding = [new Coding { Code = code }] };
        }

        return NestedRead.Converter<CodeableConcept>(options).Read(ref reader, typeToConvert, options);
    }

    public override void Write(Utf8JsonWriter writer, CodeableConcept value, JsonSerializerOptions options) =>
        NestedRead.Converter<CodeableConcept>(options).Write(writer, value, options);
}
