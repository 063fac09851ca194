using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CrampCds.Core.Terminology;

namespace CrampCds.Core.Fhir;

/// <summary>
/// Maps an already-parsed <see cref="JsonElement"/> onto the lean read model, so a hook request's prefetch and draft
/// orders are read from the request's own document instead of being tokenized a second time. Hand-written (no
/// serializer metadata, no per-object read state): one local per property, one allocation per record.
/// </summary>
/// <remarks>The leniency rules are those documented on <see cref="FhirJson"/>; a failure is a <see cref="FhirReadException"/>
/// naming the element at fault, which <see cref="FhirJson"/> turns into a path and a line.</remarks>
internal static class FhirElementReader
{
    // Values shared by most resources, returned as one instance each (see Known).
    private static readonly (byte[] Utf8, string Text)[] KnownValues =
    [
        .. new[]
        {
            CodeSystems.Loinc, CodeSystems.Snomed, CodeSystems.RxNorm, CodeSystems.Ucum,
            CodeSystems.Icd10Cm, "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "http://terminology.hl7.org/CodeSystem/condition-ver-status", "http://terminology.hl7.org/CodeSystem/observation-category",
            "http://terminology.hl7.org/CodeSystem/condition-category", "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
            "active", "final", "draft", "completed", "stopped", "amended", "preliminary", "corrected", "cancelled", "on-hold",
            "entered-in-error", "unknown", "resolved", "inactive", "confirmed", "order", "plan", "proposal", "male", "female",
            "mg", "mmol/L", "mEq/L", "mg/dL", "umol/L", "mL/min/{1.73_m2}", "mL/min/1.73m2", "kg", "d", "h", "wk", "{pill}", "{tbl}",
        }.Select(text => (Encoding.UTF8.GetBytes(text), text)),
    ];

    public static Resource ReadResource(JsonElement e) => ReadResource(e, FhirReadOptions.Full);

