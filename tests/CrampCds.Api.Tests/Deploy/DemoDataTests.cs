using System.Text.Json.Nodes;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Api.Tests.Deploy;

/// <summary>
/// The demo patients the compose stack loads into HAPI (deploy/demo/): loadable transaction Bundles, only the
/// codes the rules know, and each gets the cards it is there to show (at a clock a few days after its labs,
/// so the test does not age: deploy/README.md says labs older than 90 days are not current).
/// </summary>
public sealed class DemoDataTests
{
    private static readonly Lazy<CardCatalog> Catalog = new(() => CardCatalog.Load(DeployArtifacts.RepositoryPath("cds-cards"), RuleSet.Create()));

    private static readonly Dictionary<string, string[]> AllowedCodes = new(StringComparer.Ordinal)
    {
        ["http://loinc.org"] = ["2823-3", "19123-9", "2160-0", "98979-8"],
        ["http://snomed.info/sct"] = ["449918009", "431857002", "19943007"],
        ["http://www.nlm.nih.gov/research/umls/rxnorm"] = ["310798", "828348", "197391", "313988", "198222"],
    };

    public static TheoryData<string> Bundles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(DeployArtifacts.RepositoryPath("deploy", "demo"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Each_demo_bundle_is_a_transaction_of_PUTs_with_fixed_ids_that_reference_its_one_patient(string file)
    {
        var bundle = Load(file);
        ((string?)bundle["resourceType"]).Should().Be("Bundle");
        ((string?)bundle["type"]).Should().Be("transaction");
        var entries = bundle["entry"]!.AsArray().Select(e => e!.AsObject()).ToArray();
        var patients = entries.Where(e => (string?)e["resource"]!["resourceType"] == "Patient").ToArray();
        patients.Should().ContainSingle();
        var patientReference = $"Patient/{(string?)patients[0]["resource"]!["id"]}";

        foreach (var entry in entries)
        {
            var resource = entry["resource"]!;
            var type = (string)resource["resourceType"]!;
            var id = (string)resource["id"]!;
            id.Should().MatchRegex("^[A-Za-z0-9-.]{1,64}$").And.MatchRegex("[A-Za-z]", "HAPI refuses purely numeric client ids");
            ((string?)entry["request"]!["method"]).Should().Be("PUT", "loading twice updates instead of duplicating");
            ((string?)entry["request"]!["url"]).Should().Be($"{type}/{id}");
            if (type != "Patient")
            {
                ((string?)(resource["subject"] ?? resource["patient"])!["reference"]).Should().Be(patientReference);
            }
        }

        foreach (var coding in Codings(bundle).Where(c => AllowedCodes.ContainsKey((string?)c["system"] ?? "")))
        {
            AllowedCodes[(string)coding["system"]!].Should().Contain((string?)coding["code"], "demo data uses codes from TERMINOLOGY.md only");
        }
    }

    [Theory]
    [InlineData("01-thiazide-low-potassium.json", new[] { "hypokalemia", "causative-drugs" })]
    [InlineData("02-older-adult.json", new[] { "sedating-relaxant-older-adult" })]
    [InlineData("03-ckd-stage-4.json", new[] { "baclofen-active-renal" })]
    [InlineData("04-cirrhosis.json", new[] { "cirrhosis-cramps", "causative-drugs" })]
    public void Each_demo_patient_gets_its_cards_when_the_chart_opens(string file, string[] expected)
    {
        var cards = Evaluate(file, "patient-view", draft: null);
        cards.Select(c => c.RuleId).Should().BeEquivalentTo(expected);
    }

    [Theory]
    [InlineData("02-older-adult.json", "baclofen-dose", "warning")]
    [InlineData("03-ckd-stage-4.json", "baclofen-renal", "critical")]
    [InlineData("04-cirrhosis.json", "baclofen-hepatic", "info")]
    public void A_baclofen_10_mg_three_times_daily_order_gets_the_card_for_each_population(string file, string rule, string indicator)
    {
        var cards = Evaluate(file, "order-sign", BaclofenDraft());
        cards.Should().Contain(c => c.RuleId == rule && c.Indicator == indicator);
    }

    [Fact]
    public void The_demo_patients_are_the_ones_the_issue_asks_for()
    {
        Value("01-thiazide-low-potassium.json", "2823-3").Should().Be(3.2m);
        Value("03-ckd-stage-4.json", "98979-8").Should().Be(22m);
        var older = Load("02-older-adult.json")["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["resourceType"] == "Patient");
        var birth = DateOnly.Parse((string)older["birthDate"]!, System.Globalization.CultureInfo.InvariantCulture);
        var clock = DateOnly.FromDateTime(Clock(Load("02-older-adult.json")).UtcDateTime);
        (clock.Year - birth.Year - (clock.DayOfYear < birth.DayOfYear ? 1 : 0)).Should().Be(80);
    }

    private static IReadOnlyList<Card> Evaluate(string file, string hook, JsonObject? draft)
    {
        var bundle = Load(file);
        var clock = Clock(bundle);
        var evaluator = new HookEvaluator(Catalog.Value, RuleSet.Create(), [], new FixedTimeProvider(clock));
        var request = PatientBundleRequest.Build(bundle, hook, Catalog.Value, draft);
        return CaseFile.Evaluate(request.ToJsonString(), Catalog.Value, evaluator).Cards;
    }

    /// <summary>A few days after the bundle's labs: they are current, whatever today's date.</summary>
    private static DateTimeOffset Clock(JsonObject bundle) => PatientBundleRequest.LastObservation(bundle)!.Value.AddDays(5);

    private static decimal? Value(string file, string loinc) =>
        Load(file)["entry"]!.AsArray().Select(e => e!["resource"]!)
            .Where(r => (string?)r["resourceType"] == "Observation" && (string?)r["code"]!["coding"]![0]!["code"] == loinc)
            .Select(r => (decimal?)r["valueQuantity"]!["value"])
            .Single();

    private static JsonObject BaclofenDraft()
    {
        var draft = FhirResources.DraftMedicationRequest("draft-baclofen", FhirResources.BaclofenConcept());
        draft["dosageInstruction"]![0]!["timing"]!["repeat"]!["frequency"] = 3;
        draft["dosageInstruction"]![0]!["doseAndRate"]![0]!["doseQuantity"]!["unit"] = "tablet";
        return draft;
    }

    private static JsonObject Load(string file) =>
        JsonNode.Parse(File.ReadAllText(DeployArtifacts.RepositoryPath("deploy", "demo", file)))!.AsObject();

    private static IEnumerable<JsonObject> Codings(JsonNode? node) => node switch
    {
        JsonObject o when o.ContainsKey("system") && o.ContainsKey("code") => [o],
        JsonObject o => o.SelectMany(p => Codings(p.Value)),
        JsonArray a => a.SelectMany(Codings),
        _ => [],
    };
}
