using System.Text.Json.Nodes;
using CrampCds.Core.Cards;
using CrampCds.Core.Fhir;
using CrampCds.Core.Terminology;

namespace CrampCds.Core.Rules;

/// <summary>The FHIR resources that suggestions create or update.</summary>
public static class SuggestedResources
{
    /// <summary>A draft lab order (ServiceRequest) for one LOINC test.</summary>
    public static JsonObject LabOrder(CodeEntry test, string patientId) => new()
    {
        ["resourceType"] = "ServiceRequest",
        ["status"] = "draft",
        ["intent"] = "order",
        ["code"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = CodeSystems.Loinc, ["code"] = test.Code, ["display"] = test.Display }),
            ["text"] = test.Display,
        },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
    };

    /// <summary>
    /// The draft order rewritten to another product and schedule (one unit per dose), in the draft's own
    /// FHIR version: DSTU2 MedicationOrder, STU3 (dose on the dosage) or R4 (doseAndRate).
    /// </summary>
    public static JsonObject Rewrite(MedicationRequest draft, ReadOnlyMemory<byte>? draftJson, SuggestedProduct product, int timesPerDay, string doseText, string patientId)
    {
        var dstu2 = draft.SourceType == "MedicationOrder";
        var stu3 = !dstu2 && draft.DosageInstruction?.Any(d => d.DoseQuantity is not null || d.DoseRange is not null) == true;
        var repeat = new JsonObject { ["frequency"] = timesPerDay, ["period"] = 1, [dstu2 ? "periodUnits" : "periodUnit"] = "d" };
        var dose = new JsonObject { ["value"] = 1, ["unit"] = "tablet", ["system"] = CodeSystems.Ucum, ["code"] = "{tbl}" };
        var dosage = new JsonObject { ["text"] = doseText, ["timing"] = new JsonObject { ["repeat"] = repeat } };
        if (dstu2 || stu3)
        {
            dosage["doseQuantity"] = dose;
        }
        else
        {
            dosage["doseAndRate"] = new JsonArray(new JsonObject { ["doseQuantity"] = dose });
        }

        var medication = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = CodeSystems.RxNorm, ["code"] = product.Code, ["display"] = product.Display }),
            ["text"] = product.Display,
        };

        // The draft as sent, with only the medication and the dosage replaced: nothing else of the order is lost.
        if (draftJson is { } json && JsonNode.Parse(json.Span) is JsonObject original)
        {
            original.Remove("medicationReference");
            original.Remove("medicationCodeableConcept");
            original["medicationCodeableConcept"] = medication;
            original["dosageInstruction"] = new JsonArray(dosage);
            return original;
        }

        var resource = new JsonObject
        {
            ["resourceType"] = draft.TypeName,
            ["id"] = draft.Id,
            ["status"] = draft.Status ?? "draft",
        };
        if (!dstu2)
        {
            resource["intent"] = draft.Intent ?? "order";
        }

        resource["medicationCodeableConcept"] = medication;
        resource[dstu2 ? "patient" : "subject"] = FhirJsonWriter.ToNode(draft.Subject ?? draft.Patient) ?? new JsonObject { ["reference"] = $"Patient/{patientId}" };
        if ((draft.AuthoredOn ?? draft.DateWritten) is { } written)
        {
            resource[dstu2 ? "dateWritten" : "authoredOn"] = written;
        }

        if (dstu2 && FhirJsonWriter.ToNode(draft.ReasonCodeableConcept) is { } reason)
        {
            resource["reasonCodeableConcept"] = reason;
        }
        else if (FhirJsonWriter.ToArray(draft.ReasonCode) is { } reasons)
        {
            resource["reasonCode"] = reasons;
        }

        resource["dosageInstruction"] = new JsonArray(dosage);
        return resource;
    }

    /// <summary>An active order marked stopped, with what the read model holds of it.</summary>
    public static JsonObject Stopped(MedicationRequest order, string patientId)
    {
        var dstu2 = order.SourceType == "MedicationOrder";
        var resource = new JsonObject
        {
            ["resourceType"] = order.TypeName,
            ["id"] = order.Id,
            ["status"] = "stopped",
        };
        if (!dstu2)
        {
            resource["intent"] = order.Intent ?? "order";
        }

        if (FhirJsonWriter.ToNode(order.MedicationCodeableConcept) is { } concept)
        {
            resource["medicationCodeableConcept"] = concept;
        }
        else if (FhirJsonWriter.ToNode(order.MedicationReference) is { } reference)
        {
            resource["medicationReference"] = reference;
        }

        resource[dstu2 ? "patient" : "subject"] = FhirJsonWriter.ToNode(order.Subject ?? order.Patient) ?? new JsonObject { ["reference"] = $"Patient/{patientId}" };
        if ((order.AuthoredOn ?? order.DateWritten) is { } authored)
        {
            resource[dstu2 ? "dateWritten" : "authoredOn"] = authored;
        }

        if (FhirJsonWriter.ToArray(order.ReasonCode) is { } reasons)
        {
            resource["reasonCode"] = reasons;
        }

        if (FhirJsonWriter.ToArray(order.DosageInstruction) is { } dosages)
        {
            resource["dosageInstruction"] = dosages;
        }

        return resource;
    }
}
