using System.Text.Json.Nodes;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using CrampCds.Core.Rules;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cases;

/// <summary>The 17 Synthea patients, unchanged and with a leg-cramp diagnosis added, through patient-view.</summary>
public class PatientBundleRequestTests
{
    // Independent of our terminology: the causative drugs by the names Synthea prints.
    private static readonly string[] WarningNames = ["hydrochlorothiazide", "chlorthalidone", "furosemide", "lasix", "bumetanide", "torsemide", "naproxen", "raloxifene", "teriparatide", "iron sucrose", "estrogens, conjugated"];
    private static readonly string[] InfoNames = ["prednisone", "methylprednisolone", "dexamethasone", "atorvastatin", "simvastatin", "rosuvastatin", "albuterol", "salmeterol", "insulin", "ethinyl estradiol"];
    private static readonly string[] LocalRoutes = ["topical", "cream", "ointment", "inhaler", "inhalation", "nasal"];

    public static TheoryData<string> Patients() => SharedData.SyntheaPatients();

    [SharedDataTheory]
    [MemberData(nameof(Patients))]
    public void Unchanged_synthea_patients_get_no_patient_view_cards(string file)
    {
        var (bundle, now) = Load(file);

        var result = Evaluate(PatientBundleRequest.Build(bundle, "patient-view", TestContent.Catalog), now);

        result.PreconditionFailed.Should().BeFalse();
        result.Cards.Should().BeEmpty("none of the Synthea patients has a cramp diagnosis");
    }

    [SharedDataTheory]
    [MemberData(nameof(Patients))]
    public void With_leg_cramps_causative_drugs_are_named_and_nothing_is_critical(string file)
    {
        var (bundle, now) = Load(file);
        var request = PatientBundleRequest.Build(bundle, "patient-view", TestContent.Catalog, extraConditions: [CrampCondition()]);

        var cards = Evaluate(request, now).Cards;

        cards.Should().NotContain(c => c.Indicator == "critical");
        cards.Count.Should().BeLessThanOrEqualTo(4);
        var adult = Age(bundle, now) >= 18;
        var active = ActiveMedicationNames(bundle);
        var warningDrugs = active.Where(n => WarningNames.Any(w => n.Contains(w, StringComparison.OrdinalIgnoreCase))).ToList();
        var infoDrugs = active.Where(n => InfoNames.Any(w => n.Contains(w, StringComparison.OrdinalIgnoreCase))
            && !(n.Contains("sone", StringComparison.OrdinalIgnoreCase) && LocalRoutes.Any(r => n.Contains(r, StringComparison.OrdinalIgnoreCase)))).ToList();
        var causative = cards.Where(c => c.RuleId == "causative-drugs").ToList();
        if (!adult || warningDrugs.Count + infoDrugs.Count == 0)
        {
            causative.Should().BeEmpty();
            return;
        }

        var card = causative.Should().ContainSingle().Subject;
        card.Indicator.Should().Be(warningDrugs.Count > 0 ? "warning" : "info");
        foreach (var drug in warningDrugs.Concat(infoDrugs))
        {
            card.Detail.Should().Contain(Markdown.Escape(drug));
        }
    }

    [SharedDataFact]
    public void Patients_on_thiazide_loop_diuretics_or_naproxen_get_the_warning_naming_them()
    {
        var named = new Dictionary<string, string[]>
        {
            ["Gayla_Ferry_259bc6c6-9c1d-43e9-bd25-7539cf07f8ac.json"] = ["Hydrochlorothiazide 25 MG", "Naproxen sodium 220 MG Oral Tablet"],
            ["Thanh_Mosciski_6b7b47bf-5bfb-475e-b5f6-955fde83a44f.json"] = ["Lasix 40mg"],
            ["Chadwick_Von_628e4827-ecda-4c9d-881e-7b53d0c6e5ed.json"] = ["Hydrochlorothiazide 25 MG", "Lasix 40mg", "Furosemide 10 MG/ML Injection"],
        };
        foreach (var (file, drugs) in named)
        {
            var (bundle, now) = Load(file);
            var request = PatientBundleRequest.Build(bundle, "patient-view", TestContent.Catalog, extraConditions: [CrampCondition()]);

            var card = Evaluate(request, now).Cards.Single(c => c.RuleId == "causative-drugs");

            card.Indicator.Should().Be("warning");
            foreach (var drug in drugs)
            {
                card.Detail.Should().Contain(Markdown.Escape(drug), file);
            }
        }
    }

    [SharedDataFact]
    public void A_quinine_draft_for_a_synthea_patient_is_flagged_and_baclofen_sees_the_kidneys()
    {
        var (bundle, now) = Load("Luis_Miguel_Delarosa_f118c1b4-27e0-4de5-bc04-b51e14ea5bbd.json");
        var baclofen = JsonNode.Parse("""
            {"resourceType":"MedicationRequest","id":"draft-1","status":"draft","intent":"order",
             "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"197391","display":"Baclofen 10 MG Oral Tablet"}]},
             "dosageInstruction":[{"timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},"doseAndRate":{"doseQuantity":{"value":1,"code":"{pill}"}}}]}
            """)!.AsObject();

        var cards = Evaluate(PatientBundleRequest.Build(bundle, "order-sign", TestContent.Catalog, baclofen), now).Cards;

        // Last creatinine 3.02 mg/dL at 72: CKD-EPI 2021 about 21, severe (the last eGFR is in an unconvertible unit).
        cards.Should().Contain(c => c.RuleId == "baclofen-renal" && c.Indicator == "critical");
    }

    private static HookResult Evaluate(JsonObject request, DateTimeOffset now) =>
        CaseFile.Evaluate(request.ToJsonString(), TestContent.Catalog, new HookEvaluator(TestContent.Catalog, TestContent.Rules, [], new FixedTimeProvider(now)));

    private static (JsonObject Bundle, DateTimeOffset Now) Load(string file)
    {
        var bundle = JsonNode.Parse(File.ReadAllText(SharedData.Path("fhir-data", "synthea", file)))!.AsObject();
        return (bundle, (PatientBundleRequest.LastObservation(bundle) ?? DateTimeOffset.Parse("2021-04-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)).AddDays(1));
    }

    private static List<string> ActiveMedicationNames(JsonObject bundle) =>
        (bundle["entry"] as JsonArray)!
            .Select(e => e!["resource"]!)
            .Where(r => (string?)r["resourceType"] == "MedicationRequest" && (string?)r["status"] is "active" or "on-hold")
            .Select(r => (string?)r["medicationCodeableConcept"]?["coding"]?[0]?["display"] ?? (string?)r["medicationCodeableConcept"]?["text"] ?? "")
            .Distinct()
            .ToList();

    private static int Age(JsonObject bundle, DateTimeOffset now)
    {
        var patient = (bundle["entry"] as JsonArray)!.Select(e => e!["resource"]!).First(r => (string?)r["resourceType"] == "Patient");
        var born = DateTimeOffset.Parse((string)patient["birthDate"]!, System.Globalization.CultureInfo.InvariantCulture);
        return now.Year - born.Year - (now.DayOfYear < born.DayOfYear ? 1 : 0);
    }

    private static JsonObject CrampCondition() => JsonNode.Parse("""
        {"resourceType":"Condition","id":"leg-cramps","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
         "code":{"coding":[{"system":"http://snomed.info/sct","code":"449918009","display":"Cramp in lower leg"}]}}
        """)!.AsObject();
}
