using System.Text.Json.Nodes;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Hooks;

namespace CrampCds.Core.Cases;

/// <summary>
/// Builds a prefetch-complete hook request from a patient's FHIR Bundle (a Synthea record, an export): each
/// prefetch key gets what its template would have returned (active medications, the labs by LOINC, active
/// conditions).
/// </summary>
public static class PatientBundleRequest
{
    private static readonly HashSet<string> ActiveMedicationStatus = new(StringComparer.Ordinal) { "active", "on-hold" };
    private static readonly HashSet<string> ActiveConditionStatus = new(StringComparer.Ordinal) { "active", "recurrence", "relapse" };

    /// <param name="bundle">The patient's Bundle (its first Patient is the patient).</param>
    /// <param name="hook">patient-view, order-select or order-sign.</param>
    /// <param name="draft">A draft MedicationRequest for the order hooks.</param>
    /// <param name="extraConditions">Conditions to add (e.g. a leg-cramp diagnosis).</param>
    public static JsonObject Build(JsonObject bundle, string hook, CardCatalog catalog, JsonObject? draft = null, IEnumerable<JsonObject>? extraConditions = null)
    {
        var resources = (bundle["entry"] as JsonArray ?? [])
            .Select(e => e?["resource"] as JsonObject)
            .OfType<JsonObject>()
            .ToList();
        var patient = resources.FirstOrDefault(r => Type(r) == "Patient") ?? throw new FormatException("the bundle has no Patient");
        var patientId = (string?)patient["id"] ?? "patient";

        var context = new JsonObject { ["userId"] = "Practitioner/crampcds-cli", ["patientId"] = patientId };
        if (HookNames.IsOrderHook(hook))
        {
            var drafts = new JsonArray();
            if (draft is not null)
            {
                drafts.Add(new JsonObject { ["resource"] = draft.DeepClone() });
                if (hook == HookNames.OrderSelect)
                {
                    context["selections"] = new JsonArray($"{Type(draft)}/{(string?)draft["id"]}");
                }
            }
            else if (hook == HookNames.OrderSelect)
            {
                context["selections"] = new JsonArray();
            }

            context["draftOrders"] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "collection", ["entry"] = drafts };
        }

        var conditions = resources.Where(r => Type(r) == "Condition" && ActiveConditionStatus.Contains(Code(r["clinicalStatus"]) ?? "")).ToList();
        conditions.AddRange(extraConditions ?? []);
        var prefetch = new JsonObject
        {
            [PrefetchKeys.Patient] = patient.DeepClone(),
            [PrefetchKeys.MedicationRequests] = Searchset(resources.Where(r => Type(r) == "MedicationRequest" && ActiveMedicationStatus.Contains((string?)r["status"] ?? ""))),
            [PrefetchKeys.MedicationStatements] = Searchset(resources.Where(r => Type(r) == "MedicationStatement" && ActiveMedicationStatus.Contains((string?)r["status"] ?? ""))),
            [PrefetchKeys.Labs] = Searchset(resources.Where(r => Type(r) == "Observation" && IsLab(r, catalog)).OrderByDescending(r => (string?)r["effectiveDateTime"] ?? (string?)r["issued"] ?? "", StringComparer.Ordinal)),
            [PrefetchKeys.Conditions] = Searchset(conditions),
        };

        return new JsonObject
        {
            ["hook"] = hook,
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["context"] = context,
            ["prefetch"] = prefetch,
        };
    }

    /// <summary>The latest effective date of the bundle's Observations: a clock at which its labs are current.</summary>
    public static DateTimeOffset? LastObservation(JsonObject bundle) =>
        (bundle["entry"] as JsonArray ?? [])
            .Select(e => e?["resource"] as JsonObject)
            .Where(r => r is not null && Type(r) == "Observation")
            .Select(r => Facts.FhirDates.Earliest((string?)r!["effectiveDateTime"]))
            .Max();

    private static JsonObject Searchset(IEnumerable<JsonObject> resources) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "searchset",
        ["entry"] = new JsonArray(resources.Select(r => (JsonNode)new JsonObject { ["resource"] = r.DeepClone() }).ToArray()),
    };

    private static bool IsLab(JsonObject observation, CardCatalog catalog)
    {
        var codings = (observation["code"]?["coding"] as JsonArray ?? []).OfType<JsonObject>();
        var concept = new Fhir.CodeableConcept { Coding = codings.Select(c => new Fhir.Coding { System = (string?)c["system"], Code = (string?)c["code"] }).ToArray() };
        return catalog.Labs.AnalyteOf(concept) is not null;
    }

    private static string? Type(JsonObject resource) => (string?)resource["resourceType"];

    private static string? Code(JsonNode? concept) => (string?)(concept?["coding"] as JsonArray)?.FirstOrDefault()?["code"];
}
