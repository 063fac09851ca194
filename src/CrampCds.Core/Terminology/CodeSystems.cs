namespace CrampCds.Core.Terminology;

public static class CodeSystems
{
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Atc = "http://www.whocc.no/atc";
    public const string Snomed = "http://snomed.info/sct";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>RxNorm as some EHRs spell it (OID form, or without the path).</summary>
    public static bool IsRxNorm(string? system) =>
        system is RxNorm or "urn:oid:2.16.840.1.113883.6.88" or "http://www.nlm.nih.gov/research/umls/rxnorm/";

    /// <summary>An RxNorm coding with a display: its display is an RxNorm name, whose strength can be read.</summary>
    public static bool IsRxNormDisplay(Fhir.Coding coding) => IsRxNorm(coding.System) && !string.IsNullOrWhiteSpace(coding.Display);

    public static bool IsAtc(string? system) => system is Atc or "urn:oid:2.16.840.1.113883.6.73";

    public static bool IsSnomed(string? system) => system is Snomed or "urn:oid:2.16.840.1.113883.6.96";

    public static bool IsIcd10Cm(string? system) =>
        system is Icd10Cm or "urn:oid:2.16.840.1.113883.6.90" or "http://hl7.org/fhir/sid/icd-10";
}
