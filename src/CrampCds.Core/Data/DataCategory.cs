namespace CrampCds.Core.Data;

/// <summary>The kinds of patient data the rules read; each is one prefetch key and one FHIR query.</summary>
public enum DataCategory
{
    Patient,
    MedicationRequests,
    MedicationStatements,
    Labs,
    Conditions,
}

public static class PrefetchKeys
{
    public const string Patient = "patient";
    public const string MedicationRequests = "medicationRequests";
    public const string MedicationStatements = "medicationStatements";
    public const string Labs = "labs";
    public const string Conditions = "conditions";

    public static IReadOnlyList<DataCategory> All { get; } = Enum.GetValues<DataCategory>();

    public static string KeyOf(DataCategory category) => category switch
    {
        DataCategory.Patient => Patient,
        DataCategory.MedicationRequests => MedicationRequests,
        DataCategory.MedicationStatements => MedicationStatements,
        DataCategory.Labs => Labs,
        DataCategory.Conditions => Conditions,
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };

    /// <summary>The resource type a category's query returns.</summary>
    public static string ResourceTypeOf(DataCategory category) => category switch
    {
        DataCategory.Patient => "Patient",
        DataCategory.MedicationRequests => "MedicationRequest",
        DataCategory.MedicationStatements => "MedicationStatement",
        DataCategory.Labs => "Observation",
        DataCategory.Conditions => "Condition",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };
}

/// <summary>Why a category of data could not be read.</summary>
public enum DataGapReason
{
    /// <summary>Not prefetched, and the request gave no FHIR server to fetch it from.</summary>
    NoFhirServer,

    /// <summary>The FHIR server is not on CrampCds:Fhir:AllowedServers (or needs http when https is required).</summary>
    ServerNotAllowed,

    /// <summary>The fetch did not finish within CrampCds:Fhir:TimeoutMs.</summary>
    Timeout,

    /// <summary>The server refused the token (401/403).</summary>
    Unauthorized,

    /// <summary>The server answered with an error status or could not be reached.</summary>
    ServerError,

    /// <summary>The server answered with something that is not the FHIR data asked for.</summary>
    Unreadable,

    /// <summary>More pages than the page cap, or a next link off the server: the data is incomplete.</summary>
    Incomplete,

    /// <summary>The prefetched value was an error or unreadable, and it could not be fetched instead.</summary>
    PrefetchUnreadable,

    /// <summary>A Medication an order references could not be read; that order is judged by its display only.</summary>
    MedicationUnresolved,
}

public sealed record DataGap(DataCategory Category, DataGapReason Reason);
