using System.Globalization;
using System.Text;
using System.Text.Json;
using CrampCds.Core.Terminology;

namespace CrampCds.Core.Fhir;

/// <summary>
/// Reads the lean read model straight off a <see cref="Utf8JsonReader"/>, in one forward pass over the JSON: no
/// <see cref="JsonDocument"/> is built, so a hook request's body is tokenized once. Hand-written (no serializer
/// metadata): one local per property, one allocation per record, and one state per read (<see cref="FhirReadState"/>) so that
/// what a body repeats is one string.
/// </summary>
/// <remarks>
/// The leniency rules are those documented on <see cref="FhirJson"/>. Every reader starts on its value's first token and
/// leaves the reader on its last one. A failure is a <see cref="FhirReadException"/> carrying the offset of the token at
/// fault, which <see cref="FhirJson"/> turns into a path and a line.
/// </remarks>
internal static class FhirTokenReader
{
    // Values shared by most resources (code systems, statuses, the codes of the HL7 systems named here, units, bundle
    // types), returned as one instance each (see Known).
    private static readonly string[] SharedValues =
    [
        CodeSystems.Loinc, CodeSystems.Snomed, CodeSystems.RxNorm, CodeSystems.Ucum,
        CodeSystems.Icd10Cm, "http://terminology.hl7.org/CodeSystem/condition-clinical",
        "http://terminology.hl7.org/CodeSystem/condition-ver-status", "http://terminology.hl7.org/CodeSystem/observation-category",
        "http://terminology.hl7.org/CodeSystem/condition-category", "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
        "active", "final", "draft", "completed", "stopped", "amended", "preliminary", "corrected", "cancelled", "on-hold",
        "entered-in-error", "unknown", "resolved", "inactive", "confirmed", "order", "plan", "proposal", "male", "female",
        "recurrence", "relapse", "remission", "unconfirmed", "provisional", "differential", "refuted",
        "laboratory", "vital-signs", "social-history", "survey", "exam", "problem-list-item", "encounter-diagnosis",
        "inpatient", "outpatient", "community", "discharge",
        "mg", "mmol/L", "mEq/L", "mg/dL", "umol/L", "mL/min/{1.73_m2}", "mL/min/1.73m2", "kg", "d", "h", "wk", "{pill}", "{tbl}",
        "searchset", "collection", "transaction", "batch", "history", "self", "next", "official", "usual",
    ];

    private static readonly KnownStrings KnownValues = new(SharedValues);

    /// <summary>The values every read shares and <paramref name="codes"/> in one table: a coding's code is looked up once.</summary>
    internal static KnownStrings SharedValuesAnd(IEnumerable<string> codes) => new(SharedValues.Concat(codes));

    private delegate T ItemReader<out T>(ref Utf8JsonReader r, ref FhirReadState s);

    private delegate T ItemReader<out T, in TState>(ref Utf8JsonReader r, ref FhirReadState s, TState state);

