using System.Text.Json.Nodes;

namespace CrampCds.Api.Tests;

/// <summary>Small FHIR resources as JSON, for requests and for the stub.</summary>
public static class FhirResources
{
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Atc = "http://www.whocc.no/atc";
    public const string Snomed = "http://snomed.info/sct";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";

    public static JsonObject Coding(string system, string code, string? display = null)
    {
        var coding = new JsonObject { ["system"] = system, ["code"] = code };
        if (display is not null)
        {
            coding["display"] = display;
        }

        return coding;
    }

    public static JsonObject Concept(params JsonObject[] codings) => new() { ["coding"] = new JsonArray(codings) };

    public static JsonObject ConceptText(string text) => new() { ["text"] = text };

    public static JsonObject QuinineConcept() =>
        Concept(Coding(RxNorm, "997010", "quinine sulfate 324 MG Oral Capsule"));

    public static JsonObject BaclofenConcept() =>
        Concept(Coding(RxNorm, "197391", "Baclofen 10 MG Oral Tablet"));

    /// <summary>An R4 draft MedicationRequest; without a concept it has no medication yet (the sandbox's empty form).</summary>
    public static JsonObject DraftMedicationRequest(string id, JsonObject? medication, string patientId = HookCall.DefaultPatientId)
    {
        var draft = new JsonObject
        {
            ["resourceType"] = "MedicationRequest",
            ["id"] = id,
            ["status"] = "draft",
            ["intent"] = "order",
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        };
        if (medication is not null)
        {
            draft["medicationCodeableConcept"] = medication;
            draft["dosageInstruction"] = new JsonArray
            {
                new JsonObject
                {
                    ["timing"] = new JsonObject { ["repeat"] = new JsonObject { ["frequency"] = 1, ["period"] = 1, ["periodUnit"] = "d" } },
                    ["doseAndRate"] = new JsonArray { new JsonObject { ["doseQuantity"] = new JsonObject { ["value"] = 1, ["unit"] = "capsule", ["system"] = "http://unitsofmeasure.org", ["code"] = "{pill}" } } },
                },
            };
        }

        return draft;
    }

    public static JsonObject QuinineDraft(string id = "draft-quinine") => DraftMedicationRequest(id, QuinineConcept());

    /// <summary>A draft whose medication is a reference (e.g. <c>#q</c> or <c>Medication/q1</c>), with optional contained resources.</summary>
    public static JsonObject DraftWithMedicationReference(string id, string reference, params JsonObject[] contained)
    {
        var draft = DraftMedicationRequest(id, medication: null);
        draft["medicationReference"] = new JsonObject { ["reference"] = reference };
        if (contained.Length > 0)
        {
            draft["contained"] = new JsonArray(contained);
        }

        return draft;
    }

    public static JsonObject Medication(string id, JsonObject code) => new()
    {
        ["resourceType"] = "Medication",
        ["id"] = id,
        ["code"] = code,
    };

    public static JsonObject QuinineMedication(string id) =>
        Medication(id, Concept(Coding(RxNorm, "997010", "quinine sulfate 324 MG Oral Capsule")));

    public static JsonObject Patient(string id = HookCall.DefaultPatientId) => new()
    {
        ["resourceType"] = "Patient",
        ["id"] = id,
        ["gender"] = "female",
        ["birthDate"] = "1950-03-04",
    };

    /// <summary>A Condition; <paramref name="clinicalStatus"/> null leaves it out.</summary>
    public static JsonObject Condition(
        string id, JsonObject code, string? clinicalStatus = "active", string? verificationStatus = null, string patientId = HookCall.DefaultPatientId)
    {
        var condition = new JsonObject
        {
            ["resourceType"] = "Condition",
            ["id"] = id,
            ["code"] = code,
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        };
        if (clinicalStatus is not null)
        {
            condition["clinicalStatus"] = Concept(Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", clinicalStatus));
        }

        if (verificationStatus is not null)
        {
            condition["verificationStatus"] = Concept(Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", verificationStatus));
        }

        return condition;
    }

    /// <summary>Plasmodium falciparum malaria, ICD-10-CM B50.9.</summary>
    public static JsonObject MalariaCondition(string id = "malaria", string? clinicalStatus = "active", string? verificationStatus = null, string patientId = HookCall.DefaultPatientId) =>
        Condition(id, Concept(Coding(Icd10Cm, "B50.9", "Plasmodium falciparum malaria, unspecified")), clinicalStatus, verificationStatus, patientId);

    /// <summary>A condition no rule cares about (essential hypertension).</summary>
    public static JsonObject HypertensionCondition(string id, string patientId = HookCall.DefaultPatientId) =>
        Condition(id, Concept(Coding(Snomed, "38341003", "Hypertension")), patientId: patientId);

    /// <summary>An active order on the patient's medication list.</summary>
    public static JsonObject ActiveMedicationRequest(string id, string medicationReference, string patientId = HookCall.DefaultPatientId) => new()
    {
        ["resourceType"] = "MedicationRequest",
        ["id"] = id,
        ["status"] = "active",
        ["intent"] = "order",
        ["medicationReference"] = new JsonObject { ["reference"] = medicationReference },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
    };

    public static JsonObject Bundle(params JsonObject[] resources) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "searchset",
        ["entry"] = new JsonArray(resources.Select(r => (JsonNode)new JsonObject { ["resource"] = r.DeepClone() }).ToArray()),
    };

    public static JsonObject OperationOutcome() => new()
    {
        ["resourceType"] = "OperationOutcome",
        ["issue"] = new JsonArray { new JsonObject { ["severity"] = "error", ["code"] = "timeout", ["diagnostics"] = "the EHR's prefetch query failed" } },
    };
}
