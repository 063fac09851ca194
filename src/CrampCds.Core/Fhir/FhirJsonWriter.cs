using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrampCds.Core.Fhir;

/// <summary>Writes parts of the read model back as FHIR JSON, for the resources a suggestion carries.</summary>
public static class FhirJsonWriter
{
    public static JsonNode? ToNode(CodeableConcept? value) =>
        value is null ? null : Clean(JsonSerializer.SerializeToNode(value, FhirJsonContext.Default.CodeableConcept));

    public static JsonNode? ToNode(ResourceReference? value) =>
        value is null ? null : Clean(JsonSerializer.SerializeToNode(value, FhirJsonContext.Default.ResourceReference));

    public static JsonNode? ToNode(Dosage? value) =>
        value is null ? null : Clean(JsonSerializer.SerializeToNode(value, FhirJsonContext.Default.Dosage));

    public static JsonArray? ToArray(IReadOnlyList<CodeableConcept>? values) =>
        values is not { Count: > 0 } ? null : new JsonArray(values.Select(v => ToNode(v)).ToArray());

    public static JsonArray? ToArray(IReadOnlyList<Dosage>? values) =>
        values is not { Count: > 0 } ? null : new JsonArray(values.Select(v => ToNode(v)).ToArray());

    /// <summary>FHIR JSON has no nulls and no empty arrays or objects: drop them.</summary>
    private static JsonNode? Clean(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var cleaned = Clean(obj[key]);
                    if (cleaned is null)
                    {
                        obj.Remove(key);
                    }
                }

                return obj.Count == 0 ? null : obj;
            case JsonArray array:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    if (Clean(array[i]) is null)
                    {
                        array.RemoveAt(i);
                    }
                }

                return array.Count == 0 ? null : array;
            default:
                return node;
        }
    }
}