    /// <summary>Reads one resource; <paramref name="r"/> is on its first token.</summary>
    /// <param name="entrySpans">When given, receives the byte range of each entry's resource if this is a Bundle.</param>
    public static Resource ReadResource(ref Utf8JsonReader r, ref FhirReadState s, FhirReadOptions options, List<System.Range>? entrySpans = null)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw Error(ref r, $"Expected a FHIR resource (a JSON object) but found {Describe(r.TokenType)}.");
        }

        var start = r;
        r.Read();

        // resourceType usually comes first, and the record's reader goes on from there; elsewhere (the first one counts)
        // it is looked up ahead, and the record is read from the object's start.
        if (r.TokenType == JsonTokenType.PropertyName && r.ValueTextEquals("resourceType"u8))
        {
            // The reader on the type's value is the one the record is read on: the type is looked at before it moves.
            r.Read();
            return ReadTyped(ref r, ref s, ref r, in start, options, entrySpans);
        }

        var scan = r;
        while (scan.TokenType == JsonTokenType.PropertyName)
        {
            var isType = scan.ValueTextEquals("resourceType"u8);
            scan.Read();
            if (isType)
            {
                r = start;
                return ReadTyped(ref scan, ref s, ref r, in start, options, entrySpans);
            }

            scan.Skip();
            scan.Read();
        }

        throw new FhirReadException(start.TokenStartIndex, "The resource has no resourceType.");
    }

    private static Resource ReadContained(ref Utf8JsonReader r, ref FhirReadState s) => ReadResource(ref r, ref s, FhirReadOptions.Full);

    /// <param name="type">On the resourceType's value: <paramref name="r"/> itself when resourceType came first (it is read before <paramref name="r"/> moves).</param>
    /// <param name="r">Before the record's next property (after resourceType, or on the object's start).</param>
    private static Resource ReadTyped(
        ref Utf8JsonReader type, ref FhirReadState s, ref Utf8JsonReader r, in Utf8JsonReader start, FhirReadOptions options, List<System.Range>? entrySpans)
    {
        if (type.TokenType != JsonTokenType.String)
        {
            throw Error(ref type, $"resourceType must be a string, not {Describe(type.TokenType)}.");
        }

        if (type.ValueTextEquals("Observation"u8))
        {
            return ReadObservation(ref r, ref s, in start, options.ReadsObservation);
        }

        if (type.ValueTextEquals("MedicationRequest"u8))
        {
            return ReadMedicationRequest(ref r, ref s, "MedicationRequest");
        }

        if (type.ValueTextEquals("Condition"u8))
        {
            return ReadCondition(ref r, ref s);
        }

        if (type.ValueTextEquals("Bundle"u8))
        {
            return ReadBundle(ref r, ref s, options, entrySpans);
        }

        if (type.ValueTextEquals("Patient"u8))
        {
            return ReadPatient(ref r, ref s);
        }

        if (type.ValueTextEquals("MedicationStatement"u8))
        {
            return ReadMedicationStatement(ref r, ref s);
        }

        if (type.ValueTextEquals("Medication"u8))
        {
            return ReadMedication(ref r, ref s);
        }

        if (type.ValueTextEquals("MedicationOrder"u8))
        {
            // DSTU2: patient, dateWritten, reasonCodeableConcept and dosage-level doseQuantity have their own properties.
            return ReadMedicationRequest(ref r, ref s, "MedicationOrder");
        }

        if (type.ValueTextEquals("ServiceRequest"u8))
        {
            return ReadServiceRequest(ref r, ref s);
        }

        if (type.ValueTextEquals("OperationOutcome"u8))
        {
            return ReadOperationOutcome(ref r, ref s);
        }

        var resourceType = String(ref type);
        if (string.IsNullOrWhiteSpace(resourceType))
        {
            throw new FhirReadException(start.TokenStartIndex, "resourceType is empty.");
        }

        // Only the type and id of an unmodelled resource are kept; its body is skipped.
        string? id = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("id"u8) && r.TokenType == JsonTokenType.String) id = String(ref r);
            else r.Skip();
        }

        return new OtherResource { ResourceType = resourceType, Id = id };
    }

    private static Patient ReadPatient(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? id = null, gender = null, birthDate = null, deceasedDateTime = null;
        Resource[]? contained = null;
        bool? active = null, deceasedBoolean = null;
        HumanName[]? names = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("id"u8)) id = String(ref r);
            else if (name.SequenceEqual("contained"u8)) contained = List(ref r, ref s, ReadContained);
            else if (name.SequenceEqual("active"u8)) active = Boolean(ref r);
            else if (name.SequenceEqual("name"u8)) names = List(ref r, ref s, ReadHumanName);
            else if (name.SequenceEqual("gender"u8)) gender = Known(ref r);
            else if (name.SequenceEqual("birthDate"u8)) birthDate = String(ref r);
            else if (name.SequenceEqual("deceasedBoolean"u8)) deceasedBoolean = Boolean(ref r);
            else if (name.SequenceEqual("deceasedDateTime"u8)) deceasedDateTime = String(ref r);
            else r.Skip();
        }

        return new Patient
        {
            Id = id, Contained = contained, Active = active, Name = names, Gender = gender, BirthDate = birthDate,
            DeceasedBoolean = deceasedBoolean, DeceasedDateTime = deceasedDateTime,
        };
    }

    private static MedicationRequest ReadMedicationRequest(ref Utf8JsonReader r, ref FhirReadState s, string sourceType)
    {
        string? id = null, status = null, intent = null, authoredOn = null, dateWritten = null;
        Resource[]? contained = null;
        CodeableConcept[]? category = null, reasonCode = null;
        CodeableConcept? medication = null, reasonConcept = null;
        ResourceReference? medicationReference = null, subject = null, patient = null;
        Dosage[]? dosage = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("id"u8)) id = String(ref r);
            else if (name.SequenceEqual("status"u8)) status = Known(ref r);
            else if (name.SequenceEqual("intent"u8)) intent = Known(ref r);
            else if (name.SequenceEqual("medicationCodeableConcept"u8)) medication = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("dosageInstruction"u8)) dosage = List(ref r, ref s, ReadDosage);
            else if (name.SequenceEqual("subject"u8)) subject = Object(ref r, ref s, ReadReference);
            else if (name.SequenceEqual("medicationReference"u8)) medicationReference = Object(ref r, ref s, ReadReference);
            else if (name.SequenceEqual("authoredOn"u8)) authoredOn = Repeated(ref r, ref s);
            else if (name.SequenceEqual("category"u8)) category = List(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("reasonCode"u8)) reasonCode = List(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("contained"u8)) contained = List(ref r, ref s, ReadContained);
            else if (name.SequenceEqual("patient"u8)) patient = Object(ref r, ref s, ReadReference);
            else if (name.SequenceEqual("dateWritten"u8)) dateWritten = String(ref r);
            else if (name.SequenceEqual("reasonCodeableConcept"u8)) reasonConcept = Object(ref r, ref s, ReadCodeableConcept);
            else r.Skip();
        }

        return new MedicationRequest
        {
            SourceType = sourceType, Id = id, Contained = contained, Status = status, Intent = intent, Category = category,
            MedicationCodeableConcept = medication, MedicationReference = medicationReference, Subject = subject,
            Patient = patient, AuthoredOn = authoredOn, DateWritten = dateWritten, ReasonCode = reasonCode,
            ReasonCodeableConcept = reasonConcept, DosageInstruction = dosage,
        };
    }

    private static MedicationStatement ReadMedicationStatement(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? id = null, status = null, effectiveDateTime = null, dateAsserted = null;
        Resource[]? contained = null;
        CodeableConcept[]? category = null, reasonCode = null;
        CodeableConcept? medication = null;
        ResourceReference? medicationReference = null, subject = null;
        Period? effectivePeriod = null;
        Dosage[]? dosage = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("id"u8)) id = String(ref r);
            else if (name.SequenceEqual("status"u8)) status = Known(ref r);
            else if (name.SequenceEqual("medicationCodeableConcept"u8)) medication = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("medicationReference"u8)) medicationReference = Object(ref r, ref s, ReadReference);
            else if (name.SequenceEqual("subject"u8)) subject = Object(ref r, ref s, ReadReference);
            else if (name.SequenceEqual("effectiveDateTime"u8)) effectiveDateTime = Repeated(ref r, ref s);
            else if (name.SequenceEqual("effectivePeriod"u8)) effectivePeriod = Object(ref r, ref s, ReadPeriod);
            else if (name.SequenceEqual("dateAsserted"u8)) dateAsserted = String(ref r);
            else if (name.SequenceEqual("dosage"u8)) dosage = List(ref r, ref s, ReadDosage);
            else if (name.SequenceEqual("category"u8)) category = List(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("reasonCode"u8)) reasonCode = List(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("contained"u8)) contained = List(ref r, ref s, ReadContained);
            else r.Skip();
        }

        return new MedicationStatement
        {
            Id = id, Contained = contained, Status = status, Category = category, MedicationCodeableConcept = medication,
            MedicationReference = medicationReference, Subject = subject, EffectiveDateTime = effectiveDateTime,
            EffectivePeriod = effectivePeriod, DateAsserted = dateAsserted, ReasonCode = reasonCode, Dosage = dosage,
        };
    }

    private static Medication ReadMedication(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? id = null, status = null;
        Resource[]? contained = null;
        CodeableConcept? code = null, form = null;
        MedicationIngredient[]? ingredient = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("id"u8)) id = String(ref r);
            else if (name.SequenceEqual("code"u8)) code = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("status"u8)) status = Known(ref r);
            else if (name.SequenceEqual("form"u8)) form = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("ingredient"u8)) ingredient = List(ref r, ref s, ReadIngredient);
            else if (name.SequenceEqual("contained"u8)) contained = List(ref r, ref s, ReadContained);
            else r.Skip();
        }

        return new Medication { Id = id, Contained = contained, Code = code, Status = status, Form = form, Ingredient = ingredient };
    }

    private static MedicationIngredient ReadIngredient(ref Utf8JsonReader r, ref FhirReadState s)
    {
        CodeableConcept? item = null;
        ResourceReference? itemReference = null;
        bool? isActive = null;
        Ratio? strength = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("itemCodeableConcept"u8)) item = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("itemReference"u8)) itemReference = Object(ref r, ref s, ReadReference);
            else if (name.SequenceEqual("isActive"u8)) isActive = Boolean(ref r);
            else if (name.SequenceEqual("strength"u8)) strength = Object(ref r, ref s, ReadRatio);
            else r.Skip();
        }

        return new MedicationIngredient { ItemCodeableConcept = item, ItemReference = itemReference, IsActive = isActive, Strength = strength };
    }

    /// <summary>
    /// An Observation. With <paramref name="reads"/>, one whose code (its own or a component's: eGFR may come inside a
    /// panel) no rule reads keeps only its id, status and code: its code is looked up ahead at the first other property,
    /// and the rest is skipped. When a component turns out to be read after all, the Observation is read again, whole,
    /// from <paramref name="start"/>.
    /// </summary>
    private static Observation ReadObservation(ref Utf8JsonReader r, ref FhirReadState s, in Utf8JsonReader start, Func<CodeableConcept, bool>? reads)
    {
        // null: not known yet; true: read whole; false: id, status and code only.
        bool? whole = reads is null ? true : null;
        // Where the code read ahead stands (-1: none), so it is not read twice; a later duplicate code still counts.
        long codeAheadAt = -1;
        string? id = null, status = null, effectiveDateTime = null, effectiveInstant = null, issued = null, valueString = null;
        Resource[]? contained = null;
        CodeableConcept[]? category = null, interpretation = null;
        CodeableConcept? code = null, valueConcept = null, dataAbsentReason = null;
        ResourceReference? subject = null;
        Period? effectivePeriod = null;
        Quantity? valueQuantity = null;
        ObservationReferenceRange[]? referenceRange = null;
        ObservationComponent[]? component = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("id"u8)) id = String(ref r);
            else if (name.SequenceEqual("status"u8)) status = Known(ref r);
            else if (name.SequenceEqual("code"u8))
            {
                if (r.TokenStartIndex == codeAheadAt)
                {
                    r.Skip();
                    continue;
                }

                code = Object(ref r, ref s, ReadCodeableConcept);
                if (whole is null)
                {
                    whole = (code is not null && reads!(code)) || AnyRead(component, reads!);
                }
                else if (whole == false && code is not null && reads!(code))
                {
                    // A later code (the last one counts) that the rules read: what was skipped is needed after all.
                    r = start;
                    return ReadObservation(ref r, ref s, in start, reads: null);
                }
            }
            else
            {
                if (whole is null)
                {
                    code = CodeAhead(in r, ref s, out codeAheadAt);
                    whole = (code is not null && reads!(code)) || AnyRead(component, reads!);
                }

                if (whole == false)
                {
                    if (name.SequenceEqual("component"u8) && AnyComponentRead(ref r, ref s, reads!))
                    {
                        r = start;
                        return ReadObservation(ref r, ref s, in start, reads: null);
                    }

                    r.Skip();
                }
                else if (name.SequenceEqual("valueQuantity"u8)) valueQuantity = Object(ref r, ref s, ReadQuantity);
                else if (name.SequenceEqual("effectiveDateTime"u8)) effectiveDateTime = Repeated(ref r, ref s);
                else if (name.SequenceEqual("category"u8)) category = List(ref r, ref s, ReadCodeableConcept);
                else if (name.SequenceEqual("subject"u8)) subject = Object(ref r, ref s, ReadReference);
                else if (name.SequenceEqual("issued"u8)) issued = Repeated(ref r, ref s);
                else if (name.SequenceEqual("referenceRange"u8)) referenceRange = List(ref r, ref s, ReadReferenceRange);
                else if (name.SequenceEqual("interpretation"u8)) interpretation = List(ref r, ref s, ReadCodeableConcept);
                else if (name.SequenceEqual("component"u8)) component = List(ref r, ref s, ReadComponent);
                else if (name.SequenceEqual("effectivePeriod"u8)) effectivePeriod = Object(ref r, ref s, ReadPeriod);
                else if (name.SequenceEqual("effectiveInstant"u8)) effectiveInstant = String(ref r);
                else if (name.SequenceEqual("valueString"u8)) valueString = String(ref r);
                else if (name.SequenceEqual("valueCodeableConcept"u8)) valueConcept = Object(ref r, ref s, ReadCodeableConcept);
                else if (name.SequenceEqual("dataAbsentReason"u8)) dataAbsentReason = Object(ref r, ref s, ReadCodeableConcept);
                else if (name.SequenceEqual("contained"u8)) contained = List(ref r, ref s, ReadContained);
                else r.Skip();
            }
        }

        if (whole != true)
        {
            return new Observation { Id = id, Status = status, Code = code };
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

    /// <summary>
    /// The Observation's next code, read from a copy of <paramref name="at"/> (on a property's value) by skipping ahead to
    /// it; <paramref name="foundAt"/> is where its value starts, or -1.
    /// </summary>
    private static CodeableConcept? CodeAhead(in Utf8JsonReader at, ref FhirReadState s, out long foundAt)
    {
        var scan = at;
        scan.Skip();
        while (scan.Read() && scan.TokenType == JsonTokenType.PropertyName)
        {
            var isCode = scan.ValueTextEquals("code"u8);
            scan.Read();
            if (isCode)
            {
                foundAt = scan.TokenStartIndex;
                return Object(ref scan, ref s, ReadCodeableConcept);
            }

            scan.Skip();
        }

        foundAt = -1;
        return null;
    }

    private static bool AnyRead(ObservationComponent[]? components, Func<CodeableConcept, bool> reads)
    {
        foreach (var component in components ?? [])
        {
            if (component.Code is { } code && reads(code))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a component (or, for a single object where the array belongs, the component) has a code the rules read.</summary>
    private static bool AnyComponentRead(ref Utf8JsonReader r, ref FhirReadState s, Func<CodeableConcept, bool> reads)
    {
        if (r.TokenType == JsonTokenType.StartObject)
        {
            return ComponentRead(ref r, ref s, reads);
        }

        if (r.TokenType == JsonTokenType.StartArray)
        {
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                if (r.TokenType == JsonTokenType.StartObject ? ComponentRead(ref r, ref s, reads) : SkipValue(ref r))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool ComponentRead(ref Utf8JsonReader r, ref FhirReadState s, Func<CodeableConcept, bool> reads)
    {
        var read = false;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("code"u8) && r.TokenType == JsonTokenType.StartObject) read |= reads(ReadCodeableConcept(ref r, ref s));
            else r.Skip();
        }

        return read;
    }

    private static bool SkipValue(ref Utf8JsonReader r)
    {
        r.Skip();
        return false;
    }

    private static ObservationReferenceRange ReadReferenceRange(ref Utf8JsonReader r, ref FhirReadState s)
    {
        Quantity? low = null, high = null;
        CodeableConcept? type = null;
        string? text = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("low"u8)) low = Object(ref r, ref s, ReadQuantity);
            else if (name.SequenceEqual("high"u8)) high = Object(ref r, ref s, ReadQuantity);
            else if (name.SequenceEqual("type"u8)) type = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("text"u8)) text = String(ref r);
            else r.Skip();
        }

        return new ObservationReferenceRange { Low = low, High = high, Type = type, Text = text };
    }

    private static ObservationComponent ReadComponent(ref Utf8JsonReader r, ref FhirReadState s)
    {
        CodeableConcept? code = null, valueConcept = null;
        Quantity? valueQuantity = null;
        string? valueString = null;
        CodeableConcept[]? interpretation = null;
        ObservationReferenceRange[]? referenceRange = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("code"u8)) code = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("valueQuantity"u8)) valueQuantity = Object(ref r, ref s, ReadQuantity);
            else if (name.SequenceEqual("valueString"u8)) valueString = String(ref r);
            else if (name.SequenceEqual("valueCodeableConcept"u8)) valueConcept = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("interpretation"u8)) interpretation = List(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("referenceRange"u8)) referenceRange = List(ref r, ref s, ReadReferenceRange);
            else r.Skip();
        }

        return new ObservationComponent
        {
            Code = code, ValueQuantity = valueQuantity, ValueString = valueString, ValueCodeableConcept = valueConcept,
            Interpretation = interpretation, ReferenceRange = referenceRange,
        };
    }

    private static Condition ReadCondition(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? id = null, onset = null, abatement = null, recordedDate = null;
        Resource[]? contained = null;
        CodeableConcept? clinicalStatus = null, verificationStatus = null, code = null;
        CodeableConcept[]? category = null;
        ResourceReference? subject = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("id"u8)) id = String(ref r);
            else if (name.SequenceEqual("clinicalStatus"u8)) clinicalStatus = CodeOrConcept(ref r, ref s);
            else if (name.SequenceEqual("verificationStatus"u8)) verificationStatus = CodeOrConcept(ref r, ref s);
            else if (name.SequenceEqual("code"u8)) code = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("category"u8)) category = List(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("subject"u8)) subject = Object(ref r, ref s, ReadReference);
            else if (name.SequenceEqual("onsetDateTime"u8)) onset = Repeated(ref r, ref s);
            else if (name.SequenceEqual("abatementDateTime"u8)) abatement = Repeated(ref r, ref s);
            else if (name.SequenceEqual("recordedDate"u8)) recordedDate = Repeated(ref r, ref s);
            else if (name.SequenceEqual("contained"u8)) contained = List(ref r, ref s, ReadContained);
            else r.Skip();
        }

        return new Condition
        {
            Id = id, Contained = contained, ClinicalStatus = clinicalStatus, VerificationStatus = verificationStatus,
            Category = category, Code = code, Subject = subject, OnsetDateTime = onset, AbatementDateTime = abatement,
            RecordedDate = recordedDate,
        };
    }

    /// <summary>STU3 and DSTU2 give clinicalStatus and verificationStatus as a bare code ("active"); R4 as a CodeableConcept.</summary>
    private static CodeableConcept? CodeOrConcept(ref Utf8JsonReader r, ref FhirReadState s)
    {
        if (r.TokenType != JsonTokenType.String)
        {
            return Object(ref r, ref s, ReadCodeableConcept);
        }

        var code = Known(ref r);
        return string.IsNullOrWhiteSpace(code) ? null : new CodeableConcept { Coding = [new Coding { Code = code }] };
    }

    private static ServiceRequest ReadServiceRequest(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? id = null, status = null, intent = null;
        Resource[]? contained = null;
        CodeableConcept? code = null;
        ResourceReference? subject = null;
        CodeableConcept[]? reasonCode = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("id"u8)) id = String(ref r);
            else if (name.SequenceEqual("status"u8)) status = Known(ref r);
            else if (name.SequenceEqual("intent"u8)) intent = Known(ref r);
            else if (name.SequenceEqual("code"u8)) code = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("subject"u8)) subject = Object(ref r, ref s, ReadReference);
            else if (name.SequenceEqual("reasonCode"u8)) reasonCode = List(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("contained"u8)) contained = List(ref r, ref s, ReadContained);
            else r.Skip();
        }

        return new ServiceRequest
        {
            Id = id, Contained = contained, Status = status, Intent = intent, Code = code, Subject = subject, ReasonCode = reasonCode,
        };
    }

    private static Bundle ReadBundle(ref Utf8JsonReader r, ref FhirReadState s, FhirReadOptions options, List<System.Range>? entrySpans)
    {
        string? id = null, type = null;
        Resource[]? contained = null;
        int? total = null;
        BundleLink[]? link = null;
        BundleEntry[]? entry = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("entry"u8))
            {
                // A duplicated entry list keeps its last value, and so do the ranges that line up with it.
                entrySpans?.Clear();
                entry = List(ref r, ref s, (options, entrySpans), ReadEntry);
            }
            else if (name.SequenceEqual("id"u8)) id = String(ref r);
            else if (name.SequenceEqual("type"u8)) type = Known(ref r);
            else if (name.SequenceEqual("total"u8)) total = Int32(ref r);
            else if (name.SequenceEqual("link"u8)) link = List(ref r, ref s, ReadLink);
            else if (name.SequenceEqual("contained"u8)) contained = List(ref r, ref s, ReadContained);
            else r.Skip();
        }

        return new Bundle { Id = id, Contained = contained, Type = type, Total = total, Link = link, Entry = entry };
    }

    private static BundleEntry ReadEntry(ref Utf8JsonReader r, ref FhirReadState s, (FhirReadOptions Options, List<System.Range>? Spans) state)
    {
        string? fullUrl = null;
        Resource? resource = null;
        System.Range span = default;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("resource"u8))
            {
                var from = (int)r.TokenStartIndex;
                resource = r.TokenType == JsonTokenType.Null ? null : ReadResource(ref r, ref s, state.Options);
                span = from..(int)r.BytesConsumed;
            }
            else if (name.SequenceEqual("fullUrl"u8)) fullUrl = String(ref r);
            else r.Skip();
        }

        if (resource is not null)
        {
            state.Spans?.Add(span);
        }

        return new BundleEntry { FullUrl = fullUrl, Resource = resource };
    }

    private static BundleLink ReadLink(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? relation = null, url = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("relation"u8)) relation = Known(ref r);
            else if (name.SequenceEqual("url"u8)) url = String(ref r);
            else r.Skip();
        }

        return new BundleLink { Relation = relation, Url = url };
    }

    private static OperationOutcome ReadOperationOutcome(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? id = null;
        Resource[]? contained = null;
        OperationOutcomeIssue[]? issue = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("id"u8)) id = String(ref r);
            else if (name.SequenceEqual("issue"u8)) issue = List(ref r, ref s, ReadIssue);
            else if (name.SequenceEqual("contained"u8)) contained = List(ref r, ref s, ReadContained);
            else r.Skip();
        }

        return new OperationOutcome { Id = id, Contained = contained, Issue = issue };
    }

    private static OperationOutcomeIssue ReadIssue(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? severity = null, code = null, diagnostics = null;
        CodeableConcept? details = null;
        string[]? expression = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("severity"u8)) severity = String(ref r);
            else if (name.SequenceEqual("code"u8)) code = String(ref r);
            else if (name.SequenceEqual("details"u8)) details = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("diagnostics"u8)) diagnostics = String(ref r);
            else if (name.SequenceEqual("expression"u8)) expression = List(ref r, ref s, RequiredString);
            else r.Skip();
        }

        return new OperationOutcomeIssue { Severity = severity, Code = code, Details = details, Diagnostics = diagnostics, Expression = expression };
    }

    // ---- datatypes ----------------------------------------------------------------------------------------------

    private static Coding ReadCoding(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? system = null, version = null, code = null, display = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("system"u8)) system = Known(ref r);
            else if (name.SequenceEqual("code"u8)) code = Code(ref r, ref s);
            else if (name.SequenceEqual("display"u8)) display = String(ref r);
            else if (name.SequenceEqual("version"u8)) version = String(ref r);
            else r.Skip();
        }

        return new Coding { System = system, Version = version, Code = code, Display = display };
    }

    private static CodeableConcept ReadCodeableConcept(ref Utf8JsonReader r, ref FhirReadState s)
    {
        Coding[]? coding = null;
        string? text = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("coding"u8)) coding = List(ref r, ref s, ReadCoding);
            else if (name.SequenceEqual("text"u8)) text = String(ref r);
            else r.Skip();
        }

        return new CodeableConcept { Coding = coding, Text = text };
    }

    private static HumanName ReadHumanName(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? use = null, text = null, family = null;
        string[]? given = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("family"u8)) family = String(ref r);
            else if (name.SequenceEqual("given"u8)) given = List(ref r, ref s, RequiredString);
            else if (name.SequenceEqual("use"u8)) use = Known(ref r);
            else if (name.SequenceEqual("text"u8)) text = String(ref r);
            else r.Skip();
        }

        return new HumanName { Use = use, Text = text, Family = family, Given = given };
    }

    private static Quantity ReadQuantity(ref Utf8JsonReader r, ref FhirReadState s)
    {
        decimal? value = null;
        string? comparator = null, unit = null, system = null, code = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("value"u8)) value = Decimal(ref r);
            else if (name.SequenceEqual("unit"u8)) unit = Known(ref r);
            else if (name.SequenceEqual("system"u8)) system = Known(ref r);
            else if (name.SequenceEqual("code"u8)) code = Known(ref r);
            else if (name.SequenceEqual("comparator"u8)) comparator = String(ref r);
            else r.Skip();
        }

        return new Quantity { Value = value, Comparator = comparator, Unit = unit, System = system, Code = code };
    }

    private static Range ReadRange(ref Utf8JsonReader r, ref FhirReadState s)
    {
        Quantity? low = null, high = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("low"u8)) low = Object(ref r, ref s, ReadQuantity);
            else if (name.SequenceEqual("high"u8)) high = Object(ref r, ref s, ReadQuantity);
            else r.Skip();
        }

        return new Range { Low = low, High = high };
    }

    private static Ratio ReadRatio(ref Utf8JsonReader r, ref FhirReadState s)
    {
        Quantity? numerator = null, denominator = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("numerator"u8)) numerator = Object(ref r, ref s, ReadQuantity);
            else if (name.SequenceEqual("denominator"u8)) denominator = Object(ref r, ref s, ReadQuantity);
            else r.Skip();
        }

        return new Ratio { Numerator = numerator, Denominator = denominator };
    }

    private static Period ReadPeriod(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? start = null, end = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("start"u8)) start = Repeated(ref r, ref s);
            else if (name.SequenceEqual("end"u8)) end = Repeated(ref r, ref s);
            else r.Skip();
        }

        return new Period { Start = start, End = end };
    }

    private static ResourceReference ReadReference(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string? reference = null, type = null, display = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("reference"u8)) reference = Repeated(ref r, ref s);
            else if (name.SequenceEqual("display"u8)) display = String(ref r);
            else if (name.SequenceEqual("type"u8)) type = String(ref r);
            else r.Skip();
        }

        // A bare reference the body repeats (every result's subject) is one object: references are records, never changed.
        if (type is null && display is null && reference is not null)
        {
            if (s.LastReference is { } last && ReferenceEquals(last.Reference, reference))
            {
                return last;
            }

            return s.LastReference = new ResourceReference { Reference = reference };
        }

        return new ResourceReference { Reference = reference, Type = type, Display = display };
    }

    private static Dosage ReadDosage(ref Utf8JsonReader r, ref FhirReadState s)
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
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("text"u8)) text = String(ref r);
            else if (name.SequenceEqual("timing"u8)) timing = Object(ref r, ref s, ReadTiming);
            else if (name.SequenceEqual("doseAndRate"u8)) doseAndRate = List(ref r, ref s, ReadDoseAndRate);
            else if (name.SequenceEqual("route"u8)) route = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("sequence"u8)) sequence = Int32(ref r);
            else if (name.SequenceEqual("asNeededBoolean"u8)) asNeeded = Boolean(ref r);
            else if (name.SequenceEqual("asNeededCodeableConcept"u8)) asNeededConcept = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("doseQuantity"u8)) doseQuantity = Object(ref r, ref s, ReadQuantity);
            else if (name.SequenceEqual("doseRange"u8)) doseRange = Object(ref r, ref s, ReadRange);
            else if (name.SequenceEqual("maxDosePerPeriod"u8)) maxPerPeriod = Object(ref r, ref s, ReadRatio);
            else if (name.SequenceEqual("maxDosePerAdministration"u8)) maxPerAdministration = Object(ref r, ref s, ReadQuantity);
            else r.Skip();
        }

        return new Dosage
        {
            Sequence = sequence, Text = text, Timing = timing, AsNeededBoolean = asNeeded, AsNeededCodeableConcept = asNeededConcept,
            Route = route, DoseAndRate = doseAndRate, DoseQuantity = doseQuantity, DoseRange = doseRange,
            MaxDosePerPeriod = maxPerPeriod, MaxDosePerAdministration = maxPerAdministration,
        };
    }

    private static DoseAndRate ReadDoseAndRate(ref Utf8JsonReader r, ref FhirReadState s)
    {
        CodeableConcept? type = null;
        Range? doseRange = null;
        Quantity? doseQuantity = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("doseQuantity"u8)) doseQuantity = Object(ref r, ref s, ReadQuantity);
            else if (name.SequenceEqual("doseRange"u8)) doseRange = Object(ref r, ref s, ReadRange);
            else if (name.SequenceEqual("type"u8)) type = Object(ref r, ref s, ReadCodeableConcept);
            else r.Skip();
        }

        return new DoseAndRate { Type = type, DoseRange = doseRange, DoseQuantity = doseQuantity };
    }

    private static Timing ReadTiming(ref Utf8JsonReader r, ref FhirReadState s)
    {
        string[]? events = null;
        TimingRepeat? repeat = null;
        CodeableConcept? code = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("repeat"u8)) repeat = Object(ref r, ref s, ReadRepeat);
            else if (name.SequenceEqual("code"u8)) code = Object(ref r, ref s, ReadCodeableConcept);
            else if (name.SequenceEqual("event"u8)) events = List(ref r, ref s, RequiredString);
            else r.Skip();
        }

        return new Timing { Event = events, Repeat = repeat, Code = code };
    }

    private static TimingRepeat ReadRepeat(ref Utf8JsonReader r, ref FhirReadState s)
    {
        Period? bounds = null;
        int? count = null, frequency = null, frequencyMax = null;
        decimal? duration = null, period = null, periodMax = null;
        string? durationUnit = null, periodUnit = null, periodUnits = null;
        string[]? when = null, timeOfDay = null, dayOfWeek = null;
        while (NextProperty(ref r, out var name))
        {
            if (name.SequenceEqual("frequency"u8)) frequency = Int32(ref r);
            else if (name.SequenceEqual("period"u8)) period = Decimal(ref r);
            else if (name.SequenceEqual("periodUnit"u8)) periodUnit = Known(ref r);
            else if (name.SequenceEqual("boundsPeriod"u8)) bounds = Object(ref r, ref s, ReadPeriod);
            else if (name.SequenceEqual("count"u8)) count = Int32(ref r);
            else if (name.SequenceEqual("duration"u8)) duration = Decimal(ref r);
            else if (name.SequenceEqual("durationUnit"u8)) durationUnit = Known(ref r);
            else if (name.SequenceEqual("frequencyMax"u8)) frequencyMax = Int32(ref r);
            else if (name.SequenceEqual("periodMax"u8)) periodMax = Decimal(ref r);
            else if (name.SequenceEqual("periodUnits"u8)) periodUnits = Known(ref r);
            else if (name.SequenceEqual("when"u8)) when = List(ref r, ref s, RequiredString);
            else if (name.SequenceEqual("timeOfDay"u8)) timeOfDay = List(ref r, ref s, RequiredString);
            else if (name.SequenceEqual("dayOfWeek"u8)) dayOfWeek = List(ref r, ref s, RequiredString);
            else r.Skip();
        }

        return new TimingRepeat
        {
            BoundsPeriod = bounds, Count = count, Duration = duration, DurationUnit = durationUnit, Frequency = frequency,
            FrequencyMax = frequencyMax, Period = period, PeriodMax = periodMax, PeriodUnit = periodUnit, PeriodUnits = periodUnits,
            When = when, TimeOfDay = timeOfDay, DayOfWeek = dayOfWeek,
        };
    }

    /// <summary>
    /// Moves to the next property's value; false on the object's end. The name is read in place (only one written with
    /// escapes is decoded); it stays valid after the move because it lies in the input.
    /// </summary>
    private static bool NextProperty(ref Utf8JsonReader r, out ReadOnlySpan<byte> name)
    {
        r.Read();
        if (r.TokenType != JsonTokenType.PropertyName)
        {
            name = default;
            return false;
        }

        name = r.ValueIsEscaped ? Unescaped(ref r) : r.ValueSpan;
        r.Read();
        return true;
    }

    private static byte[] Unescaped(ref Utf8JsonReader r)
    {
        try
        {
            return Encoding.UTF8.GetBytes(r.GetString()!);
        }
        catch (InvalidOperationException)
        {
            // An unpaired \uD800-style escape cannot become a .NET string.
            throw Error(ref r, "A property name contains an invalid \\u escape.");
        }
    }

    // ---- leniency -----------------------------------------------------------------------------------------------

    /// <summary>An object, or <c>null</c> for JSON null; anything else is an error.</summary>
    private static T? Object<T>(ref Utf8JsonReader r, ref FhirReadState s, ItemReader<T> read)
        where T : class =>
        r.TokenType switch
        {
            JsonTokenType.StartObject => read(ref r, ref s),
            JsonTokenType.Null => null,
            _ => throw Error(ref r, $"Expected a {typeof(T).Name} (a JSON object) but found {Describe(r.TokenType)}."),
        };

    private static T[]? List<T>(ref Utf8JsonReader r, ref FhirReadState s, ItemReader<T> readItem) =>
        List(ref r, ref s, readItem, static (ref Utf8JsonReader r, ref FhirReadState s, ItemReader<T> read) => read(ref r, ref s));

    /// <summary>
    /// A list: a single value where an array belongs (the sandbox sends <c>reasonCode</c>, <c>category</c> and
    /// <c>doseAndRate</c> as single objects) is a one-element list; <c>null</c> items (FHIR pads primitive arrays to
    /// align them with <c>_name</c> extensions) are dropped; JSON null for the whole list is <c>null</c>.
    /// </summary>
    private static T[]? List<T, TState>(ref Utf8JsonReader r, ref FhirReadState s, TState state, ItemReader<T, TState> readItem)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                if (!NextItem(ref r))
                {
                    return [];
                }

                // Most lists hold one item: that needs no buffer.
                var first = ReadItem(ref r, ref s, state, readItem);
                if (!NextItem(ref r))
                {
                    return [first];
                }

                var buffer = new PooledList<T>(8);
                buffer.Add(first);
                do
                {
                    buffer.Add(ReadItem(ref r, ref s, state, readItem));
                }
                while (NextItem(ref r));

                var items = buffer.Items.ToArray();
                buffer.Return();
                return items;
            default:
                return [ReadItem(ref r, ref s, state, readItem)];
        }
    }

    /// <summary>Moves to the array's next item that is not null; false on the array's end.</summary>
    private static bool NextItem(ref Utf8JsonReader r)
    {
        do
        {
            r.Read();
        }
        while (r.TokenType == JsonTokenType.Null);

        return r.TokenType != JsonTokenType.EndArray;
    }

    private static T ReadItem<T, TState>(ref Utf8JsonReader r, ref FhirReadState s, TState state, ItemReader<T, TState> readItem)
    {
        // Datatype readers expect an object; strings and resources check their own.
        if (r.TokenType != JsonTokenType.StartObject && typeof(T) != typeof(string) && typeof(T) != typeof(Resource))
        {
            throw Error(ref r, $"Expected a {typeof(T).Name} (a JSON object) but found {Describe(r.TokenType)}.");
        }

        return readItem(ref r, ref s, state);
    }

    /// <summary>
    /// A string that is usually one of a few values (code systems, statuses, units): the shared instance when it is,
    /// instead of a new string per resource.
    /// </summary>
    private static string? Known(ref Utf8JsonReader r)
    {
        return r.TokenType == JsonTokenType.String && !r.ValueIsEscaped && KnownValues.Find(r.ValueSpan) is { } known ? known : String(ref r);
    }

    /// <summary>A coding's code: a shared value (<see cref="Known"/>) or one of the catalog's codes is its one instance.</summary>
    /// <remarks>The catalog's table holds the shared values too (<see cref="SharedValuesAnd"/>).</remarks>
    private static string? Code(ref Utf8JsonReader r, ref FhirReadState s)
    {
        if (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped && (s.Codes ?? KnownValues).Find(r.ValueSpan) is { } known)
        {
            return known;
        }

        return String(ref r);
    }

    /// <summary>
    /// A string of a kind a request repeats (a reference, a date): the same text as one of the last few made in this read
    /// is that string again. Compared as ASCII (a value that is not is made anew, as are escaped ones).
    /// </summary>
    private static string? Repeated(ref Utf8JsonReader r, ref FhirReadState s)
    {
        if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped)
        {
            return String(ref r);
        }

        var utf8 = r.ValueSpan;
        var made = Math.Min(s.Count, FhirReadState.Kept);
        for (var i = 0; i < made; i++)
        {
            var seen = s.Made[i]!;
            if (seen.Length == utf8.Length && Ascii.Equals(utf8, seen))
            {
                return seen;
            }
        }

        var text = String(ref r);
        s.Made[(int)((uint)s.Count++ % FhirReadState.Kept)] = text;
        return text;
    }

    /// <summary>A string where the item is not null (list items; nulls were dropped before).</summary>
    private static string RequiredString(ref Utf8JsonReader r, ref FhirReadState s) => String(ref r)!;

    /// <summary>A string; a number or boolean where a string belongs keeps its text (a code sent as <c>12345</c>).</summary>
    private static string? String(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String:
                try
                {
                    return r.GetString();
                }
                catch (InvalidOperationException)
                {
                    // Invalid UTF-8 bytes or an unpaired \uD800-style escape cannot become a .NET string.
                    throw Error(ref r, "The string is not valid UTF-8 or contains an invalid \\u escape.");
                }

            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(r.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.Null:
                return null;
            default:
                throw Error(ref r, $"Expected a string but found {Describe(r.TokenType)}.");
        }
    }

    /// <summary>
    /// An exact decimal, up to decimal's 28-29 significant digits (more are rounded). A number outside decimal's range
    /// is an error, never an <see cref="OverflowException"/>; a number written as a string ("5.0") is accepted.
    /// </summary>
    private static decimal? Decimal(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Number:
                return r.TryGetDecimal(out var value)
                    ? value
                    : throw Error(ref r, $"The number {Shorten(Encoding.UTF8.GetString(r.ValueSpan))} is outside the range of a decimal (about ±7.9E+28).");
            case JsonTokenType.String:
                var text = String(ref r);
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                    ? value
                    : throw Error(ref r, $"Expected a decimal number but found the string \"{Shorten(text)}\".");
            case JsonTokenType.Null:
                return null;
            default:
                throw Error(ref r, $"Expected a decimal number but found {Describe(r.TokenType)}.");
        }
    }

    /// <summary>An integer; a whole number written with a fractional zero (<c>2.0</c>, <c>2e0</c>) or as a string is accepted.</summary>
    private static int? Int32(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Number:
                if (r.TryGetInt32(out var value) || (r.TryGetDecimal(out var number) && TryWhole(number, out value)))
                {
                    return value;
                }

                throw Error(ref r, $"Expected a whole number (integer) but found {Shorten(Encoding.UTF8.GetString(r.ValueSpan))}.");
            case JsonTokenType.String:
                var text = String(ref r);
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && TryWhole(number, out value))
                {
                    return value;
                }

                throw Error(ref r, $"Expected a whole number (integer) but found the string \"{Shorten(text)}\".");
            case JsonTokenType.Null:
                return null;
            default:
                throw Error(ref r, $"Expected a whole number (integer) but found {Describe(r.TokenType)}.");
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
    private static bool? Boolean(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.String:
                var text = String(ref r);
                return bool.TryParse(text, out var value)
                    ? value
                    : throw Error(ref r, $"Expected a boolean (true or false) but found the string \"{Shorten(text)}\".");
            case JsonTokenType.Null:
                return null;
            default:
                throw Error(ref r, $"Expected a boolean (true or false) but found {Describe(r.TokenType)}.");
        }
    }

    private static FhirReadException Error(ref Utf8JsonReader r, string message) => new(r.TokenStartIndex, message);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string? Shorten(string? text) =>
        text is null || text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}

/// <summary>The token at <see cref="Offset"/> (in the reader's input) cannot be read into the model; <see cref="FhirJson"/> locates it.</summary>
internal sealed class FhirReadException(long offset, string message) : Exception(message)
{
    public long Offset { get; } = offset;
}
