using CrampCds.Core.Facts;
using CrampCds.Core.Fhir;
using FluentAssertions;

namespace CrampCds.Core.Tests.Facts;

public class DoseCalculatorTests
{
    private static readonly Strength Baclofen10 = Strength.FromRxNormName("baclofen 10 MG Oral Tablet")!.Value;

    // The CDS Hooks sandbox orders baclofen as a {pill} count of "Baclofen 10 MG Oral Tablet", 1-4 times a day.
    [Theory]
    [InlineData(1, 1, 10)]
    [InlineData(1, 2, 20)]
    [InlineData(1, 3, 30)]
    [InlineData(2, 3, 60)]
    [InlineData(2, 4, 80)]
    public void Sandbox_pill_counts_times_strength_times_frequency(int pills, int perDay, int expectedMg)
    {
        var dosage = new Dosage
        {
            Timing = new Timing { Repeat = new TimingRepeat { Frequency = perDay, Period = 1, PeriodUnit = "d" } },
            DoseAndRate = [new DoseAndRate { DoseQuantity = new Quantity { Value = pills, Code = "{pill}", System = "http://unitsofmeasure.org" } }],
        };

        DoseCalculator.Compute([dosage], Baclofen10).MgPerDay.Should().Be(expectedMg);
    }

    [Theory]
    [InlineData("QD", 5)]
    [InlineData("BID", 10)]
    [InlineData("TID", 15)]
    [InlineData("QID", 20)]
    [InlineData("Q6H", 20)]
    [InlineData("QHS", 5)]
    public void Timing_codes_give_administrations_per_day(string code, int expectedMg)
    {
        var dosage = new Dosage
        {
            Timing = new Timing { Code = new CodeableConcept { Coding = [new Coding { System = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation", Code = code }] } },
            DoseAndRate = [new DoseAndRate { DoseQuantity = new Quantity { Value = 5, Unit = "mg", Code = "mg" } }],
        };

        DoseCalculator.Compute([dosage], null).MgPerDay.Should().Be(expectedMg);
    }

    [Fact]
    public void A_dose_range_counts_at_its_high_end_and_frequency_max_over_frequency()
    {
        var dosage = new Dosage
        {
            Timing = new Timing { Repeat = new TimingRepeat { Frequency = 2, FrequencyMax = 3, Period = 1, PeriodUnit = "d" } },
            DoseAndRate = [new DoseAndRate { DoseRange = new CrampCds.Core.Fhir.Range { Low = new Quantity { Value = 5, Code = "mg" }, High = new Quantity { Value = 10, Code = "mg" } } }],
        };

        DoseCalculator.Compute([dosage], null).MgPerDay.Should().Be(30);
    }

    [Fact]
    public void Every_eight_hours_is_three_times_a_day_and_grams_become_milligrams()
    {
        var dosage = new Dosage
        {
            Timing = new Timing { Repeat = new TimingRepeat { Frequency = 1, Period = 8, PeriodUnit = "h" } },
            DoseQuantity = new Quantity { Value = 0.005m, Code = "g" },
        };

        DoseCalculator.Compute([dosage], null).MgPerDay.Should().Be(15);
    }

    [Fact]
    public void Dstu2_period_units_are_read()
    {
        var dosage = new Dosage
        {
            Timing = new Timing { Repeat = new TimingRepeat { Frequency = 2, Period = 1, PeriodUnits = "d" } },
            DoseQuantity = new Quantity { Value = 1, Code = "{pill}" },
        };

        DoseCalculator.Compute([dosage], Baclofen10).MgPerDay.Should().Be(20);
    }

    [Fact]
    public void A_liquid_dose_in_ml_uses_the_mg_per_ml_strength()
    {
        var strength = Strength.FromRxNormName("baclofen 5 MG/ML Oral Suspension");
        var dosage = new Dosage
        {
            Timing = new Timing { Repeat = new TimingRepeat { Frequency = 3, Period = 1, PeriodUnit = "d" } },
            DoseAndRate = [new DoseAndRate { DoseQuantity = new Quantity { Value = 1, Code = "mL" } }],
        };

        DoseCalculator.Compute([dosage], strength).MgPerDay.Should().Be(15);
    }

    [Fact]
    public void A_pill_count_without_a_known_strength_is_not_assessable()
    {
        var dosage = new Dosage
        {
            Timing = new Timing { Repeat = new TimingRepeat { Frequency = 3, Period = 1, PeriodUnit = "d" } },
            DoseAndRate = [new DoseAndRate { DoseQuantity = new Quantity { Value = 1, Code = "{pill}" } }],
        };

        var dose = DoseCalculator.Compute([dosage], null);

        dose.IsAssessable.Should().BeFalse();
        dose.Problem.Should().Be(DoseProblem.StrengthUnknown);
    }

    [Fact]
    public void A_dose_that_cannot_be_computed_always_carries_its_reason()
    {
        var reasonless = () => DailyDose.NotAssessable(DoseProblem.None);

        reasonless.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void No_frequency_or_no_dose_is_not_assessable_never_a_guess()
    {
        var noFrequency = new Dosage { DoseQuantity = new Quantity { Value = 5, Code = "mg" } };
        var noDose = new Dosage { Timing = new Timing { Repeat = new TimingRepeat { Frequency = 3, Period = 1, PeriodUnit = "d" } }, Text = "5 mg three times a day" };

        DoseCalculator.Compute([noFrequency], null).Should().Be(DailyDose.NotAssessable(DoseProblem.FrequencyUnreadable));
        DoseCalculator.Compute([noDose], null).Should().Be(DailyDose.NotAssessable(DoseProblem.NoDoseQuantity));
        DoseCalculator.Compute([], null).Should().Be(DailyDose.NotAssessable(DoseProblem.NoDosage));
    }

    [Theory]
    [InlineData("baclofen 10 MG Oral Tablet", 10, false)]
    [InlineData("Baclofen 20 MG Oral Tablet", 20, false)]
    [InlineData("baclofen 1 MG/ML Oral Solution", 1, true)]
    [InlineData("quinine sulfate 324 MG Oral Capsule [Qualaquin]", 324, false)]
    public void Strength_is_read_from_single_ingredient_rxnorm_names(string name, double mg, bool perMl)
    {
        Strength.FromRxNormName(name).Should().Be(new Strength((decimal)mg, perMl));
    }

    [Theory]
    [InlineData("carbidopa 25 MG / levodopa 100 MG Oral Tablet")]
    [InlineData("baclofen oral tablet")]
    [InlineData("60 ACTUAT salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler")]
    [InlineData(null)]
    public void No_strength_is_guessed_from_a_combination_or_an_unknown_form(string? name)
    {
        Strength.FromRxNormName(name).Should().BeNull();
    }

    [Theory]
    [InlineData(1, 0.0000000000000000000000000001, "s", 5)]
    [InlineData(1, 1e27, "a", 5)]
    [InlineData(1000000, 1, "s", 5)]
    [InlineData(3, 1, "d", 1e26)]
    [InlineData(-2, 1, "d", 5)]
    [InlineData(0, 1, "d", 5)]
    public void Absurd_doses_and_timings_are_not_assessable_and_never_throw(int frequency, double period, string unit, double mg)
    {
        var dosage = new Dosage
        {
            Timing = new Timing { Repeat = new TimingRepeat { Frequency = frequency, Period = (decimal)period, PeriodUnit = unit } },
            DoseQuantity = new Quantity { Value = (decimal)mg, Code = "mg" },
        };

        var dose = DoseCalculator.Compute([dosage], null);

        dose.IsAssessable.Should().BeFalse();
    }

    private static Dosage Step(int? sequence, int mg, int times) => new()
    {
        Sequence = sequence,
        Timing = new Timing { Repeat = new TimingRepeat { Frequency = times, Period = 1, PeriodUnit = "d" } },
        DoseQuantity = new Quantity { Value = mg, Code = "mg" },
    };

    [Fact]
    public void A_titration_counts_at_its_highest_step_and_concurrent_instructions_add_up()
    {
        DoseCalculator.Compute([Step(1, 5, 3), Step(2, 10, 3)], null).MgPerDay.Should().Be(30);
        DoseCalculator.Compute([Step(null, 5, 1), Step(null, 10, 1)], null).MgPerDay.Should().Be(15);
    }

    [Fact]
    public void Instructions_of_one_sequence_add_up_wherever_they_stand_in_the_list()
    {
        // Sequence 1 is 20 + 20 = 40 mg/day, sequence 2 is 30: the highest step is 40 (not 30, as if only neighbours counted).
        var dose = DoseCalculator.Compute([Step(1, 10, 2), Step(2, 10, 3), Step(1, 10, 2)], null);
        dose.MgPerDay.Should().Be(40);
        dose.AdministrationsPerDay.Should().Be(4);

        // A step that cannot be read makes the whole order not assessable, wherever it stands.
        var unreadable = Step(1, 10, 2) with { Timing = null };
        DoseCalculator.Compute([Step(2, 10, 3), Step(1, 10, 2), unreadable], null).IsAssessable.Should().BeFalse();
    }

    [Theory]
    [InlineData("MG", 10, "tid", 30)]
    [InlineData(" mg ", 10, " Bid ", 20)]
    [InlineData("Mcg", 10_000, "QD", 10)]
    [InlineData("G", 0.01, "q8h", 30)]
    [InlineData("{Pill}", 1, "TID", 30)]
    [InlineData("tablets", 2, "qid", 80)]
    [InlineData("CAP", 1, "daily", 10)]
    public void Units_and_timing_codes_are_read_whatever_their_case_and_spacing(string unit, double value, string timing, int expectedMg)
    {
        var dosage = new Dosage
        {
            Timing = new Timing { Code = new CodeableConcept { Text = timing } },
            DoseAndRate = [new DoseAndRate { DoseQuantity = new Quantity { Value = (decimal)value, Unit = unit } }],
        };

        DoseCalculator.Compute([dosage], Baclofen10).MgPerDay.Should().Be(expectedMg);
    }

    [Theory]
    [InlineData("mL", DoseProblem.MillilitresNeedStrength, null)]
    [InlineData("puff", DoseProblem.UnitNotConvertible, "puff")]
    [InlineData(" drops ", DoseProblem.UnitNotConvertible, "drops")]
    public void An_unconvertible_unit_says_why(string unit, DoseProblem problem, string? problemUnit)
    {
        var dosage = new Dosage
        {
            Timing = new Timing { Code = new CodeableConcept { Text = "TID" } },
            DoseAndRate = [new DoseAndRate { DoseQuantity = new Quantity { Value = 1, Unit = unit } }],
        };

        var dose = DoseCalculator.Compute([dosage], Baclofen10);

        dose.Problem.Should().Be(problem);
        dose.ProblemUnit.Should().Be(problemUnit);
    }
}
