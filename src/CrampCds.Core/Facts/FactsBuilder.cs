using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;
using CrampCds.Core.Terminology;

namespace CrampCds.Core.Facts;

/// <summary>Derives the <see cref="ClinicalFacts"/> the rules read from one call's request and data.</summary>
public static class FactsBuilder
{
    private static readonly FrozenSet<string> UsableLabStatuses = FrozenSet.Create(StringComparer.Ordinal, "final", "amended", "corrected");
    private static readonly int AnalyteCount = Enum.GetValues<Analyte>().Length;

    public static ClinicalFacts Build(HookRequest request, PatientData data, CardCatalog catalog, DateTimeOffset now, bool requireCrampContext = true)
    {
        var settings = catalog.Facts;
        var age = FhirDates.AgeInYears(data.Patient?.BirthDate, now);
        var sex = data.Patient?.Gender;

        var draftOrders = request.Context.DraftOrders;
        var drafts = draftOrders.Count == 0 ? [] : new MedicationFact[draftOrders.Count];
        Span<bool> isJudged = draftOrders.Count <= 32 ? stackalloc bool[draftOrders.Count] : new bool[draftOrders.Count];
        var draftCount = 0;
        var judgedCount = 0;
        for (var i = 0; i < draftOrders.Count; i++)
        {
            if (draftOrders[i] is not MedicationRequest order || !DraftOrders.HasMedication(order))
            {
                continue;
            }

            // As HookEvaluator.JudgedMedicationOrders: only an order hook judges drafts.
            isJudged[draftCount] = HookNames.IsOrderHook(request.Hook) && DraftOrders.IsJudged(request, order);
            judgedCount += isJudged[draftCount] ? 1 : 0;
            drafts[draftCount++] = Medication(order, order.DosageInstruction, Reasons(order), data, catalog, onlyNamed: false)!;
        }

        if (draftCount < drafts.Length)
        {
            Array.Resize(ref drafts, draftCount);
        }

        // Usually every draft is judged (one selection, or order-sign): the two lists are then one array.
        var judged = drafts;
        if (judgedCount < draftCount)
        {
            judged = new MedicationFact[judgedCount];
            for (int i = 0, j = 0; i < draftCount; i++)
            {
                if (isJudged[i])
                {
                    judged[j++] = drafts[i];
                }
            }
        }

        ImmutableArray<MedicationFact>.Builder? active = null;
        var orders = data.MedicationRequests;
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            if (order.Status is "active" or "on-hold" && order.Intent is not ("proposal" or "plan")
                && Medication(order, order.DosageInstruction, Reasons(order), data, catalog, onlyNamed: true) is { } fact)
            {
                (active ??= ImmutableArray.CreateBuilder<MedicationFact>()).Add(fact);
            }
        }

