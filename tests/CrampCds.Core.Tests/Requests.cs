using System.Text;
using CrampCds.Core.Hooks;

namespace CrampCds.Core.Tests;

/// <summary>Builds hook request bodies the way EHRs and the sandbox send them.</summary>
public static class Requests
{
    public const string QuinineCoding = """{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"997010","display":"quinine sulfate 324 MG Oral Capsule"}""";
    public const string BaclofenCoding = """{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"197391","display":"Baclofen 10 MG Oral Tablet"}""";

    public static string Draft(string id, string medicationJson, string extra = "") =>
        $$"""{"resourceType":"MedicationRequest","id":"{{id}}","status":"draft","intent":"order","subject":{"reference":"Patient/p1"},{{medicationJson}}{{extra}}}""";

    public static string CodedDraft(string id, string codingJson, string extra = "") =>
        Draft(id, $$"""  "medicationCodeableConcept":{"coding":[{{codingJson}}]}""", extra);

    public static string OrderHook(string hook, IEnumerable<string> drafts, IEnumerable<string>? selections = null, string prefetch = "", string extraTop = "")
    {
        var entries = string.Join(",", drafts.Select(d => $$"""{"resource":{{d}}}"""));
        var selectionJson = hook == HookNames.OrderSelect
            ? $$""","selections":[{{string.Join(",", (selections ?? []).Select(s => $"\"{s}\""))}}]"""
            : "";
        var prefetchJson = prefetch.Length > 0 ? $",\"prefetch\":{prefetch}" : "";
        return "{\"hook\":\"" + hook + "\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\"" + extraTop
            + ",\"context\":{\"userId\":\"Practitioner/example\",\"patientId\":\"p1\"" + selectionJson
            + ",\"draftOrders\":{\"resourceType\":\"Bundle\",\"entry\":[" + entries + "]}}" + prefetchJson + "}";
    }

    public static HookRequest Parse(string json, string hook)
    {
        var result = HookRequestParser.Parse(Encoding.UTF8.GetBytes(json), hook);
        return result.Request ?? throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => $"{e.Field} {e.Message}")));
    }

    public static IReadOnlyList<RequestError> Errors(string json, string hook) =>
        HookRequestParser.Parse(Encoding.UTF8.GetBytes(json), hook).Errors;
}
