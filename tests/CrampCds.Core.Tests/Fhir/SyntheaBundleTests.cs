using System.Collections.Concurrent;
using CrampCds.Core.Fhir;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Core.Tests.Fhir;

/// <summary>Parses each Synthea bundle in ../shared/fhir-data/synthea once and shares the result between tests.</summary>
public sealed class SyntheaBundles
{
    private readonly ConcurrentDictionary<string, Lazy<Bundle>> _bundles = new(StringComparer.Ordinal);

    public Bundle Get(string file) => _bundles.GetOrAdd(file, f => new Lazy<Bundle>(() => Parse(f))).Value;

    private static Bundle Parse(string file) =>
        FhirJson.Parse(File.ReadAllBytes(SharedData.Path("fhir-data", "synthea", file))).Should().BeOfType<Bundle>().Subject;
}

public class SyntheaBundleTests(SyntheaBundles bundles) : IClassFixture<SyntheaBundles>
{
    private const string Adalberto = "Adalberto_Hartmann_44ec4447-9e2c-4eb9-bd4f-0bdb416b806e.json";
    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private const string Loinc = "http://loinc.org";

    /// <summary>file, entries, MedicationRequests, Observations, Conditions (counted with an independent JSON reader).</summary>
    public static TheoryData<string, int, int, int, int> Files() => SharedData.Available
        ? new()
        {
            { "Adalberto_Hartmann_44ec4447-9e2c-4eb9-bd4f-0bdb416b806e.json", 344, 8, 200, 13 },
            { "Alexis_Toy_68cd1181-6359-4047-a77f-a165d7912480.json", 176, 3, 77, 2 },
            { "Chadwick_Von_628e4827-ecda-4c9d-881e-7b53d0c6e5ed.json", 893, 33, 472, 18 },
            { "Coleman_Ortiz_70e00093-a3d5-42bc-8186-eface8432c02.json", 707, 11, 414, 21 },
            { "Cruz_Halvorson_4550efe0-f978-4387-a384-486d859fbf4c.json", 247, 8, 96, 9 },
            { "Elsy_Hermiston_1855d3e9-7940-462d-834e-9595a4457919.json", 623, 37, 314, 9 },
            { "Gayla_Ferry_259bc6c6-9c1d-43e9-bd25-7539cf07f8ac.json", 199, 7, 105, 6 },
            { "Isaiah_Schaden_b6b36717-6ad2-433d-bf5c-6c77bc2fcd96.json", 661, 7, 400, 20 },
            { "Jonelle_Kohler_5fb0178e-9765-4750-9ae5-cad09fd70a17.json", 466, 9, 203, 11 },
            { "Josue_Sipes_7d27f180-98d6-456d-98c0-d91df32cd023.json", 959, 6, 662, 22 },
            { "Julio_Ulibarri_3b85188c-26d8-4af7-a130-ffe815100a17.json", 628, 25, 395, 9 },
            { "Luis_Miguel_Delarosa_f118c1b4-27e0-4de5-bc04-b51e14ea5bbd.json", 397, 6, 234, 10 },
            { "Margery_Gibson_cdb2d67c-173f-42e7-859a-d04a8088680e.json", 792, 25, 497, 15 },
            { "Mario_Dietrich_43d017d3-9f9a-4660-8bf0-fc919ce6379b.json", 450, 3, 193, 12 },
            { "Renea_Quigley_4f3dd2db-ca68-4d9d-a06b-f145db0b0453.json", 522, 10, 308, 16 },
            { "Thanh_Mosciski_6b7b47bf-5bfb-475e-b5f6-955fde83a44f.json", 843, 33, 480, 14 },
            { "Trey_Berge_99153850-84f1-4de6-9e19-3e0d6eeedeb2.json", 246, 13, 116, 10 },
        }
        : new() { { "(../shared absent)", 0, 0, 0, 0 } };

    [SharedDataFact]
    public void The_table_lists_every_Synthea_bundle()
    {
        var onDisk = Directory.EnumerateFiles(SharedData.Path("fhir-data", "synthea"), "*.json").Select(Path.GetFileName);

        Files().Select(row => (string)row[0]).Should().BeEquivalentTo(onDisk).And.HaveCount(17);
    }

