using CrampCds.Core.Data;
using CrampCds.Core.Facts;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;
using CrampCds.Core.Terminology;
using FluentAssertions;

namespace CrampCds.Core.Tests.Facts;

/// <summary>What the renal status rests on, as the cards state it (cds-cards/facts.json's renalBasis).</summary>
public class FactsBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static readonly Patient OlderMan = new() { Id = "p1", Gender = "male", BirthDate = "1944-02-11" };

    [Fact]
    public void A_kidney_condition_coded_without_a_name_is_named_as_its_concept_and_said_to_be_coded_once()
    {
        var facts = Build(conditions: [Ckd4(code: new CodeableConcept { Coding = [new Coding { System = CodeSystems.Snomed, Code = "431857002" }] })]);

        facts.Renal.Status.Should().Be(RenalStatus.Severe);
        facts.Renal.Basis.Should().Be(TestContent.Catalog.Conditions.Concepts[ConceptIds.CkdSevere].Display + " (coded)");
    }

    [Fact]
    public void A_kidney_condition_is_named_as_the_record_names_it()
    {
        var facts = Build(conditions: [Ckd4(code: new CodeableConcept
        {
            Coding = [new Coding { System = CodeSystems.Snomed, Code = "431857002", Display = "Chronic kidney disease stage 4 (disorder)" }],
        })]);

        facts.Renal.Basis.Should().Be("Chronic kidney disease stage 4 (disorder) (coded)");
    }

    [Fact]
    public void An_egfr_computed_from_creatinine_says_so_and_gives_the_creatinine_date()
    {
        var facts = Build(observations: [Lab("2160-0", 3.0m, "mg/dL", "2026-11-12")]);

        facts.Renal.Status.Should().Be(RenalStatus.Severe);
        facts.Renal.Basis.Should().StartWith("eGFR ").And.EndWith("(2026-11-12), CKD-EPI 2021 from creatinine");
    }

    [Fact]
    public void A_reported_egfr_is_given_with_its_unit_and_date()
    {
        var facts = Build(observations: [Lab("98979-8", 22m, "mL/min/{1.73_m2}", "2026-11-12")]);

        facts.Renal.Status.Should().Be(RenalStatus.Severe);
        facts.Renal.Basis.Should().Be("eGFR 22 mL/min/{1.73_m2} (2026-11-12)");
    }

    [Fact]
    public void No_kidney_results_names_the_look_back_from_facts_json()
    {
        var facts = Build();

        facts.Renal.Status.Should().Be(RenalStatus.Unknown);
        facts.Renal.Basis.Should().Be($"no eGFR or creatinine in the last {TestContent.Catalog.Facts.RenalLookbackDays} days and no CKD stage coded");
    }

    [Fact]
    public void Results_older_than_the_look_back_are_listed_as_unusable()
    {
        var facts = Build(observations: [Lab("98979-8", 22m, "mL/min/{1.73_m2}", "2024-03-01"), Lab("2160-0", 2.6m, "mg/dL", "2024-03-01")]);

        facts.Renal.Status.Should().Be(RenalStatus.Unknown);
        facts.Renal.Basis.Should().Be(
            $"no usable eGFR or creatinine in the last {TestContent.Catalog.Facts.RenalLookbackDays} days "
            + "(latest: eGFR 22 mL/min/{1.73_m2} (2024-03-01); creatinine 2.6 mg/dL (2024-03-01)) and no CKD stage coded");
    }

    private static ClinicalFacts Build(IReadOnlyList<Condition>? conditions = null, IReadOnlyList<Observation>? observations = null)
    {
        var request = Requests.Parse("""{"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"}}""", HookNames.PatientView);
        var data = new PatientData { Patient = OlderMan, Conditions = conditions ?? [], Observations = observations ?? [] };
        return FactsBuilder.Build(request, data, TestContent.Catalog, Now);
    }

    private static Condition Ckd4(CodeableConcept code) => new()
    {
        Id = "ckd4",
        ClinicalStatus = new CodeableConcept { Coding = [new Coding { Code = "active" }] },
        Code = code,
    };

    private static Observation Lab(string loinc, decimal value, string unit, string date) => new()
    {
        Id = loinc,
        Status = "final",
        Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Loinc, Code = loinc }] },
        EffectiveDateTime = date,
        ValueQuantity = new Quantity { Value = value, Unit = unit },
    };
}
