using System.Text.Json.Nodes;

namespace CrampCds.Benchmarks;

/// <summary>
/// The realistic requests the benchmarks use: a Synthea patient's full record as prefetch (every
/// MedicationRequest and Observation, as an EHR that prefetches generously sends), and order hooks
/// for an older adult with CKD.
/// </summary>
public static class RequestBodies
{
    public const string SyntheaFile = "Chadwick_Von_628e4827-ecda-4c9d-881e-7b53d0c6e5ed.json";

    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "CrampCds.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("CrampCds.sln not found above the benchmark binaries");
        }
    }

    public static string CardsPath => Path.Combine(RepositoryRoot, "cds-cards");

    /// <summary>patient-view with the whole Synthea record prefetched, plus a leg-cramp diagnosis.</summary>
    public static string SyntheaPatientView()
    {
        var path = Path.Combine(RepositoryRoot, "..", "shared", "fhir-data", "synthea", SyntheaFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"the Synthea patient is read from ../shared beside the repository: {path}");
        }

        var bundle = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var resources = bundle["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).ToList();
        JsonObject Searchset(string type, params JsonObject[] extra) => new()
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["entry"] = new JsonArray(resources.Where(r => (string?)r["resourceType"] == type).Concat(extra)
                .Select(r => (JsonNode)new JsonObject { ["resource"] = r.DeepClone() }).ToArray()),
        };
        var patient = resources.First(r => (string?)r["resourceType"] == "Patient");
        var request = new JsonObject
        {
            ["hook"] = "patient-view",
            ["hookInstance"] = "b2f7c3f0-2d5e-4a43-9a63-0f0f2f9d8c11",
            ["context"] = new JsonObject { ["userId"] = "Practitioner/bench", ["patientId"] = (string?)patient["id"] },
            ["prefetch"] = new JsonObject
            {
                ["patient"] = patient.DeepClone(),
                ["medicationRequests"] = Searchset("MedicationRequest"),
                ["medicationStatements"] = Searchset("MedicationStatement"),
                ["labs"] = Searchset("Observation"),
                ["conditions"] = Searchset("Condition", CrampCondition((string)patient["id"]!)),
            },
        };
        return request.ToJsonString();
    }

    /// <summary>An older adult with CKD stage 4 and cramps ordering baclofen 10 mg three times a day (the sandbox's shape).</summary>
    public static string BaclofenOrderSelect() => OrderHook("order-select", "197391", "Baclofen 10 MG Oral Tablet");

    /// <summary>The same patient, signing a quinine order.</summary>
    public static string QuinineOrderSign() => OrderHook("order-sign", "997010", "quinine sulfate 324 MG Oral Capsule");

    public static int Write(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "patient-view.json"), SyntheaPatientView());
        File.WriteAllText(Path.Combine(directory, "order-select.json"), BaclofenOrderSelect());
        File.WriteAllText(Path.Combine(directory, "order-sign.json"), QuinineOrderSign());
        Console.WriteLine($"wrote 3 request bodies to {directory}");
        return 0;
    }

    private static string OrderHook(string hook, string rxcui, string display)
    {
        var today = DateTimeOffset.UtcNow;
        string Date(int daysAgo) => today.AddDays(-daysAgo).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        JsonObject Obs(string id, string code, double value, string unit) => new()
        {
            ["resourceType"] = "Observation",
            ["id"] = id,
            ["status"] = "final",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = code }) },
            ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
            ["effectiveDateTime"] = Date(10),
            ["valueQuantity"] = new JsonObject { ["value"] = value, ["unit"] = unit },
        };
        var draft = new JsonObject
        {
            ["resourceType"] = "MedicationRequest",
            ["id"] = "request-123",
            ["status"] = "draft",
            ["intent"] = "order",
            ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
            ["medicationCodeableConcept"] = new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = rxcui, ["display"] = display }),
            },
            ["reasonCode"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "449918009" }) },
            ["dosageInstruction"] = JsonNode.Parse("""[{"timing":{"repeat":{"frequency":3,"period":1,"periodUnit":"d"}},"doseAndRate":{"doseQuantity":{"value":1,"code":"{pill}"}}}]"""),
        };
        var context = new JsonObject
        {
            ["userId"] = "Practitioner/bench",
            ["patientId"] = "p1",
            ["draftOrders"] = new JsonObject { ["resourceType"] = "Bundle", ["entry"] = new JsonArray(new JsonObject { ["resource"] = draft }) },
        };
        if (hook == "order-select")
        {
            context["selections"] = new JsonArray("MedicationRequest/request-123");
        }

        var request = new JsonObject
        {
            ["hook"] = hook,
            ["hookInstance"] = "c6a1e7e4-71f1-4c55-8f4e-9b0d6c1f2a33",
            ["context"] = context,
            ["prefetch"] = new JsonObject
            {
                ["patient"] = JsonNode.Parse("""{"resourceType":"Patient","id":"p1","gender":"male","birthDate":"1944-02-11"}"""),
                ["medicationRequests"] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray() },
                ["medicationStatements"] = null,
                ["labs"] = new JsonObject
                {
                    ["resourceType"] = "Bundle",
                    ["type"] = "searchset",
                    ["entry"] = new JsonArray(
                        new JsonObject { ["resource"] = Obs("k", "2823-3", 4.1, "mmol/L") },
                        new JsonObject { ["resource"] = Obs("mg", "19123-9", 2.0, "mg/dL") },
                        new JsonObject { ["resource"] = Obs("cr", "2160-0", 2.6, "mg/dL") },
                        new JsonObject { ["resource"] = Obs("egfr", "98979-8", 22, "mL/min/{1.73_m2}") }),
                },
                ["conditions"] = new JsonObject
                {
                    ["resourceType"] = "Bundle",
                    ["type"] = "searchset",
                    ["entry"] = new JsonArray(
                        new JsonObject { ["resource"] = CrampCondition("p1") },
                        new JsonObject { ["resource"] = JsonNode.Parse("""{"resourceType":"Condition","id":"ckd4","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"431857002"}]}}""") }),
                },
            },
        };
        return request.ToJsonString();
    }

    private static JsonObject CrampCondition(string patientId) => new()
    {
        ["resourceType"] = "Condition",
        ["id"] = "bench-cramp",
        ["clinicalStatus"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-clinical", ["code"] = "active" }) },
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "449918009", ["display"] = "Cramp in lower leg" }) },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
    };
}
