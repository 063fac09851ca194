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
    private static readonly HashSet<string> UsableLabStatuses = new(StringComparer.Ordinal) { "final", "amended", "corrected" };

    public static ClinicalFacts Build(HookRequest request, PatientData data, CardCatalog catalog, DateTimeOffset now, bool requireCrampContext = true)
    {
        var settings = catalog.Facts;
        var age = FhirDates.AgeInYears(data.Patient?.BirthDate, now);
        var sex = data.Patient?.Gender;

        var judged = new List<MedicationFact>();
        foreach (var order in HookEvaluator.JudgedMedicationOrders(request))
        {
            judged.Add(Medication(order, order.MedicationCodeableConcept, order.MedicationReference, order.Contained, order.DosageInstruction, Reasons(order), isDraft: true, data, catalog));
        }

        var active = new List<MedicationFact>();
        foreach (var order in data.MedicationRequests)
        {
            if (order.Status is "active" or "on-hold" && order.Intent is not ("proposal" or "plan"))
            {
                active.Add(Medication(order, order.MedicationCodeableConcept, order.MedicationReference, order.Contained, order.DosageInstruction, Reasons(order), isDraft: false, data, catalog));
            }
        }

        foreach (var statement in data.MedicationStatements)
        {
            if (statement.Status is "active" or "on-hold")
            {
                active.Add(Medication(statement, statement.MedicationCodeableConcept, statement.MedicationReference, statement.Contained, statement.Dosage, statement.ReasonCode ?? [], isDraft: false, data, catalog));
            }
        }

        var conditions = catalog.Conditions;
        bool Has(string conceptId) => data.Conditions.Any(c => ConditionFacts.IsActive(c) && conditions.MatchesCode(c.Code, conceptId));
        var crampCoded = Has(ConceptIds.Cramp);
        var crampReason = request.Context.DraftOrders.OfType<MedicationRequest>().Any(d => Reasons(d).Any(r => conditions.MatchesCodeOrText(r, ConceptIds.Cramp)));
        var crampContext = crampCoded || crampReason || (request.Hook == HookNames.PatientView && !requireCrampContext);

        var labs = LatestLabs(data.Observations, catalog, now, settings.CurrentLabDays);
        var renal = Renal(labs, data, conditions, age, sex, now, settings);
        if (renal.Egfr is { } egfr && !labs.ContainsKey(Analyte.Egfr))
        {
            labs[Analyte.Egfr] = egfr;
        }

        return new ClinicalFacts
        {
            Now = now,
            AgeYears = age,
            Sex = sex,
            IsAdult = age is null || age >= settings.AdultAgeYears,
            IsOlderAdult = age >= settings.OlderAdultAgeYears,
            CrampContext = crampContext,
            ActiveMedications = active,
            JudgedOrders = judged,
            LatestLabs = labs,
            Renal = renal,
            Cirrhosis = Has(ConceptIds.Cirrhosis),
            HepaticEncephalopathy = Has(ConceptIds.HepaticEncephalopathy),
            Dialysis = Has(ConceptIds.Dialysis),
            Malaria = Has(ConceptIds.Malaria),
        };
    }

    public static IReadOnlyList<CodeableConcept> Reasons(MedicationRequest order) =>
        order.ReasonCodeableConcept is { } dstu2 ? [.. order.ReasonCode ?? [], dstu2] : order.ReasonCode ?? [];

    private static MedicationFact Medication(
        Resource source,
        CodeableConcept? concept,
        ResourceReference? reference,
        IReadOnlyList<Resource>? contained,
        IReadOnlyList<Dosage>? dosages,
        IReadOnlyList<CodeableConcept> reasons,
        bool isDraft,
        PatientData data,
        CardCatalog catalog)
    {
        var descriptions = source switch
        {
            MedicationRequest r => MedicationResolver.Describe(r, data),
            MedicationStatement s => MedicationResolver.Describe(s, data),
            _ => concept is null ? [] : [concept],
        };
        var name = MedicationNames.Display(descriptions);
        var drugs = catalog.Drugs;

        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dosage in dosages ?? [])
        {
            drugs.CollectRoutes(dosage.Route?.Text, routes);
            foreach (var coding in dosage.Route?.Coding ?? [])
            {
                drugs.CollectRoutes(coding.Display, routes);
            }
        }

        if (routes.Count == 0)
        {
            foreach (var description in descriptions)
            {
                drugs.CollectRoutes(description.Text, routes);
                foreach (var coding in description.Coding ?? [])
                {
                    drugs.CollectRoutes(coding.Display, routes);
                }
            }
        }

        var allNames = string.Join(" | ", descriptions.SelectMany(d => (d.Coding ?? []).Select(c => c.Display).Append(d.Text)).Where(n => n is not null));
        var conceptIds = new HashSet<string>(StringComparer.Ordinal);
        drugs.Collect(descriptions, routes, allNames, conceptIds);
        var classes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in conceptIds)
        {
            classes.UnionWith(drugs.Concepts[id].Classes);
        }

        var strength = drugs.ProductStrength(descriptions) ?? MedicationStrength(reference, contained, data) ?? NameStrength(descriptions);
        return new MedicationFact
        {
            Source = source,
            IsDraft = isDraft,
            Name = name,
            ConceptIds = conceptIds,
            Classes = classes,
            Routes = routes,
            Dose = DoseCalculator.Compute(dosages, strength),
            Reasons = reasons,
        };
    }

    private static Strength? NameStrength(IReadOnlyList<CodeableConcept> descriptions)
    {
        foreach (var description in descriptions)
        {
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
        var medication = reference?.Reference is { } value
            ? value.StartsWith('#')
                ? contained?.OfType<Medication>().FirstOrDefault(m => value.AsSpan(1).SequenceEqual(m.Id))
                : data.Medications.GetValueOrDefault(MedicationResolver.RelativeReference(value) ?? value)
            : null;
        if (medication?.Ingredient is not [{ Strength: { } ratio }])
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

    private static Dictionary<Analyte, LabFact> LatestLabs(IReadOnlyList<Observation> observations, CardCatalog catalog, DateTimeOffset now, int currentDays)
    {
        var latest = new Dictionary<Analyte, LabFact>();
        foreach (var observation in observations)
        {
            if (observation.Status is null || !UsableLabStatuses.Contains(observation.Status))
            {
                continue;
            }

            var date = FhirDates.Earliest(observation.EffectiveDateTime ?? observation.EffectiveInstant ?? observation.EffectivePeriod?.End ?? observation.EffectivePeriod?.Start ?? observation.Issued);
            if (catalog.Labs.AnalyteOf(observation.Code) is { } analyte)
            {
                Offer(latest, Lab(analyte, observation.ValueQuantity, observation.ReferenceRange, observation.Interpretation, date, now, currentDays));
            }

            // eGFR is sometimes reported as a component of a panel (the R4 example f205 does so).
            foreach (var component in observation.Component ?? [])
            {
                if (catalog.Labs.AnalyteOf(component.Code) is { } componentAnalyte)
                {
                    Offer(latest, Lab(componentAnalyte, component.ValueQuantity, component.ReferenceRange, component.Interpretation, date, now, currentDays));
                }
            }
        }

        return latest;
    }

    private static void Offer(Dictionary<Analyte, LabFact> latest, LabFact? lab)
    {
        if (lab is null)
        {
            return;
        }

        if (!latest.TryGetValue(lab.Analyte, out var existing) || (lab.Date ?? DateTimeOffset.MinValue) > (existing.Date ?? DateTimeOffset.MinValue))
        {
            latest[lab.Analyte] = lab;
        }
    }

    private static LabFact? Lab(
        Analyte analyte,
        Quantity? quantity,
        IReadOnlyList<ObservationReferenceRange>? ranges,
        IReadOnlyList<CodeableConcept>? interpretation,
        DateTimeOffset? date,
        DateTimeOffset now,
        int currentDays)
    {
        if (quantity?.Value is not { } value)
        {
            return null;
        }

        var unit = LabUnits.Parse(quantity.Code ?? quantity.Unit);
        if (unit == LabUnit.Unknown)
        {
            unit = LabUnits.Parse(quantity.Unit);
        }

        return new LabFact
        {
            Analyte = analyte,
            Value = value,
            Comparator = quantity.Comparator,
            Unit = unit,
            UnitText = quantity.Unit ?? quantity.Code ?? "",
            Canonical = LabUnits.ToCanonical(analyte, value, unit),
            Date = date,
            IsCurrent = date is { } d && d <= now.AddDays(1) && d >= now.AddDays(-currentDays),
            ReferenceRange = DescribeRange(ranges),
            Interpretation = interpretation?.SelectMany(i => i.Coding ?? []).Select(c => c.Code).FirstOrDefault(c => c is not null),
        };
    }

    private static string? DescribeRange(IReadOnlyList<ObservationReferenceRange>? ranges)
    {
        if (ranges is not [var range, ..])
        {
            return null;
        }

        if (range.Text is { Length: > 0 } text)
        {
            return text;
        }

        var low = range.Low?.Value?.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var high = range.High?.Value?.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var unit = range.Low?.Unit ?? range.High?.Unit ?? "";
        return (low, high) switch
        {
            (not null, not null) => $"{low}-{high} {unit}".Trim(),
            (not null, null) => $">= {low} {unit}".Trim(),
            (null, not null) => $"<= {high} {unit}".Trim(),
            _ => null,
        };
    }

    private static RenalFact Renal(
        Dictionary<Analyte, LabFact> labs,
        PatientData data,
        ConditionTerminology conditions,
        int? age,
        string? sex,
        DateTimeOffset now,
        FactsSettings settings)
    {
        var coded = RenalStatus.Unknown;
        string? codedBasis = null;
        foreach (var condition in data.Conditions)
        {
            if (!ConditionFacts.IsActive(condition))
            {
                continue;
            }

            if (conditions.MatchesCode(condition.Code, ConceptIds.CkdSevere) || conditions.MatchesCode(condition.Code, ConceptIds.Dialysis))
            {
                coded = RenalStatus.Severe;
                codedBasis = ConditionName(condition);
                break;
            }

            if (coded < RenalStatus.Moderate && conditions.MatchesCode(condition.Code, ConceptIds.CkdStage3))
            {
                coded = RenalStatus.Moderate;
                codedBasis = ConditionName(condition);
            }
        }

        var egfr = RecentEgfr(labs, age, sex, now, settings);
        var measured = egfr?.Canonical switch
        {
            null => RenalStatus.Unknown,
            < 0 => RenalStatus.Unknown,
            var v when v < settings.EgfrSevereBelow => RenalStatus.Severe,
            var v when v < settings.EgfrModerateBelow => RenalStatus.Moderate,
            _ => RenalStatus.Normal,
        };

        if (coded >= measured && coded != RenalStatus.Unknown)
        {
            return new RenalFact(coded, $"{codedBasis} (coded)", egfr);
        }

        return measured == RenalStatus.Unknown
            ? new RenalFact(RenalStatus.Unknown, "no eGFR or creatinine in the last " + settings.RenalLookbackDays + " days and no CKD stage coded", egfr)
            : new RenalFact(measured, $"eGFR {egfr!.Describe()}{(egfr.Computed ? ", CKD-EPI 2021 from creatinine" : "")}", egfr);
    }

    private static LabFact? RecentEgfr(Dictionary<Analyte, LabFact> labs, int? age, string? sex, DateTimeOffset now, FactsSettings settings)
    {
        var since = now.AddDays(-settings.RenalLookbackDays);
        if (labs.TryGetValue(Analyte.Egfr, out var reported) && reported.Canonical is not null && reported.Date >= since)
        {
            return reported;
        }

        if (labs.TryGetValue(Analyte.Creatinine, out var creatinine) && creatinine.Canonical is > 0 && creatinine.Date >= since
            && age is >= 18 && sex is "male" or "female")
        {
            var computed = Egfr.CkdEpi2021(creatinine.Canonical.Value, age.Value, sex == "female");
            return new LabFact
            {
                Analyte = Analyte.Egfr,
                Value = computed,
                Unit = LabUnit.MlPerMinPer173M2,
                UnitText = LabUnits.Display(LabUnit.MlPerMinPer173M2),
                Canonical = computed,
                Date = creatinine.Date,
                IsCurrent = creatinine.IsCurrent,
                Computed = true,
            };
        }

        return null;
    }

    private static string ConditionName(Condition condition) =>
        condition.Code?.Text ?? condition.Code?.Coding?.FirstOrDefault(c => c.Display is not null)?.Display ?? "a coded kidney condition";
}
