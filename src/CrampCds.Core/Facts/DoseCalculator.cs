using System.Collections.Frozen;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Facts;

/// <summary>
/// A computed daily dose, or why it could not be computed (<see cref="Problem"/>; with the dose's unit when that was it).
/// Made only by <see cref="Computed"/> and <see cref="NotAssessable"/>, so a dose without mg always says why.
/// </summary>
public sealed record DailyDose
{
    private DailyDose(decimal? mgPerDay, decimal? mgPerAdministration, decimal? administrationsPerDay, DoseProblem problem, string? problemUnit)
    {
        MgPerDay = mgPerDay;
        MgPerAdministration = mgPerAdministration;
        AdministrationsPerDay = administrationsPerDay;
        Problem = problem;
        ProblemUnit = problemUnit;
    }

    public decimal? MgPerDay { get; }
    public decimal? MgPerAdministration { get; }
    public decimal? AdministrationsPerDay { get; }
    public DoseProblem Problem { get; }
    public string? ProblemUnit { get; }

    public bool IsAssessable => MgPerDay is not null;

    public static DailyDose Computed(decimal mgPerDay, decimal? mgPerAdministration, decimal? administrationsPerDay) =>
        new(mgPerDay, mgPerAdministration, administrationsPerDay, DoseProblem.None, null);

    public static DailyDose NotAssessable(DoseProblem problem, string? unit = null) => problem == DoseProblem.None
        ? throw new ArgumentOutOfRangeException(nameof(problem), problem, "a dose that cannot be computed needs its reason")
        : new(null, null, null, problem, unit);
}

/// <summary>Why a daily dose could not be computed; cds-cards/facts.json's doseProblems words each for the card.</summary>
public enum DoseProblem
{
    None,
    NoDosage,
    OutOfRange,
    FrequencyUnreadable,
    NoDoseQuantity,
    MillilitresNeedStrength,
    StrengthUnknown,
    UnitNotConvertible,
}

/// <summary>
/// mg per day = mg per administration (mg, g, mcg; or a count of tablets/{pill} x the product strength;
/// or mL x mg/mL) x administrations per day (timing.repeat or a timing code). A doseRange counts at its
/// high end, frequencyMax over frequency. Anything it cannot read makes the dose not assessable.
/// </summary>
public static class DoseCalculator
{
    // Beyond these an order is a data error, not a dose: it is not assessed rather than believed.
    private const decimal MaxAdministrationsPerDay = 48m;
    private const decimal MaxMgPerAdministration = 100_000m;