    public static Resource ReadResource(JsonElement e, FhirReadOptions options)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FhirReadException(e, $"Expected a FHIR resource (a JSON object) but found {Describe(e.ValueKind)}.");
        }

        // The first resourceType counts, wherever it sits in the object.
        foreach (var p in e.EnumerateObject())
        {
            if (!Name(p).SequenceEqual("resourceType"u8))
            {
                continue;
            }

            var type = p.Value;
            if (type.ValueKind != JsonValueKind.String)
            {
                throw new FhirReadException(type, $"resourceType must be a string, not {Describe(type.ValueKind)}.");
            }

            if (type.ValueEquals("Observation"u8))
            {
                if (options.ReadsObservation is not { } reads)
                {
                    return ReadObservation(e, null);
                }

                return Reads(e, reads, out var code) ? ReadObservation(e, code) : ReadObservationCode(e, code);
            }

            if (type.ValueEquals("MedicationRequest"u8))
            {
                return ReadMedicationRequest(e, "MedicationRequest");
            }

            if (type.ValueEquals("Condition"u8))
            {
                return ReadCondition(e);
            }

            if (type.ValueEquals("Bundle"u8))
            {
                return ReadBundle(e, options);
            }

            if (type.ValueEquals("Patient"u8))
            {
                return ReadPatient(e);
            }

            if (type.ValueEquals("MedicationStatement"u8))
            {
                return ReadMedicationStatement(e);
            }

            if (type.ValueEquals("Medication"u8))
            {
                return ReadMedication(e);
            }

            if (type.ValueEquals("MedicationOrder"u8))
            {
                // DSTU2: patient, dateWritten, reasonCodeableConcept and dosage-level doseQuantity have their own properties.
                return ReadMedicationRequest(e, "MedicationOrder");
            }

            if (type.ValueEquals("ServiceRequest"u8))
            {
                return ReadServiceRequest(e);
            }

            if (type.ValueEquals("OperationOutcome"u8))
            {
                return ReadOperationOutcome(e);
            }

            return ReadOther(e, String(type));
        }

        throw new FhirReadException(e, "The resource has no resourceType.");
    }

    private static OtherResource ReadOther(JsonElement e, string? resourceType)
    {
        if (string.IsNullOrWhiteSpace(resourceType))
        {
            throw new FhirReadException(e, "resourceType is empty.");
        }

        // Only the type and id of an unmodelled resource are kept; its body is not read.
        string? id = null;
        foreach (var p in e.EnumerateObject())
        {
            if (Name(p).SequenceEqual("id"u8) && p.Value.ValueKind == JsonValueKind.String)
            {
                id = String(p.Value);
            }
        }

        return new OtherResource { ResourceType = resourceType, Id = id };
    }

    private static Patient ReadPatient(JsonElement e)
    {
        string? id = null, gender = null, birthDate = null, deceasedDateTime = null;
        Resource[]? contained = null;
        bool? active = null, deceasedBoolean = null;
        HumanName[]? names = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("id"u8)) id = String(v);
            else if (name.SequenceEqual("contained"u8)) contained = List(v, ReadResource);
            else if (name.SequenceEqual("active"u8)) active = Boolean(v);
            else if (name.SequenceEqual("name"u8)) names = List(v, ReadHumanName);
            else if (name.SequenceEqual("gender"u8)) gender = Known(v);
            else if (name.SequenceEqual("birthDate"u8)) birthDate = String(v);
            else if (name.SequenceEqual("deceasedBoolean"u8)) deceasedBoolean = Boolean(v);
            else if (name.SequenceEqual("deceasedDateTime"u8)) deceasedDateTime = String(v);
        }

        return new Patient
        {
            Id = id, Contained = contained, Active = active, Name = names, Gender = gender, BirthDate = birthDate,
            DeceasedBoolean = deceasedBoolean, DeceasedDateTime = deceasedDateTime,
        };
    }

    private static MedicationRequest ReadMedicationRequest(JsonElement e, string sourceType)
    {
        string? id = null, status = null, intent = null, authoredOn = null, dateWritten = null;
        Resource[]? contained = null;
        CodeableConcept[]? category = null, reasonCode = null;
        CodeableConcept? medication = null, reasonConcept = null;
        ResourceReference? medicationReference = null, subject = null, patient = null;
        Dosage[]? dosage = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("id"u8)) id = String(v);
            else if (name.SequenceEqual("status"u8)) status = Known(v);
            else if (name.SequenceEqual("intent"u8)) intent = Known(v);
            else if (name.SequenceEqual("medicationCodeableConcept"u8)) medication = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("dosageInstruction"u8)) dosage = List(v, ReadDosage);
            else if (name.SequenceEqual("subject"u8)) subject = Object(v, ReadReference);
            else if (name.SequenceEqual("medicationReference"u8)) medicationReference = Object(v, ReadReference);
            else if (name.SequenceEqual("authoredOn"u8)) authoredOn = String(v);
            else if (name.SequenceEqual("category"u8)) category = List(v, ReadCodeableConcept);
            else if (name.SequenceEqual("reasonCode"u8)) reasonCode = List(v, ReadCodeableConcept);
            else if (name.SequenceEqual("contained"u8)) contained = List(v, ReadResource);
            else if (name.SequenceEqual("patient"u8)) patient = Object(v, ReadReference);
            else if (name.SequenceEqual("dateWritten"u8)) dateWritten = String(v);
            else if (name.SequenceEqual("reasonCodeableConcept"u8)) reasonConcept = Object(v, ReadCodeableConcept);
        }

        return new MedicationRequest
        {
            SourceType = sourceType, Id = id, Contained = contained, Status = status, Intent = intent, Category = category,
            MedicationCodeableConcept = medication, MedicationReference = medicationReference, Subject = subject,
            Patient = patient, AuthoredOn = authoredOn, DateWritten = dateWritten, ReasonCode = reasonCode,
            ReasonCodeableConcept = reasonConcept, DosageInstruction = dosage,
        };
    }

    private static MedicationStatement ReadMedicationStatement(JsonElement e)
    {
        string? id = null, status = null, effectiveDateTime = null, dateAsserted = null;
        Resource[]? contained = null;
        CodeableConcept[]? category = null, reasonCode = null;
        CodeableConcept? medication = null;
        ResourceReference? medicationReference = null, subject = null;
        Period? effectivePeriod = null;
        Dosage[]? dosage = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("id"u8)) id = String(v);
            else if (name.SequenceEqual("status"u8)) status = Known(v);
            else if (name.SequenceEqual("medicationCodeableConcept"u8)) medication = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("medicationReference"u8)) medicationReference = Object(v, ReadReference);
            else if (name.SequenceEqual("subject"u8)) subject = Object(v, ReadReference);
            else if (name.SequenceEqual("effectiveDateTime"u8)) effectiveDateTime = String(v);
            else if (name.SequenceEqual("effectivePeriod"u8)) effectivePeriod = Object(v, ReadPeriod);
            else if (name.SequenceEqual("dateAsserted"u8)) dateAsserted = String(v);
            else if (name.SequenceEqual("dosage"u8)) dosage = List(v, ReadDosage);
            else if (name.SequenceEqual("category"u8)) category = List(v, ReadCodeableConcept);
            else if (name.SequenceEqual("reasonCode"u8)) reasonCode = List(v, ReadCodeableConcept);
            else if (name.SequenceEqual("contained"u8)) contained = List(v, ReadResource);
        }

        return new MedicationStatement
        {
            Id = id, Contained = contained, Status = status, Category = category, MedicationCodeableConcept = medication,
            MedicationReference = medicationReference, Subject = subject, EffectiveDateTime = effectiveDateTime,
            EffectivePeriod = effectivePeriod, DateAsserted = dateAsserted, ReasonCode = reasonCode, Dosage = dosage,
        };
    }

    private static Medication ReadMedication(JsonElement e)
    {
        string? id = null, status = null;
        Resource[]? contained = null;
        CodeableConcept? code = null, form = null;
        MedicationIngredient[]? ingredient = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("id"u8)) id = String(v);
            else if (name.SequenceEqual("code"u8)) code = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("status"u8)) status = Known(v);
            else if (name.SequenceEqual("form"u8)) form = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("ingredient"u8)) ingredient = List(v, ReadIngredient);
            else if (name.SequenceEqual("contained"u8)) contained = List(v, ReadResource);
        }

        return new Medication { Id = id, Contained = contained, Code = code, Status = status, Form = form, Ingredient = ingredient };
    }

    private static MedicationIngredient ReadIngredient(JsonElement e)
    {
        CodeableConcept? item = null;
        ResourceReference? itemReference = null;
        bool? isActive = null;
        Ratio? strength = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("itemCodeableConcept"u8)) item = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("itemReference"u8)) itemReference = Object(v, ReadReference);
            else if (name.SequenceEqual("isActive"u8)) isActive = Boolean(v);
            else if (name.SequenceEqual("strength"u8)) strength = Object(v, ReadRatio);
        }

        return new MedicationIngredient { ItemCodeableConcept = item, ItemReference = itemReference, IsActive = isActive, Strength = strength };
    }

    /// <param name="code">The code when it was read already (to decide whether to read the rest).</param>
    private static Observation ReadObservation(JsonElement e, CodeableConcept? code)
    {
        var codeRead = code is not null;
        string? id = null, status = null, effectiveDateTime = null, effectiveInstant = null, issued = null, valueString = null;
        Resource[]? contained = null;
        CodeableConcept[]? category = null, interpretation = null;
        CodeableConcept? valueConcept = null, dataAbsentReason = null;
        ResourceReference? subject = null;
        Period? effectivePeriod = null;
        Quantity? valueQuantity = null;
        ObservationReferenceRange[]? referenceRange = null;
        ObservationComponent[]? component = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("id"u8)) id = String(v);
            else if (name.SequenceEqual("status"u8)) status = Known(v);
            else if (name.SequenceEqual("code"u8) && !codeRead) code = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("valueQuantity"u8)) valueQuantity = Object(v, ReadQuantity);
            else if (name.SequenceEqual("effectiveDateTime"u8)) effectiveDateTime = String(v);
            else if (name.SequenceEqual("category"u8)) category = List(v, ReadCodeableConcept);
            else if (name.SequenceEqual("subject"u8)) subject = Object(v, ReadReference);
            else if (name.SequenceEqual("issued"u8)) issued = String(v);
            else if (name.SequenceEqual("referenceRange"u8)) referenceRange = List(v, ReadReferenceRange);
            else if (name.SequenceEqual("interpretation"u8)) interpretation = List(v, ReadCodeableConcept);
            else if (name.SequenceEqual("component"u8)) component = List(v, ReadComponent);
            else if (name.SequenceEqual("effectivePeriod"u8)) effectivePeriod = Object(v, ReadPeriod);
            else if (name.SequenceEqual("effectiveInstant"u8)) effectiveInstant = String(v);
            else if (name.SequenceEqual("valueString"u8)) valueString = String(v);
            else if (name.SequenceEqual("valueCodeableConcept"u8)) valueConcept = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("dataAbsentReason"u8)) dataAbsentReason = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("contained"u8)) contained = List(v, ReadResource);
        }

        return new Observation
        {
            Id = id, Contained = contained, Status = status, Category = category, Code = code, Subject = subject,
            EffectiveDateTime = effectiveDateTime, EffectivePeriod = effectivePeriod, EffectiveInstant = effectiveInstant,
            Issued = issued, ValueQuantity = valueQuantity, ValueString = valueString, ValueCodeableConcept = valueConcept,
            DataAbsentReason = dataAbsentReason, Interpretation = interpretation, ReferenceRange = referenceRange,
            Component = component,
        };
    }

    /// <summary>Whether the rules read this Observation: its code, or a component's (eGFR may come inside a panel).</summary>
    private static bool Reads(JsonElement e, Func<CodeableConcept, bool> reads, out CodeableConcept? code)
    {
        code = e.TryGetProperty("code"u8, out var element) ? Object(element, ReadCodeableConcept) : null;
        if (code is not null && reads(code))
        {
            return true;
        }

        if (!e.TryGetProperty("component"u8, out var components))
        {
            return false;
        }

        // A single component where the array belongs counts as a one-element array, as the full read takes it.
        if (components.ValueKind == JsonValueKind.Object)
        {
            return ComponentRead(components, reads);
        }

        if (components.ValueKind == JsonValueKind.Array)
        {
            foreach (var component in components.EnumerateArray())
            {
                if (ComponentRead(component, reads))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool ComponentRead(JsonElement component, Func<CodeableConcept, bool> reads) =>
        component.ValueKind == JsonValueKind.Object && component.TryGetProperty("code"u8, out var code)
        && code.ValueKind == JsonValueKind.Object && reads(ReadCodeableConcept(code));

    /// <summary>An Observation no rule reads: its id, status and code alone.</summary>
    private static Observation ReadObservationCode(JsonElement e, CodeableConcept? code)
    {
        string? id = null, status = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            if (name.SequenceEqual("id"u8)) id = String(p.Value);
            else if (name.SequenceEqual("status"u8)) status = Known(p.Value);
        }

        return new Observation { Id = id, Status = status, Code = code };
    }

    private static ObservationReferenceRange ReadReferenceRange(JsonElement e)
    {
        Quantity? low = null, high = null;
        CodeableConcept? type = null;
        string? text = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("low"u8)) low = Object(v, ReadQuantity);
            else if (name.SequenceEqual("high"u8)) high = Object(v, ReadQuantity);
            else if (name.SequenceEqual("type"u8)) type = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("text"u8)) text = String(v);
        }

        return new ObservationReferenceRange { Low = low, High = high, Type = type, Text = text };
    }

    private static ObservationComponent ReadComponent(JsonElement e)
    {
        CodeableConcept? code = null, valueConcept = null;
        Quantity? valueQuantity = null;
        string? valueString = null;
        CodeableConcept[]? interpretation = null;
        ObservationReferenceRange[]? referenceRange = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("code"u8)) code = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("valueQuantity"u8)) valueQuantity = Object(v, ReadQuantity);
            else if (name.SequenceEqual("valueString"u8)) valueString = String(v);
            else if (name.SequenceEqual("valueCodeableConcept"u8)) valueConcept = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("interpretation"u8)) interpretation = List(v, ReadCodeableConcept);
            else if (name.SequenceEqual("referenceRange"u8)) referenceRange = List(v, ReadReferenceRange);
        }

        return new ObservationComponent
        {
            Code = code, ValueQuantity = valueQuantity, ValueString = valueString, ValueCodeableConcept = valueConcept,
            Interpretation = interpretation, ReferenceRange = referenceRange,
        };
    }

    private static Condition ReadCondition(JsonElement e)
    {
        string? id = null, onset = null, abatement = null, recordedDate = null;
        Resource[]? contained = null;
        CodeableConcept? clinicalStatus = null, verificationStatus = null, code = null;
        CodeableConcept[]? category = null;
        ResourceReference? subject = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("id"u8)) id = String(v);
            else if (name.SequenceEqual("clinicalStatus"u8)) clinicalStatus = CodeOrConcept(v);
            else if (name.SequenceEqual("verificationStatus"u8)) verificationStatus = CodeOrConcept(v);
            else if (name.SequenceEqual("code"u8)) code = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("category"u8)) category = List(v, ReadCodeableConcept);
            else if (name.SequenceEqual("subject"u8)) subject = Object(v, ReadReference);
            else if (name.SequenceEqual("onsetDateTime"u8)) onset = String(v);
            else if (name.SequenceEqual("abatementDateTime"u8)) abatement = String(v);
            else if (name.SequenceEqual("recordedDate"u8)) recordedDate = String(v);
            else if (name.SequenceEqual("contained"u8)) contained = List(v, ReadResource);
        }

        return new Condition
        {
            Id = id, Contained = contained, ClinicalStatus = clinicalStatus, VerificationStatus = verificationStatus,
            Category = category, Code = code, Subject = subject, OnsetDateTime = onset, AbatementDateTime = abatement,
            RecordedDate = recordedDate,
        };
    }

    /// <summary>STU3 and DSTU2 give clinicalStatus and verificationStatus as a bare code ("active"); R4 as a CodeableConcept.</summary>
    private static CodeableConcept? CodeOrConcept(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.String)
        {
            return Object(v, ReadCodeableConcept);
        }

        var code = Known(v);
        return string.IsNullOrWhiteSpace(code) ? null : new CodeableConcept { Coding = [new Coding { Code = code }] };
    }

    private static ServiceRequest ReadServiceRequest(JsonElement e)
    {
        string? id = null, status = null, intent = null;
        Resource[]? contained = null;
        CodeableConcept? code = null;
        ResourceReference? subject = null;
        CodeableConcept[]? reasonCode = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("id"u8)) id = String(v);
            else if (name.SequenceEqual("status"u8)) status = Known(v);
            else if (name.SequenceEqual("intent"u8)) intent = Known(v);
            else if (name.SequenceEqual("code"u8)) code = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("subject"u8)) subject = Object(v, ReadReference);
            else if (name.SequenceEqual("reasonCode"u8)) reasonCode = List(v, ReadCodeableConcept);
            else if (name.SequenceEqual("contained"u8)) contained = List(v, ReadResource);
        }

        return new ServiceRequest
        {
            Id = id, Contained = contained, Status = status, Intent = intent, Code = code, Subject = subject, ReasonCode = reasonCode,
        };
    }

    private static Bundle ReadBundle(JsonElement e, FhirReadOptions options)
    {
        string? id = null, type = null;
        Resource[]? contained = null;
        int? total = null;
        BundleLink[]? link = null;
        BundleEntry[]? entry = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("entry"u8)) entry = Entries(v, options);
            else if (name.SequenceEqual("id"u8)) id = String(v);
            else if (name.SequenceEqual("type"u8)) type = String(v);
            else if (name.SequenceEqual("total"u8)) total = Int32(v);
            else if (name.SequenceEqual("link"u8)) link = List(v, ReadLink);
            else if (name.SequenceEqual("contained"u8)) contained = List(v, ReadResource);
        }

        return new Bundle { Id = id, Contained = contained, Type = type, Total = total, Link = link, Entry = entry };
    }

    private static BundleEntry[]? Entries(JsonElement v, FhirReadOptions options)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            return v.ValueKind == JsonValueKind.Null ? null : [ReadEntry(ObjectItem<BundleEntry>(v), options)];
        }

        var entries = new BundleEntry[v.GetArrayLength()];
        var count = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Null)
            {
                entries[count++] = ReadEntry(ObjectItem<BundleEntry>(item), options);
            }
        }

        if (count < entries.Length)
        {
            Array.Resize(ref entries, count);
        }

        return entries;
    }

    private static BundleEntry ReadEntry(JsonElement e, FhirReadOptions options)
    {
        string? fullUrl = null;
        Resource? resource = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("resource"u8)) resource = v.ValueKind == JsonValueKind.Null ? null : ReadResource(v, options);
            else if (name.SequenceEqual("fullUrl"u8)) fullUrl = String(v);
        }

        return new BundleEntry { FullUrl = fullUrl, Resource = resource };
    }

    private static BundleLink ReadLink(JsonElement e)
    {
        string? relation = null, url = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("relation"u8)) relation = String(v);
            else if (name.SequenceEqual("url"u8)) url = String(v);
        }

        return new BundleLink { Relation = relation, Url = url };
    }

    private static OperationOutcome ReadOperationOutcome(JsonElement e)
    {
        string? id = null;
        Resource[]? contained = null;
        OperationOutcomeIssue[]? issue = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("id"u8)) id = String(v);
            else if (name.SequenceEqual("issue"u8)) issue = List(v, ReadIssue);
            else if (name.SequenceEqual("contained"u8)) contained = List(v, ReadResource);
        }

        return new OperationOutcome { Id = id, Contained = contained, Issue = issue };
    }

    private static OperationOutcomeIssue ReadIssue(JsonElement e)
    {
        string? severity = null, code = null, diagnostics = null;
        CodeableConcept? details = null;
        string[]? expression = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("severity"u8)) severity = String(v);
            else if (name.SequenceEqual("code"u8)) code = String(v);
            else if (name.SequenceEqual("details"u8)) details = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("diagnostics"u8)) diagnostics = String(v);
            else if (name.SequenceEqual("expression"u8)) expression = List(v, RequiredString);
        }

        return new OperationOutcomeIssue { Severity = severity, Code = code, Details = details, Diagnostics = diagnostics, Expression = expression };
    }

    // ---- datatypes ----------------------------------------------------------------------------------------------

    private static Coding ReadCoding(JsonElement e)
    {
        string? system = null, version = null, code = null, display = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("system"u8)) system = Known(v);
            else if (name.SequenceEqual("code"u8)) code = String(v);
            else if (name.SequenceEqual("display"u8)) display = String(v);
            else if (name.SequenceEqual("version"u8)) version = String(v);
        }

        return new Coding { System = system, Version = version, Code = code, Display = display };
    }

    private static CodeableConcept ReadCodeableConcept(JsonElement e)
    {
        Coding[]? coding = null;
        string? text = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("coding"u8)) coding = List(v, ReadCoding);
            else if (name.SequenceEqual("text"u8)) text = String(v);
        }

        return new CodeableConcept { Coding = coding, Text = text };
    }

    private static HumanName ReadHumanName(JsonElement e)
    {
        string? use = null, text = null, family = null;
        string[]? given = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("family"u8)) family = String(v);
            else if (name.SequenceEqual("given"u8)) given = List(v, RequiredString);
            else if (name.SequenceEqual("use"u8)) use = String(v);
            else if (name.SequenceEqual("text"u8)) text = String(v);
        }

        return new HumanName { Use = use, Text = text, Family = family, Given = given };
    }

    private static Quantity ReadQuantity(JsonElement e)
    {
        decimal? value = null;
        string? comparator = null, unit = null, system = null, code = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("value"u8)) value = Decimal(v);
            else if (name.SequenceEqual("unit"u8)) unit = Known(v);
            else if (name.SequenceEqual("system"u8)) system = Known(v);
            else if (name.SequenceEqual("code"u8)) code = Known(v);
            else if (name.SequenceEqual("comparator"u8)) comparator = String(v);
        }

        return new Quantity { Value = value, Comparator = comparator, Unit = unit, System = system, Code = code };
    }

    private static Range ReadRange(JsonElement e)
    {
        Quantity? low = null, high = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("low"u8)) low = Object(v, ReadQuantity);
            else if (name.SequenceEqual("high"u8)) high = Object(v, ReadQuantity);
        }

        return new Range { Low = low, High = high };
    }

    private static Ratio ReadRatio(JsonElement e)
    {
        Quantity? numerator = null, denominator = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("numerator"u8)) numerator = Object(v, ReadQuantity);
            else if (name.SequenceEqual("denominator"u8)) denominator = Object(v, ReadQuantity);
        }

        return new Ratio { Numerator = numerator, Denominator = denominator };
    }

    private static Period ReadPeriod(JsonElement e)
    {
        string? start = null, end = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("start"u8)) start = String(v);
            else if (name.SequenceEqual("end"u8)) end = String(v);
        }

        return new Period { Start = start, End = end };
    }

    private static ResourceReference ReadReference(JsonElement e)
    {
        string? reference = null, type = null, display = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("reference"u8)) reference = String(v);
            else if (name.SequenceEqual("display"u8)) display = String(v);
            else if (name.SequenceEqual("type"u8)) type = String(v);
        }

        return new ResourceReference { Reference = reference, Type = type, Display = display };
    }

    private static Dosage ReadDosage(JsonElement e)
    {
        int? sequence = null;
        string? text = null;
        Timing? timing = null;
        bool? asNeeded = null;
        CodeableConcept? asNeededConcept = null, route = null;
        DoseAndRate[]? doseAndRate = null;
        Quantity? doseQuantity = null, maxPerAdministration = null;
        Range? doseRange = null;
        Ratio? maxPerPeriod = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("text"u8)) text = String(v);
            else if (name.SequenceEqual("timing"u8)) timing = Object(v, ReadTiming);
            else if (name.SequenceEqual("doseAndRate"u8)) doseAndRate = List(v, ReadDoseAndRate);
            else if (name.SequenceEqual("route"u8)) route = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("sequence"u8)) sequence = Int32(v);
            else if (name.SequenceEqual("asNeededBoolean"u8)) asNeeded = Boolean(v);
            else if (name.SequenceEqual("asNeededCodeableConcept"u8)) asNeededConcept = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("doseQuantity"u8)) doseQuantity = Object(v, ReadQuantity);
            else if (name.SequenceEqual("doseRange"u8)) doseRange = Object(v, ReadRange);
            else if (name.SequenceEqual("maxDosePerPeriod"u8)) maxPerPeriod = Object(v, ReadRatio);
            else if (name.SequenceEqual("maxDosePerAdministration"u8)) maxPerAdministration = Object(v, ReadQuantity);
        }

        return new Dosage
        {
            Sequence = sequence, Text = text, Timing = timing, AsNeededBoolean = asNeeded, AsNeededCodeableConcept = asNeededConcept,
            Route = route, DoseAndRate = doseAndRate, DoseQuantity = doseQuantity, DoseRange = doseRange,
            MaxDosePerPeriod = maxPerPeriod, MaxDosePerAdministration = maxPerAdministration,
        };
    }

    private static DoseAndRate ReadDoseAndRate(JsonElement e)
    {
        CodeableConcept? type = null;
        Range? doseRange = null;
        Quantity? doseQuantity = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("doseQuantity"u8)) doseQuantity = Object(v, ReadQuantity);
            else if (name.SequenceEqual("doseRange"u8)) doseRange = Object(v, ReadRange);
            else if (name.SequenceEqual("type"u8)) type = Object(v, ReadCodeableConcept);
        }

        return new DoseAndRate { Type = type, DoseRange = doseRange, DoseQuantity = doseQuantity };
    }

    private static Timing ReadTiming(JsonElement e)
    {
        string[]? events = null;
        TimingRepeat? repeat = null;
        CodeableConcept? code = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("repeat"u8)) repeat = Object(v, ReadRepeat);
            else if (name.SequenceEqual("code"u8)) code = Object(v, ReadCodeableConcept);
            else if (name.SequenceEqual("event"u8)) events = List(v, RequiredString);
        }

        return new Timing { Event = events, Repeat = repeat, Code = code };
    }

    private static TimingRepeat ReadRepeat(JsonElement e)
    {
        Period? bounds = null;
        int? count = null, frequency = null, frequencyMax = null;
        decimal? duration = null, period = null, periodMax = null;
        string? durationUnit = null, periodUnit = null, periodUnits = null;
        string[]? when = null, timeOfDay = null, dayOfWeek = null;
        foreach (var p in e.EnumerateObject())
        {
            var name = Name(p);
            var v = p.Value;
            if (name.SequenceEqual("frequency"u8)) frequency = Int32(v);
            else if (name.SequenceEqual("period"u8)) period = Decimal(v);
            else if (name.SequenceEqual("periodUnit"u8)) periodUnit = Known(v);
            else if (name.SequenceEqual("boundsPeriod"u8)) bounds = Object(v, ReadPeriod);
            else if (name.SequenceEqual("count"u8)) count = Int32(v);
            else if (name.SequenceEqual("duration"u8)) duration = Decimal(v);
            else if (name.SequenceEqual("durationUnit"u8)) durationUnit = Known(v);
            else if (name.SequenceEqual("frequencyMax"u8)) frequencyMax = Int32(v);
            else if (name.SequenceEqual("periodMax"u8)) periodMax = Decimal(v);
            else if (name.SequenceEqual("periodUnits"u8)) periodUnits = Known(v);
            else if (name.SequenceEqual("when"u8)) when = List(v, RequiredString);
            else if (name.SequenceEqual("timeOfDay"u8)) timeOfDay = List(v, RequiredString);
            else if (name.SequenceEqual("dayOfWeek"u8)) dayOfWeek = List(v, RequiredString);
        }

        return new TimingRepeat
        {
            BoundsPeriod = bounds, Count = count, Duration = duration, DurationUnit = durationUnit, Frequency = frequency,
            FrequencyMax = frequencyMax, Period = period, PeriodMax = periodMax, PeriodUnit = periodUnit, PeriodUnits = periodUnits,
            When = when, TimeOfDay = timeOfDay, DayOfWeek = dayOfWeek,
        };
    }

    /// <summary>A property's name as UTF-8, read in place; only a name written with escapes is decoded.</summary>
    private static ReadOnlySpan<byte> Name(JsonProperty p)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(p);
        if (!raw.Contains((byte)'\\'))
        {
            return raw;
        }

        try
        {
            return Encoding.UTF8.GetBytes(p.Name);
        }
        catch (InvalidOperationException)
        {
            // An unpaired \uD800-style escape cannot become a .NET string.
            throw new FhirReadException(p.Value, "A property name contains an invalid \\u escape.");
        }
    }

    // ---- leniency -----------------------------------------------------------------------------------------------

    /// <summary>An object, or <c>null</c> for JSON null; anything else is an error.</summary>
    private static T? Object<T>(JsonElement v, Func<JsonElement, T> read)
        where T : class =>
        v.ValueKind switch
        {
            JsonValueKind.Object => read(v),
            JsonValueKind.Null => null,
            _ => throw new FhirReadException(v, $"Expected a {typeof(T).Name} (a JSON object) but found {Describe(v.ValueKind)}."),
        };

    /// <summary>
    /// A list: a single value where an array belongs (the sandbox sends <c>reasonCode</c>, <c>category</c> and
    /// <c>doseAndRate</c> as single objects) is a one-element list; <c>null</c> items (FHIR pads primitive arrays to
    /// align them with <c>_name</c> extensions) are dropped; JSON null for the whole list is <c>null</c>.
    /// </summary>
    private static T[]? List<T>(JsonElement v, Func<JsonElement, T> readItem)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Array:
                var length = v.GetArrayLength();
                if (length == 0)
                {
                    return [];
                }

                var items = new T[length];
                var count = 0;
                foreach (var item in v.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Null)
                    {
                        items[count++] = ReadItem(item, readItem);
                    }
                }

                if (count < length)
                {
                    Array.Resize(ref items, count);
                }

                return items;
            default:
                return [ReadItem(v, readItem)];
        }
    }

    private static JsonElement ObjectItem<T>(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
            ? item
            : throw new FhirReadException(item, $"Expected a {typeof(T).Name} (a JSON object) but found {Describe(item.ValueKind)}.");

    private static T ReadItem<T>(JsonElement item, Func<JsonElement, T> readItem)
    {
        // Datatype readers expect an object; strings have their own reader.
        if (item.ValueKind != JsonValueKind.Object && typeof(T) != typeof(string) && typeof(T) != typeof(Resource))
        {
            throw new FhirReadException(item, $"Expected a {typeof(T).Name} (a JSON object) but found {Describe(item.ValueKind)}.");
        }

        return readItem(item);
    }

    /// <summary>
    /// A string that is usually one of a few values (code systems, statuses, units): the shared instance when it is,
    /// instead of a new string per resource.
    /// </summary>
    private static string? Known(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            var raw = JsonMarshal.GetRawUtf8Value(v)[1..^1];
            foreach (var (utf8, text) in KnownValues)
            {
                if (raw.SequenceEqual(utf8))
                {
                    return text;
                }
            }
        }

        return String(v);
    }

    /// <summary>A string where the item is not null (list items; nulls were dropped before).</summary>
    private static string RequiredString(JsonElement v) => String(v)!;

    /// <summary>A string; a number or boolean where a string belongs keeps its text (a code sent as <c>12345</c>).</summary>
    private static string? String(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    return v.GetString();
                }
                catch (InvalidOperationException)
                {
                    // Invalid UTF-8 bytes or an unpaired \uD800-style escape cannot become a .NET string.
                    throw new FhirReadException(v, "The string is not valid UTF-8 or contains an invalid \\u escape.");
                }

            case JsonValueKind.Number:
                return v.GetRawText();
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Null:
                return null;
            default:
                throw new FhirReadException(v, $"Expected a string but found {Describe(v.ValueKind)}.");
        }
    }

    /// <summary>
    /// An exact decimal, up to decimal's 28-29 significant digits (more are rounded). A number outside decimal's range
    /// is an error, never an <see cref="OverflowException"/>; a number written as a string ("5.0") is accepted.
    /// </summary>
    private static decimal? Decimal(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Number:
                return v.TryGetDecimal(out var value)
                    ? value
                    : throw new FhirReadException(v, $"The number {Shorten(v.GetRawText())} is outside the range of a decimal (about ±7.9E+28).");
            case JsonValueKind.String:
                var text = String(v);
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                    ? value
                    : throw new FhirReadException(v, $"Expected a decimal number but found the string \"{Shorten(text)}\".");
            case JsonValueKind.Null:
                return null;
            default:
                throw new FhirReadException(v, $"Expected a decimal number but found {Describe(v.ValueKind)}.");
        }
    }

    /// <summary>An integer; a whole number written with a fractional zero (<c>2.0</c>, <c>2e0</c>) or as a string is accepted.</summary>
    private static int? Int32(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Number:
                if (v.TryGetInt32(out var value) || (v.TryGetDecimal(out var number) && TryWhole(number, out value)))
                {
                    return value;
                }

                throw new FhirReadException(v, $"Expected a whole number (integer) but found {Shorten(v.GetRawText())}.");
            case JsonValueKind.String:
                var text = String(v);
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && TryWhole(number, out value))
                {
                    return value;
                }

                throw new FhirReadException(v, $"Expected a whole number (integer) but found the string \"{Shorten(text)}\".");
            case JsonValueKind.Null:
                return null;
            default:
                throw new FhirReadException(v, $"Expected a whole number (integer) but found {Describe(v.ValueKind)}.");
        }
    }

    private static bool TryWhole(decimal number, out int value)
    {
        if (number == decimal.Truncate(number) && number >= int.MinValue && number <= int.MaxValue)
        {
            value = (int)number;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>A boolean; the strings "true" and "false" (any case) are accepted.</summary>
    private static bool? Boolean(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                var text = String(v);
                return bool.TryParse(text, out var value)
                    ? value
                    : throw new FhirReadException(v, $"Expected a boolean (true or false) but found the string \"{Shorten(text)}\".");
            case JsonValueKind.Null:
                return null;
            default:
                throw new FhirReadException(v, $"Expected a boolean (true or false) but found {Describe(v.ValueKind)}.");
        }
    }

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Undefined => "undefined (default JsonElement)",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string? Shorten(string? text) =>
        text is null || text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}

/// <summary>The element at <see cref="Element"/> cannot be read into the model; <see cref="FhirJson"/> locates it.</summary>
internal sealed class FhirReadException(JsonElement element, string message) : Exception(message)
{
    public JsonElement Element { get; } = element;
}
