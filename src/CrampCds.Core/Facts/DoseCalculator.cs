using CrampCds.Core.Fhir;

namespace CrampCds.Core.Facts;

/// <summary>A computed daily dose, or why it could not be computed.</summary>
public sealed record DailyDose(decimal? MgPerDay, decimal? MgPerAdministration, decimal? AdministrationsPerDay, string? NotAssessableBecause)
{
    public bool IsAssessable => MgPerDay is not null;

    public static DailyDose NotAssessable(string reason) => new(null, null, null, reason);
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

    public static DailyDose Compute(IReadOnlyList<Dosage>? dosages, Strength? strength)
    {
        if (dosages is not { Count: > 0 })
        {
            return DailyDose.NotAssessable("no dosage instructions");
        }

        try
        {
            // Instructions with the same sequence run together; successive sequences (a titration) count at their highest.
            DailyDose? highest = null;
            foreach (var step in dosages.GroupBy(d => d.Sequence))
            {
                var dose = ComputeConcurrent(step.ToList(), strength);
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
            return DailyDose.NotAssessable("the dose or its timing is out of range");
        }
    }

    private static DailyDose ComputeConcurrent(List<Dosage> dosages, Strength? strength)
    {
        decimal total = 0;
        decimal? largestSingle = null;
        decimal perDayTotal = 0;
        foreach (var dosage in dosages)
        {
            var single = MgPerAdministration(dosage, strength, out var doseProblem);
            if (single is null)
            {
                return DailyDose.NotAssessable(doseProblem!);
            }

            var perDay = AdministrationsPerDay(dosage.Timing);
            if (perDay is null)
            {
                return DailyDose.NotAssessable("the frequency cannot be read");
            }

            if (perDay <= 0 || perDay > MaxAdministrationsPerDay || single > MaxMgPerAdministration)
            {
                return DailyDose.NotAssessable("the dose or its timing is out of range");
            }

            total += single.Value * perDay.Value;
            perDayTotal += perDay.Value;
            largestSingle = largestSingle is null ? single : Math.Max(largestSingle.Value, single.Value);
        }

        return new DailyDose(decimal.Round(total, 3), largestSingle, decimal.Round(perDayTotal, 3), null);
    }

    public static decimal? MgPerAdministration(Dosage dosage, Strength? strength, out string? problem)
    {
        var quantity = DoseQuantity(dosage);
        if (quantity?.Value is not { } value || value <= 0)
        {
            problem = "no dose quantity";
            return null;
        }

        var unit = (quantity.Code ?? quantity.Unit ?? "").Trim();
        switch (unit.ToUpperInvariant())
        {
            case "MG":
                problem = null;
                return value;
            case "G":
                problem = null;
                return value * 1000m;
            case "UG" or "MCG":
                problem = null;
                return value / 1000m;
            case "ML":
                problem = strength is { PerMilliliter: true } ? null : "a dose in mL needs a mg/mL product strength";
                return strength is { PerMilliliter: true } s ? value * s.Milligrams : null;
        }

        if (IsCountUnit(unit))
        {
            problem = strength is { PerMilliliter: false } ? null : "the product strength is not known";
            return strength is { PerMilliliter: false } s ? value * s.Milligrams : null;
        }

        problem = $"the dose unit '{unit}' cannot be converted to mg";
        return null;
    }

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

    private static decimal? FromCode(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "QD" or "DAILY" or "QHS" or "HS" or "AM" or "PM" or "QAM" or "QPM" => 1m,
        "BID" => 2m,
        "TID" => 3m,
        "QID" => 4m,
        "Q4H" => 6m,
        "Q6H" => 4m,
        "Q8H" => 3m,
        "Q12H" => 2m,
        "QOD" => 0.5m,
        _ => null,
    };

    private static bool IsCountUnit(string unit) => unit.ToUpperInvariant() switch
    {
        "{PILL}" or "{PILLS}" or "{TBL}" or "{TABLET}" or "{TABLETS}" or "{CAPSULE}" or "{CAPSULES}" or "{CAP}"
            or "TABLET" or "TABLETS" or "TAB" or "TABS" or "CAPSULE" or "CAPSULES" or "CAP" or "CAPS" or "PILL" or "PILLS" or "1" => true,
        _ => false,
    };
}
