using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Hooks;

/// <summary>One problem with a request body, named by its JSON path.</summary>
public sealed record RequestError(string Field, string Message);

/// <summary>Either a request or the reasons it was refused.</summary>
public sealed record HookRequestParseResult(HookRequest? Request, IReadOnlyList<RequestError> Errors)
{
    public bool IsValid => Request is not null;
}

/// <summary>
/// Binds and checks a hook call body. Lenient about what the spec lets clients add (unknown fields,
/// <c>extension</c>), strict about what the rules depend on (hook, patientId, draft orders, selections).
/// </summary>
public static class HookRequestParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static HookRequestParseResult Parse(ReadOnlyMemory<byte> body, string expectedHook) => Parse(body, expectedHook, FhirReadOptions.Full);

    /// <param name="readOptions">What of the prefetch may be left out because no rule reads it (draft orders are read whole).</param>
    public static HookRequestParseResult Parse(ReadOnlyMemory<byte> body, string expectedHook, FhirReadOptions readOptions)
    {
        // A UTF-8 byte order mark is allowed before JSON (some clients send one); the reader does not skip it.
        if (body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        // JsonDocument defers UTF-8 checks inside strings until they are read; check once, up front.
        if (!Utf8.IsValid(body.Span))
        {
            return Fail("body", "is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Fail("body", $"is not valid JSON ({ex.Message})");
        }

        using (document)
        {
            try
            {
                return Bind(document.RootElement, body, expectedHook, readOptions);
            }
            catch (InvalidOperationException)
            {
                // A name or string with an unpaired \uD800-style escape: valid JSON that no .NET string can hold.
                return Fail("body", "contains a name or string with an invalid \\u escape (an unpaired surrogate)");
            }
        }
    }

    private static HookRequestParseResult Bind(JsonElement root, ReadOnlyMemory<byte> body, string expectedHook, FhirReadOptions readOptions)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail("body", "must be a JSON object");
        }

        var errors = new List<RequestError>();
        var hook = RequiredString(root, "hook", errors);
        if (hook is not null && !string.Equals(hook, expectedHook, StringComparison.Ordinal))
        {
            errors.Add(new("hook", $"is '{hook}', but this service answers '{expectedHook}'"));
        }

        var hookInstance = RequiredString(root, "hookInstance", errors);
        var fhirServer = ReadFhirServer(root, errors);
        var authorization = ReadAuthorization(root, errors);
        if (authorization is not null && fhirServer is null && !root.TryGetProperty("fhirServer", out _))
        {
            errors.Add(new("fhirServer", "is required when fhirAuthorization is given"));
        }

        HookContext? context = null;
        if (!root.TryGetProperty("context", out var contextElement) || contextElement.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new("context", "is required"));
        }
        else if (contextElement.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("context", "must be an object"));
        }
        else
        {
            context = ReadContext(contextElement, body, expectedHook, errors);
        }

        var prefetch = ReadPrefetch(root, readOptions, errors);
        if (errors.Count > 0 || hook is null || hookInstance is null || context is null)
        {
            return new(null, errors);
        }

        return new(new HookRequest
        {
            Hook = hook,
            HookInstance = hookInstance,
            FhirServer = fhirServer,
            FhirAuthorization = authorization,
            Context = context,
            Prefetch = prefetch,
        }, errors);
    }

    private static HookContext? ReadContext(JsonElement context, ReadOnlyMemory<byte> body, string hook, List<RequestError> errors)
    {
        var patientId = RequiredString(context, "patientId", errors, "context.");
        if (patientId is not null && !FhirId.IsValid(patientId))
        {
            errors.Add(new("context.patientId", "is not a valid FHIR id (letters, digits, '-' and '.', at most 64)"));
            patientId = null;
        }

        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in context.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                tokens[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText();
            }
        }

        IReadOnlyList<Resource> drafts = [];
        IReadOnlyList<string> selections = [];
        var draftJson = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        if (HookNames.IsOrderHook(hook))
        {
            drafts = ReadDraftOrders(context, body, draftJson, errors) ?? [];
            if (hook == HookNames.OrderSelect)
            {
                selections = ReadSelections(context, drafts, errors);
            }
        }

        return patientId is null
            ? null
            : new HookContext
            {
                PatientId = patientId,
                UserId = OptionalString(context, "userId"),
                EncounterId = OptionalString(context, "encounterId"),
                DraftOrders = drafts,
                DraftJson = draftJson,
                Selections = selections,
                TokenValues = tokens,
            };
    }

    /// <summary>
    /// The draft orders, and each one's JSON (by "Type/id") as a slice of the body, not a copy: the body was parsed in
    /// place, so an element's raw text lies inside it.
    /// </summary>
    private static List<Resource>? ReadDraftOrders(
        JsonElement context, ReadOnlyMemory<byte> body, Dictionary<string, ReadOnlyMemory<byte>> draftJson, List<RequestError> errors)
    {
        if (!context.TryGetProperty("draftOrders", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new("context.draftOrders", "is required for this hook"));
            return null;
        }

        Resource resource;
        try
        {
            resource = FhirJson.FromElement(element);
        }
        catch (FhirParseException ex)
        {
            errors.Add(new("context.draftOrders", $"is not a readable FHIR Bundle: {ex.Message}"));
            return null;
        }

        if (resource is not Bundle bundle)
        {
            errors.Add(new("context.draftOrders", $"must be a FHIR Bundle, not {resource.TypeName}"));
            return null;
        }

        // The reader drops null entries and takes a lone entry object as a list of one: the elements line up likewise.
        var entries = bundle.Entry ?? [];
        var elements = element.TryGetProperty("entry", out var entryElement) ? EntryElements(entryElement) : [];
        var drafts = new List<Resource>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i].Resource is not { } draft)
            {
                continue;
            }

            drafts.Add(draft);
            if (draft.Id is not null && elements[i].TryGetProperty("resource", out var draftElement))
            {
                var raw = JsonMarshal.GetRawUtf8Value(draftElement);
                var offset = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(body.Span), ref MemoryMarshal.GetReference(raw));
                draftJson[$"{draft.TypeName}/{draft.Id}"] = body.Slice(offset, raw.Length);
            }
        }

        return drafts;
    }

    private static List<JsonElement> EntryElements(JsonElement entry)
    {
        var elements = new List<JsonElement>();
        if (entry.ValueKind == JsonValueKind.Object)
        {
            elements.Add(entry);
        }
        else if (entry.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in entry.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Null)
                {
                    elements.Add(item);
                }
            }
        }

        return elements;
    }

    private static List<string> ReadSelections(JsonElement context, IReadOnlyList<Resource> drafts, List<RequestError> errors)
    {
        var selections = new List<string>();
        if (!context.TryGetProperty("selections", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new("context.selections", "is required for order-select"));
            return selections;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new("context.selections", "must be an array of \"ResourceType/id\" references"));
            return selections;
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var field = $"context.selections[{index++}]";
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add(new(field, "must be a string"));
                continue;
            }

            var reference = item.GetString()!;
            if (!drafts.Any(d => DraftOrders.Matches(d, reference)))
            {
                errors.Add(new(field, $"'{Truncate(reference)}' does not refer to an entry in context.draftOrders"));
                continue;
            }

            selections.Add(reference);
        }

        return selections;
    }

    private static Dictionary<string, PrefetchValue> ReadPrefetch(JsonElement root, FhirReadOptions readOptions, List<RequestError> errors)
    {
        var prefetch = new Dictionary<string, PrefetchValue>(StringComparer.Ordinal);
        if (!root.TryGetProperty("prefetch", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return prefetch;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("prefetch", "must be an object of prefetch keys"));
            return prefetch;
        }

        foreach (var property in element.EnumerateObject())
        {
            prefetch[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Null => new(PrefetchState.NoData, null),
                JsonValueKind.Object => ReadPrefetchResource(property.Value, readOptions),
                _ => new(PrefetchState.Failed, null),
            };
        }

        return prefetch;
    }

    private static PrefetchValue ReadPrefetchResource(JsonElement element, FhirReadOptions readOptions)
    {
        try
        {
            var resource = FhirJson.FromElement(element, readOptions);
            return resource is OperationOutcome ? new(PrefetchState.Failed, resource) : new(PrefetchState.Present, resource);
        }
        catch (FhirParseException)
        {
            // An unreadable prefetch value is as good as none: the gatherer fetches it instead.
            return new(PrefetchState.Failed, null);
        }
    }

    private static Uri? ReadFhirServer(JsonElement root, List<RequestError> errors)
    {
        if (!root.TryGetProperty("fhirServer", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.String
            && Uri.TryCreate(element.GetString(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return uri;
        }

        errors.Add(new("fhirServer", "must be an absolute http(s) URL"));
        return null;
    }

    private static FhirAuthorization? ReadAuthorization(JsonElement root, List<RequestError> errors)
    {
        if (!root.TryGetProperty("fhirAuthorization", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("fhirAuthorization", "must be an object"));
            return null;
        }

        var token = RequiredString(element, "access_token", errors, "fhirAuthorization.");
        if (token is not null && !IsBearerToken(token))
        {
            errors.Add(new("fhirAuthorization.access_token", "is not an OAuth 2.0 bearer token (RFC 6750 characters only)"));
            return null;
        }

        var type = OptionalString(element, "token_type") ?? "Bearer";
        if (!string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new("fhirAuthorization.token_type", "must be 'Bearer'"));
            return null;
        }

        return token is null
            ? null
            : new FhirAuthorization(token, "Bearer", OptionalString(element, "scope"), OptionalString(element, "subject"), OptionalString(element, "patient"));
    }

    // RFC 6750 b64token: what may follow "Bearer " in an Authorization header.
    private static bool IsBearerToken(string token)
    {
        var end = token.Length;
        while (end > 0 && token[end - 1] == '=')
        {
            end--;
        }

        if (end == 0)
        {
            return false;
        }

        foreach (var c in token.AsSpan(0, end))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    private static string? RequiredString(JsonElement parent, string name, List<RequestError> errors, string prefix = "")
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new(prefix + name, "is required"));
            return null;
        }

        if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
        {
            errors.Add(new(prefix + name, "must be a non-empty string"));
            return null;
        }

        return element.GetString();
    }

    private static string? OptionalString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    // Echoed input is cut short: an error message is no place for a whole payload.
    private static string Truncate(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 80), "...");

    private static HookRequestParseResult Fail(string field, string message) => new(null, [new RequestError(field, message)]);
}