    [SharedDataTheory]
    [MemberData(nameof(Files))]
    public void Every_Synthea_bundle_parses_with_plausible_counts_by_type(
        string file, int entries, int medicationRequests, int observations, int conditions)
    {
        var bundle = bundles.Get(file);

        bundle.Type.Should().Be("transaction");
        bundle.Entry.Should().HaveCount(entries);
        bundle.Entry.Should().AllSatisfy(e =>
        {
            e.FullUrl.Should().StartWith("urn:uuid:");
            e.Resource.Should().NotBeNull();
            e.Resource!.Id.Should().NotBeNullOrEmpty();
            e.FullUrl.Should().EndWith(e.Resource.Id);
        });

        var resources = bundle.Entry!.Select(e => e.Resource!).ToList();
        resources.OfType<Patient>().Should().ContainSingle();
        resources.OfType<MedicationRequest>().Should().HaveCount(medicationRequests);
        resources.OfType<Observation>().Should().HaveCount(observations);
        resources.OfType<Condition>().Should().HaveCount(conditions);
        resources.OfType<OtherResource>().Select(r => r.ResourceType).Should().Contain("Encounter").And.NotContain(
            ["Patient", "MedicationRequest", "Observation", "Condition", "Bundle"]);

        resources.OfType<MedicationRequest>().Should().AllSatisfy(r =>
        {
            r.SourceType.Should().Be("MedicationRequest");
            r.MedicationReference.Should().BeNull();
            r.MedicationCodeableConcept!.Coding.Should().ContainSingle().Which.System.Should().Be(RxNorm);
            r.Status.Should().BeOneOf("active", "stopped", "completed");
            r.Subject!.Reference.Should().StartWith("urn:uuid:");
        });
        resources.OfType<Observation>().Should().AllSatisfy(o =>
        {
            o.Code!.Coding.Should().NotBeEmpty();
            o.Status.Should().NotBeNull();
            o.EffectiveDateTime.Should().NotBeNull();
        });
        resources.OfType<Condition>().Should().AllSatisfy(c =>
            c.Code!.Coding!.Should().ContainSingle().Which.System.Should().Be("http://snomed.info/sct"));
    }

    [SharedDataFact]
    public void Adalberto_Hartmann_has_hydrochlorothiazide_and_potassium_and_creatinine_results()
    {
        var resources = bundles.Get(Adalberto).Entry!.Select(e => e.Resource!).ToList();

        var patient = resources.OfType<Patient>().Single();
        patient.Id.Should().Be("ba18818d-faef-44cd-9744-b12d8973d402");
        patient.BirthDate.Should().Be("1949-11-29");
        patient.Gender.Should().Be("male");
        patient.DeceasedDateTime.Should().BeNull();
        patient.Name.Should().ContainSingle(n => n.Use == "official").Which.Should().BeEquivalentTo(
            new HumanName { Use = "official", Family = "Hartmann", Given = ["Adalberto"] });

        var hctz = resources.OfType<MedicationRequest>()
            .Should().ContainSingle(r => r.MedicationCodeableConcept!.Coding![0].Code == "316049").Subject;
        hctz.MedicationCodeableConcept!.Coding![0].Display.Should().Be("Hydrochlorothiazide 25 MG");
        hctz.Status.Should().Be("active");
        hctz.Intent.Should().Be("order");
        hctz.Subject!.Reference.Should().Be("urn:uuid:" + patient.Id);
        resources.OfType<MedicationRequest>().Count(r => r.Status == "active").Should().Be(7);

        var observations = resources.OfType<Observation>().ToList();
        var potassium = observations.Where(o => HasLoinc(o, "6298-4")).ToList();
        potassium.Should().HaveCount(10).And.AllSatisfy(o =>
        {
            o.ValueQuantity!.Unit.Should().Be("mmol/L");
            o.ValueQuantity.Value.Should().BeInRange(3.74m, 4.99m + 0.01m);
            o.Category.Should().ContainSingle().Which.Coding![0].Code.Should().Be("laboratory");
        });
        var latest = potassium.MaxBy(o => DateTimeOffset.Parse(o.EffectiveDateTime!, System.Globalization.CultureInfo.InvariantCulture))!;
        latest.EffectiveDateTime.Should().Be("2021-03-31T02:43:19+00:00");
        latest.ValueQuantity!.Value.Should().Be(4.993785898930543m, "the full precision of the JSON number is kept");

        observations.Where(o => HasLoinc(o, "38483-4")).Should().HaveCount(10)
            .And.AllSatisfy(o => o.ValueQuantity!.Value.Should().BeInRange(0.83m, 0.95m));
        observations.Where(o => HasLoinc(o, "33914-3")).Should().HaveCount(10);
        observations.Should().NotContain(o => HasLoinc(o, "2823-3"));

        resources.OfType<Condition>().Should().Contain(c => c.Code!.Coding![0].Code == "38341003", "Adalberto has hypertension");
    }

    private static bool HasLoinc(Observation observation, string code) =>
        observation.Code?.Coding?.Any(c => c.System == Loinc && c.Code == code) == true;
}