    // Case-insensitive lookups by span: a dose's unit and timing code are compared without allocating upper-case copies.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CountUnits = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "{PILL}", "{PILLS}", "{TBL}", "{TABLET}", "{TABLETS}", "{CAPSULE}", "{CAPSULES}", "{CAP}",
        "TABLET", "TABLETS", "TAB", "TABS", "CAPSULE", "CAPSULES", "CAP", "CAPS", "PILL", "PILLS", "1").GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenDictionary<string, decimal>.AlternateLookup<ReadOnlySpan<char>> TimingCodes = new Dictionary<string, decimal>
    {
        ["QD"] = 1m, ["DAILY"] = 1m, ["QHS"] = 1m, ["HS"] = 1m, ["AM"] = 1m, ["PM"] = 1m, ["QAM"] = 1m, ["QPM"] = 1m,
        ["BID"] = 2m, ["TID"] = 3m, ["QID"] = 4m, ["Q4H"] = 6m, ["Q6H"] = 4m, ["Q8H"] = 3m, ["Q12H"] = 2m, ["QOD"] = 0.5m,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    public static DailyDose Compute(IReadOnlyList<Dosage>? dosages, Strength? strength)
    {
        if (dosages is not { Count: > 0 })
        {
            return DailyDose.NotAssessable(DoseProblem.NoDosage);
        }

        try
        {
            // Instructions with the same sequence run together; successive sequences (a titration) count at their highest.
            DailyDose? highest = null;
            for (var i = 0; i < dosages.Count; i++)
            {
                var sequence = dosages[i].Sequence;
                if (SeenBefore(dosages, i, sequence))
                {
                    continue;
                }

                var dose = ComputeConcurrent(dosages, i, sequence, strength);
                if (!dose.IsAssessable)
                {
                    return dose;
                }

                if (highest is null || dose.MgPerDay > highest.MgPerDay)
                {
                    highest = dose;
                }
            }

            return highest!;
        }
        catch (Exception ex) when (ex is OverflowException or DivideByZeroException)
        {
            return DailyDose.NotAssessable(DoseProblem.OutOfRange);
        }
    }

    private static bool SeenBefore(IReadOnlyList<Dosage> dosages, int index, int? sequence)
    {
        for (var i = 0; i < index; i++)
        {
            if (dosages[i].Sequence == sequence)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The daily dose of the instructions of one sequence, the first of which is at <paramref name="first"/>.</summary>
    private static DailyDose ComputeConcurrent(IReadOnlyList<Dosage> dosages, int first, int? sequence, Strength? strength)
    {
        decimal total = 0;
        decimal? largestSingle = null;
        decimal perDayTotal = 0;
        for (var i = first; i < dosages.Count; i++)
        {
            var dosage = dosages[i];
            if (dosage.Sequence != sequence)
            {
                continue;
            }

            var single = MgPerAdministration(dosage, strength, out var doseProblem);
            if (single is null)
            {
                return DailyDose.NotAssessable(doseProblem, doseProblem == DoseProblem.UnitNotConvertible ? UnitOf(DoseQuantity(dosage)!).ToString() : null);
            }

            var perDay = AdministrationsPerDay(dosage.Timing);
            if (perDay is null)
            {
                return DailyDose.NotAssessable(DoseProblem.FrequencyUnreadable);
            }

            if (perDay <= 0 || perDay > MaxAdministrationsPerDay || single > MaxMgPerAdministration)
            {
                return DailyDose.NotAssessable(DoseProblem.OutOfRange);
            }

            total += single.Value * perDay.Value;
            perDayTotal += perDay.Value;
            largestSingle = largestSingle is null ? single : Math.Max(largestSingle.Value, single.Value);
        }

        return DailyDose.Computed(decimal.Round(total, 3), largestSingle, decimal.Round(perDayTotal, 3));
    }

    public static decimal? MgPerAdministration(Dosage dosage, Strength? strength, out DoseProblem problem)
    {
        var quantity = DoseQuantity(dosage);
        if (quantity?.Value is not { } value || value <= 0)
        {
            problem = DoseProblem.NoDoseQuantity;
            return null;
        }

        var unit = UnitOf(quantity);
        if (unit.Equals("mg", StringComparison.OrdinalIgnoreCase))
        {
            problem = DoseProblem.None;
            return value;
        }

        if (unit.Equals("g", StringComparison.OrdinalIgnoreCase))
        {
            problem = DoseProblem.None;
            return value * 1000m;
        }

        if (unit.Equals("ug", StringComparison.OrdinalIgnoreCase) || unit.Equals("mcg", StringComparison.OrdinalIgnoreCase))
        {
            problem = DoseProblem.None;
            return value / 1000m;
        }

        if (unit.Equals("ml", StringComparison.OrdinalIgnoreCase))
        {
            problem = strength is { PerMilliliter: true } ? DoseProblem.None : DoseProblem.MillilitresNeedStrength;
            return strength is { PerMilliliter: true } s ? value * s.Milligrams : null;
        }

        if (CountUnits.Contains(unit))
        {
            problem = strength is { PerMilliliter: false } ? DoseProblem.None : DoseProblem.StrengthUnknown;
            return strength is { PerMilliliter: false } s ? value * s.Milligrams : null;
        }

        problem = DoseProblem.UnitNotConvertible;
        return null;
    }

    private static ReadOnlySpan<char> UnitOf(Quantity quantity) => (quantity.Code ?? quantity.Unit ?? "").AsSpan().Trim();

    /// <summary>Administrations per day from timing.repeat, else the timing code; null when neither says.</summary>
    public static decimal? AdministrationsPerDay(Timing? timing)
    {
        if (timing?.Repeat is { } repeat && FromRepeat(repeat) is { } fromRepeat)
        {
            return fromRepeat;
        }

        if (timing?.Code is { } code)
        {
            foreach (var coding in code.Coding ?? [])
            {
                if (FromCode(coding.Code) is { } fromCode)
                {
                    return fromCode;
                }
            }

            return FromCode(code.Text);
        }

        return null;
    }

    private static Quantity? DoseQuantity(Dosage dosage)
    {
        foreach (var doseAndRate in dosage.DoseAndRate ?? [])
        {
            if (doseAndRate.DoseQuantity is { } quantity)
            {
                return quantity;
            }

            if (doseAndRate.DoseRange?.High is { } high)
            {
                return high;
            }
        }

        return dosage.DoseQuantity ?? dosage.DoseRange?.High;
    }

    private static decimal? FromRepeat(TimingRepeat repeat)
    {
        var frequency = repeat.FrequencyMax ?? repeat.Frequency;
        var unit = repeat.PeriodUnit ?? repeat.PeriodUnits;
        if (repeat.Period is { } period && period > 0 && unit is not null)
        {
            var days = unit switch
            {
                "s" => period / 86_400m,
                "min" => period / 1_440m,
                "h" => period / 24m,
                "d" => period,
                "wk" => period * 7m,
                "mo" => period * 30m,
                "a" => period * 365m,
                _ => (decimal?)null,
            };
            return days is > 0 and var d && (frequency ?? 1) > 0 ? (frequency ?? 1) / d : null;
        }

        if (frequency is null && repeat.Period is null)
        {
            // "when" (e.g. HS, MORN) or times of day without a period: once each, every day.
            var times = repeat.TimeOfDay?.Length ?? 0;
            var events = repeat.When?.Length ?? 0;
            return times > 0 ? times : events > 0 ? events : null;
        }

        return null;
    }

    private static decimal? FromCode(string? code) =>
        code is not null && TimingCodes.TryGetValue(code.AsSpan().Trim(), out var perDay) ? perDay : null;
}
