using System.Text.Json.Nodes;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using CrampCds.Core.Facts;
using CrampCds.Core.Rules;
using FluentAssertions;

namespace CrampCds.Core.Tests.Rules;

/// <summary>
/// Doses, lab results and reference ranges reach the cards in the words of cds-cards/facts.json's valueWording (the
/// informaticists' to change), not in words fixed in the code.
/// </summary>
public sealed class ValueWordingTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private readonly CardsCopy _copy = new();

    public void Dispose() => _copy.Dispose();

    [Fact]
    public void The_repository_wording_gives_a_baclofen_dose_its_daily_total_and_schedule()
    {
        var card = BaclofenDoseCard(TestContent.Catalog);

        card.Summary.Should().Be("Baclofen 60 mg/day (20 mg 3 times a day) exceeds a safe limit: Baclofen 10 MG Oral Tablet");
    }

    [Fact]
    public void A_reworded_dose_schedule_reaches_the_baclofen_dose_card()
    {
        var catalog = Reworded(wording => wording["doseSchedule"] = "{mgPerDay} mg daily, as {mg} mg x{times}");

        var card = BaclofenDoseCard(catalog);

        card.Summary.Should().Be("Baclofen 60 mg daily, as 20 mg x3 exceeds a safe limit: Baclofen 10 MG Oral Tablet");
    }

    [Fact]
    public void A_lab_result_gives_the_labs_own_range_and_flag_in_the_repository_wording()
    {
        var card = HypokalemiaCard(TestContent.Catalog);

        card.Summary.Should().Be("Leg cramps with low potassium: 3.4 mmol/L (2026-11-12); lab reference 3.5-5.1 mmol/L; flagged L");
    }

    [Fact]
    public void A_reworded_range_reference_and_flag_reach_the_hypokalemia_card()
    {
        var catalog = Reworded(wording =>
        {
            wording["labReference"] = "{result} [laboratory range {range}]";
            wording["labFlagged"] = "{result} [{interpretation}]";
            wording["rangeBetween"] = "{low} to {high} {unit}";
        });

        var card = HypokalemiaCard(catalog);

        card.Summary.Should().Be("Leg cramps with low potassium: 3.4 mmol/L (2026-11-12) [laboratory range 3.5 to 5.1 mmol/L] [L]");
    }

    [Fact]
    public void A_range_with_one_end_uses_its_own_wording()
    {
        var catalog = Reworded(wording => wording["rangeFrom"] = "at least {low} {unit}");

        var card = HypokalemiaCard(catalog, range: new JsonObject { ["low"] = new JsonObject { ["value"] = 3.5, ["unit"] = "mmol/L" } }, flag: null);

        card.Summary.Should().Be("Leg cramps with low potassium: 3.4 mmol/L (2026-11-12); lab reference at least 3.5 mmol/L");
    }

    [Fact]
    public void A_dose_that_cannot_be_computed_is_explained_in_the_repository_wording()
    {
        var card = BaclofenDoseUnknownCard(TestContent.Catalog);

        card.Detail.Should().Contain("(the dose unit 'puff' cannot be converted to mg)");
    }

    [Fact]
    public void A_reworded_dose_problem_reaches_the_baclofen_dose_unknown_card()
    {
        _copy.Edit("facts.json", facts => facts["doseProblems"]!["unitNotConvertible"] = "doses in {unit} are not converted");

        var card = BaclofenDoseUnknownCard(_copy.Load());

        card.Detail.Should().Contain("(doses in puff are not converted)");
    }

    [Fact]
    public void A_result_is_worded_with_its_comparator_unit_and_date_or_the_wording_for_an_unknown_date()
    {
        var dated = new LabFact { Analyte = Analyte.Egfr, Value = 60m, Comparator = ">", Unit = LabUnit.MlPerMinPer173M2, UnitText = "mL/min/{1.73_m2}", Date = Now.AddDays(-3), IsCurrent = true };
        var undated = dated with { Comparator = null, Value = 22m, Date = null, IsCurrent = false };
        var catalog = Reworded(wording =>
        {
            wording["labResult"] = "{value} {unit} on {date}";
            wording["dateUnknown"] = "an unrecorded date";
        });

        dated.Describe(TestContent.Catalog).Should().Be(">60 mL/min/{1.73_m2} (2026-11-19)");
        undated.Describe(TestContent.Catalog).Should().Be("22 mL/min/{1.73_m2} (date unknown)");
        dated.Describe(catalog).Should().Be(">60 mL/min/{1.73_m2} on 2026-11-19");
        undated.Describe(catalog).Should().Be("22 mL/min/{1.73_m2} on an unrecorded date");
    }

    [Fact]
    public void An_order_the_record_does_not_name_is_called_what_facts_json_calls_it()
    {
        var catalog = Reworded(wording => wording["unnamedMedication"] = "this baclofen order");

        BaclofenDoseCard(TestContent.Catalog, unnamed: true).Summary.Should().EndWith("exceeds a safe limit: the ordered medication");
        BaclofenDoseCard(catalog, unnamed: true).Summary.Should().EndWith("exceeds a safe limit: this baclofen order");
    }

    [Fact]
    public void A_setting_named_in_the_wording_for_an_unnamed_order_is_filled_in_everywhere_the_name_goes()
    {
        var catalog = Reworded(wording => wording["unnamedMedication"] = "an unnamed order (adults {facts.adultAgeYears} and over)");

        var card = BaclofenDoseCard(catalog, unnamed: true);

        card.Summary.Should().EndWith("exceeds a safe limit: an unnamed order (adults 18 and over)");
        card.Suggestions.Should().NotBeNullOrEmpty();
        card.Suggestions!.SelectMany(s => (s.Actions ?? []).Select(a => a.Description).Append(s.Label))
            .Should().NotContain(text => text.Contains("{facts.", StringComparison.Ordinal));
    }

    [Fact]
    public void Wording_given_as_null_stops_loading_and_names_the_template()
    {
        Edit(wording => wording["dose"] = null);

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*facts.json*valueWording.dose is missing*");
    }

    [Fact]
    public void Wording_that_names_a_value_it_is_not_given_stops_loading_and_names_the_template()
    {
        Edit(wording => wording["doseSchedule"] = "{mgPerDay} mg/day ({mg} mg {timesPerDay} times a day)");

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*facts.json*valueWording.doseSchedule*{timesPerDay}*{mgPerDay}, {mg}, {times}*");
    }

    [Fact]
    public void Missing_wording_stops_loading_and_names_facts_json()
    {
        Edit(wording => wording.Remove("labFlagged"));

        var load = () => _copy.Load();

        load.Should().Throw<CardContentException>().WithMessage("*facts.json*labFlagged*");
    }

    // The baclofen-dose case of the sandbox's order: two 10 mg tablets three times a day (60 mg/day).
    private static Card BaclofenDoseCard(CardCatalog catalog, bool unnamed = false)
    {
        var file = Case("baclofen-dose", "in-sandbox-two-10mg-tablets-three-times-daily.json");
        if (unnamed)
        {
            // Coded (so it is still known as baclofen) but with no text or display to name it by.
            var medication = file.Request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!["medicationCodeableConcept"]!.AsObject();
            medication.Remove("text");
            medication["coding"]![0]!.AsObject().Remove("display");
        }

        return Run(file, catalog).Single(c => c.RuleId == "baclofen-dose");
    }

    // The same order written in puffs: no mg dose can be computed from it.
    private static Card BaclofenDoseUnknownCard(CardCatalog catalog)
    {
        var file = Case("baclofen-dose", "in-sandbox-two-10mg-tablets-three-times-daily.json");
        var dose = file.Request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!["dosageInstruction"]![0]!["doseAndRate"]![0]!["doseQuantity"]!;
        dose["unit"] = "puff";
        dose["code"] = "puff";
        return Run(file, catalog).Single(c => c.RuleId == "baclofen-dose-unknown");
    }

    // The potassium 3.4 case, its result given the lab's reference range and an L flag.
    private static Card HypokalemiaCard(CardCatalog catalog, JsonObject? range = null, string? flag = "L")
    {
        var file = Case("hypokalemia", "in-potassium-3.4.json");
        var potassium = file.Request["prefetch"]!["labs"]!["entry"]!.AsArray()
            .Select(e => e!["resource"]!.AsObject())
            .Single(o => o["code"]!["coding"]![0]!["code"]!.GetValue<string>() == "2823-3");
        potassium["referenceRange"] = new JsonArray(range ?? new JsonObject
        {
            ["low"] = new JsonObject { ["value"] = 3.5, ["unit"] = "mmol/L" },
            ["high"] = new JsonObject { ["value"] = 5.1, ["unit"] = "mmol/L" },
        });
        if (flag is not null)
        {
            potassium["interpretation"] = new JsonArray(new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", ["code"] = flag }),
            });
        }

        return Run(file, catalog).Single(c => c.RuleId == "hypokalemia");
    }

    // A case of the repository's own, loaded afresh so that a test may change its request before it runs.
    private static CaseFile Case(string ruleId, string file) => CaseFile.Load(Path.Combine(TestContent.CardsPath, "cases", ruleId, file));

    private static IReadOnlyList<Card> Run(CaseFile file, CardCatalog catalog) => file.Run(catalog, TestContent.Evaluator(catalog), Now).Cards;

    private CardCatalog Reworded(Action<JsonObject> change)
    {
        Edit(change);
        return _copy.Load();
    }

    private void Edit(Action<JsonObject> change) => _copy.Edit("facts.json", facts => change(facts["valueWording"]!.AsObject()));
}