        var statements = data.MedicationStatements;
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            if (statement.Status is "active" or "on-hold"
                && Medication(statement, statement.Dosage, statement.ReasonCode ?? [], data, catalog, onlyNamed: true) is { } fact)
            {
                (active ??= ImmutableArray.CreateBuilder<MedicationFact>()).Add(fact);
            }
        }

        var conditions = catalog.Conditions;
        // The diagnoses the facts name, looked up in one pass over the active conditions.
        ReadOnlySpan<string> diagnoses = [ConceptIds.Cramp, ConceptIds.Cirrhosis, ConceptIds.HepaticEncephalopathy, ConceptIds.Dialysis, ConceptIds.Malaria];
        Span<bool> has = stackalloc bool[diagnoses.Length];
        for (var i = 0; i < data.Conditions.Count; i++)
        {
            if (ConditionFacts.IsActive(data.Conditions[i]))
            {
                conditions.MarkCoded(data.Conditions[i].Code, diagnoses, has);
            }
        }

        var crampCoded = has[0];
        var crampReason = CrampReason(request.Context.DraftOrders, conditions);
        var crampContext = crampCoded || crampReason || (request.Hook == HookNames.PatientView && !requireCrampContext);

        var labs = LatestLabs(data.Observations, catalog, now, settings.CurrentLabDays);
        var renal = Renal(labs, data, catalog, age, sex, now);
        labs[(int)Analyte.Egfr] ??= renal.Egfr;

        return new ClinicalFacts
        {
            AgeYears = age,
            Sex = sex,
            IsAdult = age is null || age >= settings.AdultAgeYears,
            IsOlderAdult = age >= settings.OlderAdultAgeYears,
            CrampContext = crampContext,
            ActiveMedications = active?.DrainToImmutable() ?? [],
            JudgedOrders = ImmutableCollectionsMarshal.AsImmutableArray(judged),
            DraftOrders = ImmutableCollectionsMarshal.AsImmutableArray(drafts),
            LatestLabs = labs,
            Renal = renal,
            Cirrhosis = has[1],
            HepaticEncephalopathy = has[2],
            Dialysis = has[3],
            Malaria = has[4],
        };
    }

    private static bool CrampReason(IReadOnlyList<Resource> drafts, ConditionTerminology conditions)
    {
        for (var i = 0; i < drafts.Count; i++)
        {
            if (drafts[i] is not MedicationRequest order)
            {
                continue;
            }

            foreach (var reason in order.ReasonCode ?? [])
            {
                if (conditions.MatchesCodeOrText(reason, ConceptIds.Cramp))
                {
                    return true;
                }
            }

            if (order.ReasonCodeableConcept is { } dstu2 && conditions.MatchesCodeOrText(dstu2, ConceptIds.Cramp))
            {
                return true;
            }
        }

        return false;
    }

    public static IReadOnlyList<CodeableConcept> Reasons(MedicationRequest order) =>
        order.ReasonCodeableConcept is { } dstu2 ? [.. order.ReasonCode ?? [], dstu2] : order.ReasonCode ?? [];

    /// <param name="onlyNamed">
    /// True for the patient's medications: one that no concept in our lists names is of no interest to any rule, so
    /// it gets no fact (a long medication list costs little). Draft orders always get one (their dose and name count).
    /// </param>
    private static MedicationFact? Medication(
        Resource source,
        Dosage[]? dosages,
        IReadOnlyList<CodeableConcept> reasons,
        PatientData data,
        CardCatalog catalog,
        bool onlyNamed)
    {
        var (descriptions, reference, contained) = source switch
        {
            MedicationRequest r => (MedicationResolver.Describe(r, data), r.MedicationReference, r.Contained),
            MedicationStatement s => (MedicationResolver.Describe(s, data), s.MedicationReference, s.Contained),
            _ => ([], null, null),
        };
        var drugs = catalog.Drugs;
        var conceptIds = drugs.Identify(descriptions, dosages);
        if (onlyNamed && conceptIds.Count == 0)
        {
            return null;
        }

        var strength = drugs.ProductStrength(descriptions) ?? MedicationStrength(reference, contained, data) ?? NameStrength(descriptions);
        return new MedicationFact
        {
            Source = source,
            Name = MedicationNames.Display(descriptions) ?? CardRenderer.FillValues(catalog.Facts.ValueWording.UnnamedMedication, catalog.Globals),
            ConceptIds = conceptIds,
            Classes = drugs.ClassesOf(conceptIds),
            Dose = DoseCalculator.Compute(dosages, strength),
            Reasons = reasons,
        };
    }

    private static Strength? NameStrength(IReadOnlyList<CodeableConcept> descriptions)
    {
        for (var i = 0; i < descriptions.Count; i++)
        {
            var description = descriptions[i];
            foreach (var coding in description.Coding ?? [])
            {
                if (CodeSystems.IsRxNormDisplay(coding) && Strength.FromRxNormName(coding.Display) is { } fromDisplay)
                {
                    return fromDisplay;
                }
            }

            if (Strength.FromRxNormName(description.Text) is { } fromText)
            {
                return fromText;
            }
        }

        return null;
    }

    // A Medication resource may state its single ingredient's strength as mg per 1 unit.
    private static Strength? MedicationStrength(ResourceReference? reference, IReadOnlyList<Resource>? contained, PatientData data)
    {
        if (MedicationResolver.Find(reference, contained, data)?.Ingredient is not [{ Strength: { } ratio }])
        {
            return null;
        }

        var numerator = ratio.Numerator;
        var denominator = ratio.Denominator;
        if (numerator?.Value is not { } mg || !string.Equals(numerator.Code ?? numerator.Unit, "mg", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var per = denominator?.Value ?? 1m;
        var perUnit = (denominator?.Code ?? denominator?.Unit ?? "").ToUpperInvariant();
        return per switch
        {
            1m when perUnit is "ML" => new Strength(mg, PerMilliliter: true),
            1m when perUnit is "" or "TAB" or "TABLET" or "{TBL}" or "CAPSULE" or "{CAPSULE}" or "1" => new Strength(mg, PerMilliliter: false),
            _ => null,
        };
    }

    private static LabFact?[] LatestLabs(IReadOnlyList<Observation> observations, CardCatalog catalog, DateTimeOffset now, int currentDays)
    {
        var latest = new LabFact?[AnalyteCount];
        for (var i = 0; i < observations.Count; i++)
        {
            var observation = observations[i];
            if (observation.Status is null || !UsableLabStatuses.Contains(observation.Status))
            {
                continue;
            }

            // Most observations are of no analyte we read: their dates are not even parsed.
            DateTimeOffset? date = null;
            var dated = false;
            if (catalog.Labs.AnalyteOf(observation.Code) is { } analyte)
            {
                date = Date(observation);
                dated = true;
                Offer(latest, analyte, observation.ValueQuantity, observation.ReferenceRange, observation.Interpretation, date, now, currentDays, catalog);
            }

            // eGFR is sometimes reported as a component of a panel (the R4 example f205 does so).
            foreach (var component in observation.Component ?? [])
            {
                if (catalog.Labs.AnalyteOf(component.Code) is { } componentAnalyte)
                {
                    date = dated ? date : Date(observation);
                    dated = true;
                    Offer(latest, componentAnalyte, component.ValueQuantity, component.ReferenceRange, component.Interpretation, date, now, currentDays, catalog);
                }
            }
        }

        return latest;
    }

    private static DateTimeOffset? Date(Observation observation) =>
        FhirDates.Earliest(observation.EffectiveDateTime ?? observation.EffectiveInstant ?? observation.EffectivePeriod?.End ?? observation.EffectivePeriod?.Start ?? observation.Issued);

    /// <summary>Keeps the result when it is the newest usable one of its analyte; only then is its fact built.</summary>
    private static void Offer(
        LabFact?[] latest,
        Analyte analyte,
        Quantity? quantity,
        ObservationReferenceRange[]? ranges,
        CodeableConcept[]? interpretation,
        DateTimeOffset? date,
        DateTimeOffset now,
        int currentDays,
        CardCatalog catalog)
    {
        // A negative result is a data error; a result dated ahead of now cannot be the latest one.
        if (quantity?.Value is not { } value || value < 0 || date > now.AddDays(1))
        {
            return;
        }

        if (latest[(int)analyte] is { } existing && (date ?? DateTimeOffset.MinValue) <= (existing.Date ?? DateTimeOffset.MinValue))
        {
            return;
        }

        var unit = LabUnits.Parse(quantity.Code ?? quantity.Unit);
        if (unit == LabUnit.Unknown)
        {
            unit = LabUnits.Parse(quantity.Unit);
        }

        latest[(int)analyte] = new LabFact
        {
            Analyte = analyte,
            Value = value,
            Comparator = quantity.Comparator,
            Unit = unit,
            UnitText = quantity.Unit ?? quantity.Code ?? "",
            Canonical = LabUnits.ToCanonical(analyte, value, unit),
            Date = date,
            IsCurrent = date is { } d && d <= now.AddDays(1) && d >= now.AddDays(-currentDays),
            ReferenceRange = DescribeRange(ranges, catalog),
            Interpretation = FirstCode(interpretation),
        };
    }

    private static string? FirstCode(CodeableConcept[]? concepts)
    {
        foreach (var concept in concepts ?? [])
        {
            foreach (var coding in concept.Coding ?? [])
            {
                if (coding.Code is { } code)
                {
                    return code;
                }
            }
        }

        return null;
    }

    private static string? DescribeRange(ObservationReferenceRange[]? ranges, CardCatalog catalog)
    {
        if (ranges is not [var range, ..])
        {
            return null;
        }

        if (range.Text is { Length: > 0 } text)
        {
            return text;
        }

        var wording = catalog.Facts.ValueWording;
        var low = range.Low?.Value is { } l ? NumberText.ThreeDecimals(l) : null;
        var high = range.High?.Value is { } h ? NumberText.ThreeDecimals(h) : null;
        var unit = range.Low?.Unit ?? range.High?.Unit ?? "";
        return (low, high) switch
        {
            (not null, not null) => CardRenderer.FillValues(wording.RangeBetween, catalog.Globals, ("low", low), ("high", high), ("unit", unit)).Trim(),
            (not null, null) => CardRenderer.FillValues(wording.RangeFrom, catalog.Globals, ("low", low), ("unit", unit)).Trim(),
            (null, not null) => CardRenderer.FillValues(wording.RangeTo, catalog.Globals, ("high", high), ("unit", unit)).Trim(),
            _ => null,
        };
    }

    private static RenalFact Renal(LabFact?[] labs, PatientData data, CardCatalog catalog, int? age, string? sex, DateTimeOffset now)
    {
        var settings = catalog.Facts;
        var conditions = catalog.Conditions;
        var coded = RenalStatus.Unknown;
        string? codedBasis = null;
        var listed = data.Conditions;
        for (var i = 0; i < listed.Count; i++)
        {
            var condition = listed[i];
            if (!ConditionFacts.IsActive(condition))
            {
                continue;
            }

            var severe = conditions.MatchesCode(condition.Code, ConceptIds.CkdSevere) ? ConceptIds.CkdSevere
                : conditions.MatchesCode(condition.Code, ConceptIds.Dialysis) ? ConceptIds.Dialysis
                : null;
            if (severe is not null)
            {
                coded = RenalStatus.Severe;
                codedBasis = ConditionName(condition, conditions, severe);
                break;
            }

            if (coded < RenalStatus.Moderate && conditions.MatchesCode(condition.Code, ConceptIds.CkdStage3))
            {
                coded = RenalStatus.Moderate;
                codedBasis = ConditionName(condition, conditions, ConceptIds.CkdStage3);
            }
        }

        var egfr = RecentEgfr(labs, age, sex, now, settings);
        var measured = egfr is not { Canonical: { } v } ? RenalStatus.Unknown
            : egfr.CompareWith(v, settings.EgfrSevereBelow) < 0 ? RenalStatus.Severe
            : egfr.CompareWith(v, settings.EgfrModerateBelow) < 0 ? RenalStatus.Moderate
            : RenalStatus.Normal;

        var wording = settings.RenalBasis;
        var globals = catalog.Globals;
        if (coded >= measured && coded != RenalStatus.Unknown)
        {
            return new RenalFact(coded, CardRenderer.FillValues(wording.Coded, globals, ("condition", codedBasis!)), egfr);
        }

        if (measured == RenalStatus.Unknown)
        {
            return new RenalFact(RenalStatus.Unknown, UnknownBasis(labs, catalog), egfr);
        }

        var basis = CardRenderer.FillValues(egfr!.Computed ? wording.Computed : wording.Measured, globals, ("analyte", catalog.Labs.Display(Analyte.Egfr)), ("result", egfr.Describe(catalog)));
        return new RenalFact(measured, basis, egfr);
    }

    /// <summary>
    /// The most recent kidney estimate within the look-back: a reported eGFR, or CKD-EPI 2021 from a creatinine,
    /// whichever is newer (a newer creatinine outranks an older eGFR). Sex unknown: the lower of the two estimates.
    /// </summary>
    private static LabFact? RecentEgfr(LabFact?[] labs, int? age, string? sex, DateTimeOffset now, FactsSettings settings)
    {
        var since = now.AddDays(-settings.RenalLookbackDays);
        var reported = labs[(int)Analyte.Egfr] is { Canonical: not null } egfr && egfr.Date >= since ? egfr : null;
        var creatinine = labs[(int)Analyte.Creatinine] is { Canonical: > 0 } usable && usable.Date >= since && age >= 18 ? usable : null;

        // The estimate is computed only when it can count: no reported eGFR, or a newer creatinine.
        return creatinine is not null && (reported is null || creatinine.Date > reported.Date)
            ? Computed(creatinine, age!.Value, sex)
            : reported;
    }

    private static LabFact Computed(LabFact creatinine, int age, string? sex)
    {
        var value = sex switch
        {
            "female" => Egfr.CkdEpi2021(creatinine.Canonical!.Value, age, female: true),
            "male" => Egfr.CkdEpi2021(creatinine.Canonical!.Value, age, female: false),
            _ => Math.Min(Egfr.CkdEpi2021(creatinine.Canonical!.Value, age, female: true), Egfr.CkdEpi2021(creatinine.Canonical.Value, age, female: false)),
        };
        return new LabFact
        {
            Analyte = Analyte.Egfr,
            Value = value,
            Comparator = creatinine.Comparator switch { "<" or "<=" => ">", ">" or ">=" => "<", _ => null },
            Unit = LabUnit.MlPerMinPer173M2,
            UnitText = LabUnits.Display(LabUnit.MlPerMinPer173M2),
            Canonical = value,
            Date = creatinine.Date,
            IsCurrent = creatinine.IsCurrent,
            Computed = true,
        };
    }

    private static string UnknownBasis(LabFact?[] labs, CardCatalog catalog)
    {
        var wording = catalog.Facts.RenalBasis;
        var unusable = new List<string>(2);
        foreach (var analyte in (ReadOnlySpan<Analyte>)[Analyte.Egfr, Analyte.Creatinine])
        {
            if (labs[(int)analyte] is { } lab)
            {
                unusable.Add(CardRenderer.FillValues(wording.Measured, catalog.Globals, ("analyte", catalog.Labs.Display(analyte)), ("result", lab.Describe(catalog))));
            }
        }

        return unusable.Count == 0
            ? CardRenderer.FillValues(wording.None, catalog.Globals)
            : CardRenderer.FillValues(wording.Unusable, catalog.Globals, ("latest", string.Join("; ", unusable)));
    }

    /// <summary>The condition as the record names it; else the concept it was matched to, as cds-cards names it.</summary>
    private static string ConditionName(Condition condition, ConditionTerminology conditions, string conceptId)
    {
        if (condition.Code?.Text is { Length: > 0 } text)
        {
            return text;
        }

        foreach (var coding in condition.Code?.Coding ?? [])
        {
            if (coding.Display is { Length: > 0 } display)
            {
                return display;
            }
        }

        return conditions.Concepts[conceptId].Display;
    }
}
