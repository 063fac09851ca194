using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CrampCds.Core.Data;
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
/// <remarks>
/// The body is read in one forward pass (a <see cref="Utf8JsonReader"/>; the FHIR resources of the prefetch and the draft
/// orders are read in the same pass), its fields gathered as they come, then checked in a fixed order, so the errors
/// come in the same order whatever the order of the fields.
/// </remarks>
public static class HookRequestParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    // The keys the services ask for: a key sent is the shared constant, not a new string per request.
    private static readonly KnownStrings PrefetchKeyNames = new([.. PrefetchKeys.All.Select(PrefetchKeys.KeyOf)]);

    public static HookRequestParseResult Parse(ReadOnlyMemory<byte> body, string expectedHook) => Parse(body, expectedHook, FhirReadOptions.Full);

    /// <param name="readOptions">What of the prefetch may be left out because no rule reads it (draft orders are read whole).</param>
    public static HookRequestParseResult Parse(ReadOnlyMemory<byte> body, string expectedHook, FhirReadOptions readOptions)
    {
        // A UTF-8 byte order mark is allowed before JSON (some clients send one); the reader does not skip it.
        if (body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        // The reader checks UTF-8 inside strings only when they are read; check once, up front.
        if (!Utf8.IsValid(body.Span))
        {
            return Fail("body", "is not valid UTF-8");
        }

        var reader = new Utf8JsonReader(body.Span, ReaderOptions);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Still read to the end: malformed JSON is named as such, whatever its first value.
                reader.Skip();
                reader.Read();
                return Fail("body", "must be a JSON object");
            }

            var fields = default(RootFields);
            // One state for the whole body: the prefetch and the draft orders share their repeated references and dates.
            var state = new FhirReadState(readOptions.Codes);
            ReadRoot(ref reader, ref state, body.Span, expectedHook, readOptions, ref fields);
            reader.Read();
            return Check(in fields, body, expectedHook);
        }
        catch (JsonException ex)
        {
            return Fail("body", $"is not valid JSON ({ex.Message})");
        }
        catch (InvalidOperationException)
        {
            // A name or string with an unpaired \uD800-style escape: valid JSON that no .NET string can hold.
            return Fail("body", "contains a name or string with an invalid \\u escape (an unpaired surrogate)");
        }
    }

    // ---- reading: each field as it comes --------------------------------------------------------------------------

    /// <summary>A field as sent: its first token (None when absent) and, for a string, its text.</summary>
    private readonly record struct Field(JsonTokenType Token, string? Text)
    {
        public bool IsAbsentOrNull => Token is JsonTokenType.None or JsonTokenType.Null;
    }

    // The fields as they come, gathered in structs filled in place: scratch that is not worth an object per request.
    private struct RootFields
    {
        public Field Hook;
        public Field HookInstance;
        public Field FhirServer;
        public JsonTokenType Authorization;
        public Field AccessToken;
        public Field TokenType;
        public Field Scope;
        public Field Subject;
        public Field Patient;
        public JsonTokenType Context;

        /// <summary>Read when <see cref="Context"/> is an object.</summary>
        public ContextFields ContextFields;

        public JsonTokenType Prefetch;
        public IReadOnlyDictionary<string, PrefetchValue>? PrefetchValues;
    }

    private struct ContextFields
    {
        public Field PatientId;
        public Field UserId;
        public Field EncounterId;
        public IReadOnlyDictionary<string, string>? Tokens;
        public JsonTokenType DraftOrders;
        public Resource? DraftResource;
        public string? DraftError;
        public List<System.Range>? DraftSpans;
        public JsonTokenType Selections;

        /// <summary>The selections array's items, null for one that is not a string.</summary>
        public string?[]? SelectionItems;
    }

    private static void ReadRoot(ref Utf8JsonReader r, ref FhirReadState state, ReadOnlySpan<byte> body, string hook, FhirReadOptions readOptions, ref RootFields fields)
    {
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("hook"u8)) fields.Hook = ReadField(ref r, hook);
            else if (r.ValueTextEquals("hookInstance"u8)) fields.HookInstance = ReadField(ref r);
            else if (r.ValueTextEquals("fhirServer"u8)) fields.FhirServer = ReadField(ref r);
            else if (r.ValueTextEquals("fhirAuthorization"u8)) ReadAuthorization(ref r, ref fields);
            else if (r.ValueTextEquals("context"u8))
            {
                r.Read();
                fields.Context = r.TokenType;
                fields.ContextFields = r.TokenType == JsonTokenType.StartObject ? ReadContext(ref r, ref state, body, hook) : SkipValue<ContextFields>(ref r);
            }
            else if (r.ValueTextEquals("prefetch"u8))
            {
                r.Read();
                fields.Prefetch = r.TokenType;
                fields.PrefetchValues = r.TokenType == JsonTokenType.StartObject
                    ? ReadPrefetch(ref r, ref state, body, readOptions)
                    : SkipValue<IReadOnlyDictionary<string, PrefetchValue>>(ref r);
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }
    }

    /// <summary>
    /// Moves from a property name to its value and keeps the value's kind and, for a string, its text: the
    /// <paramref name="expected"/> instance itself when the text is that (the hook's name), else a new string.
    /// </summary>
    private static Field ReadField(ref Utf8JsonReader r, string? expected = null)
    {
        r.Read();
        var field = new Field(
            r.TokenType,
            r.TokenType != JsonTokenType.String ? null : expected is not null && r.ValueTextEquals(expected) ? expected : r.GetString());
        r.Skip();
        return field;
    }

    private static T? SkipValue<T>(ref Utf8JsonReader r)
    {
        r.Skip();
        return default;
    }

    private static void ReadAuthorization(ref Utf8JsonReader r, ref RootFields fields)
    {
        r.Read();
        fields.Authorization = r.TokenType;

        // A duplicated fhirAuthorization keeps its last value, as a whole.
        fields.AccessToken = fields.TokenType = fields.Scope = fields.Subject = fields.Patient = default;
        if (r.TokenType != JsonTokenType.StartObject)
        {
            r.Skip();
            return;
        }

        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("access_token"u8)) fields.AccessToken = ReadField(ref r);
            else if (r.ValueTextEquals("token_type"u8)) fields.TokenType = ReadField(ref r);
            else if (r.ValueTextEquals("scope"u8)) fields.Scope = ReadField(ref r);
            else if (r.ValueTextEquals("subject"u8)) fields.Subject = ReadField(ref r);
            else if (r.ValueTextEquals("patient"u8)) fields.Patient = ReadField(ref r);
            else
            {
                r.Read();
                r.Skip();
            }
        }
    }

    private static ContextFields ReadContext(ref Utf8JsonReader r, ref FhirReadState state, ReadOnlySpan<byte> body, string hook)
    {
        var context = default(ContextFields);
        var tokens = new PooledList<KeyValuePair<string, string>>(8);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            // The usual names are shared strings; others (prefetch tokens may name any) are read only for a primitive value.
            // A name written with escapes is decoded here; one no string can hold matters only if a token would need it.
            string? name = null;
            if (r.ValueIsEscaped)
            {
                try
                {
                    name = r.GetString();
                }
                catch (InvalidOperationException)
                {
                }
            }
            else if (r.ValueTextEquals("patientId"u8)) name = "patientId";
            else if (r.ValueTextEquals("userId"u8)) name = "userId";
            else if (r.ValueTextEquals("encounterId"u8)) name = "encounterId";
            else if (r.ValueTextEquals("draftOrders"u8)) name = "draftOrders";
            else if (r.ValueTextEquals("selections"u8)) name = "selections";

            var nameToken = r;
            r.Read();
            if (name is null)
            {
                if (r.TokenType is not (JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False))
                {
                    r.Skip();
                    continue;
                }

                name = nameToken.GetString()!;
            }

            switch (r.TokenType)
            {
                case JsonTokenType.String:
                    var text = r.GetString()!;
                    tokens.Add(new(name, text));
                    Assign(ref context, name, new Field(JsonTokenType.String, text));
                    break;
                case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                    tokens.Add(new(name, Encoding.UTF8.GetString(r.ValueSpan)));
                    Assign(ref context, name, new Field(r.TokenType, null));
                    break;
                default:
                    if (name == "draftOrders" && HookNames.IsOrderHook(hook)) ReadDraftOrders(ref r, ref state, body, ref context);
                    else if (name == "selections" && hook == HookNames.OrderSelect) ReadSelections(ref r, ref context);
                    else
                    {
                        Assign(ref context, name, new Field(r.TokenType, null));
                        r.Skip();
                    }

                    break;
            }
        }

        context.Tokens = SmallMap<string>.Create(tokens.Items);
        tokens.Return();
        return context;
    }

    private static void Assign(ref ContextFields context, string name, Field field)
    {
        switch (name)
        {
            case "patientId":
                context.PatientId = field;
                break;
            case "userId":
                context.UserId = field;
                break;
            case "encounterId":
                context.EncounterId = field;
                break;
            case "draftOrders":
                context.DraftOrders = field.Token;
                context.DraftResource = null;
                context.DraftError = null;
                break;
            case "selections":
                context.Selections = field.Token;
                break;
        }
    }

    /// <summary>The draft Bundle, read where it stands, and the byte range of each entry's resource in the body.</summary>
    private static void ReadDraftOrders(ref Utf8JsonReader r, ref FhirReadState state, ReadOnlySpan<byte> body, ref ContextFields context)
    {
        context.DraftOrders = r.TokenType;
        context.DraftResource = null;
        context.DraftError = null;
        context.DraftSpans = null;
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        context.DraftSpans = [];
        context.DraftResource = FhirJson.TryReadElement(ref r, ref state, body, FhirReadOptions.Full, out context.DraftError, context.DraftSpans);
    }

    private static void ReadSelections(ref Utf8JsonReader r, ref ContextFields context)
    {
        context.Selections = r.TokenType;
        context.SelectionItems = null;
        if (r.TokenType != JsonTokenType.StartArray)
        {
            r.Skip();
            return;
        }

        // Counted ahead on a copy of the reader (the array is short), so the items go straight into an array of their size.
        var items = new string?[CountItems(r)];
        for (var i = 0; i < items.Length; i++)
        {
            r.Read();
            items[i] = r.TokenType == JsonTokenType.String ? r.GetString() : null;
            r.Skip();
        }

        r.Read();
        context.SelectionItems = items;
    }

    private static int CountItems(Utf8JsonReader array)
    {
        var count = 0;
        while (array.Read() && array.TokenType != JsonTokenType.EndArray)
        {
            array.Skip();
            count++;
        }

        return count;
    }

    private static IReadOnlyDictionary<string, PrefetchValue> ReadPrefetch(ref Utf8JsonReader r, ref FhirReadState state, ReadOnlySpan<byte> body, FhirReadOptions readOptions)
    {
        var prefetch = new PooledList<KeyValuePair<string, PrefetchValue>>(8);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var key = (r.ValueIsEscaped ? null : PrefetchKeyNames.Find(r.ValueSpan)) ?? r.GetString()!;
            r.Read();
            prefetch.Add(new(key, r.TokenType switch
            {
                JsonTokenType.Null => new(PrefetchState.NoData, null),
                JsonTokenType.StartObject => ReadPrefetchResource(ref r, ref state, body, readOptions),
                _ => SkipFailed(ref r),
            }));
        }

        var values = SmallMap<PrefetchValue>.Create(prefetch.Items);
        prefetch.Return();
        return values;
    }

    private static PrefetchValue ReadPrefetchResource(ref Utf8JsonReader r, ref FhirReadState state, ReadOnlySpan<byte> body, FhirReadOptions readOptions) =>
        FhirJson.TryReadElement(ref r, ref state, body, readOptions, out _) switch
        {
            // An unreadable prefetch value is as good as none: the gatherer fetches it instead.
            null => new(PrefetchState.Failed, null),
            OperationOutcome outcome => new(PrefetchState.Failed, outcome),
            var resource => new(PrefetchState.Present, resource),
        };

    private static PrefetchValue SkipFailed(ref Utf8JsonReader r)
    {
        r.Skip();
        return new(PrefetchState.Failed, null);
    }

    // ---- checking: in a fixed order ---------------------------------------------------------------------------------

    private static HookRequestParseResult Check(in RootFields fields, ReadOnlyMemory<byte> body, string expectedHook)
    {
        var errors = new List<RequestError>();
        var hook = RequiredString(fields.Hook, "hook", errors);
        if (hook is not null && !string.Equals(hook, expectedHook, StringComparison.Ordinal))
        {
            errors.Add(new("hook", $"is '{hook}', but this service answers '{expectedHook}'"));
        }

        var hookInstance = RequiredString(fields.HookInstance, "hookInstance", errors);
        var fhirServer = CheckFhirServer(fields.FhirServer, errors);
        var authorization = CheckAuthorization(in fields, errors);
        if (authorization is not null && fhirServer is null && fields.FhirServer.Token == JsonTokenType.None)
        {
            errors.Add(new("fhirServer", "is required when fhirAuthorization is given"));
        }

        HookContext? context = null;
        if (fields.Context is JsonTokenType.None or JsonTokenType.Null)
        {
            errors.Add(new("context", "is required"));
        }
        else if (fields.Context != JsonTokenType.StartObject)
        {
            errors.Add(new("context", "must be an object"));
        }
        else
        {
            context = CheckContext(in fields.ContextFields, body, expectedHook, errors);
        }

        if (fields.Prefetch is not (JsonTokenType.None or JsonTokenType.Null or JsonTokenType.StartObject))
        {
            errors.Add(new("prefetch", "must be an object of prefetch keys"));
        }

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
            Prefetch = fields.PrefetchValues ?? (IReadOnlyDictionary<string, PrefetchValue>)FrozenDictionary<string, PrefetchValue>.Empty,
        }, errors);
    }

    private static HookContext? CheckContext(in ContextFields fields, ReadOnlyMemory<byte> body, string hook, List<RequestError> errors)
    {
        var patientId = RequiredString(fields.PatientId, "context.patientId", errors);
        if (patientId is not null && !FhirId.IsValid(patientId))
        {
            errors.Add(new("context.patientId", "is not a valid FHIR id (letters, digits, '-' and '.', at most 64)"));
            patientId = null;
        }

        IReadOnlyList<Resource> drafts = [];
        IReadOnlyList<string> selections = [];
        IReadOnlyDictionary<string, ReadOnlyMemory<byte>> draftJson = FrozenDictionary<string, ReadOnlyMemory<byte>>.Empty;
        if (HookNames.IsOrderHook(hook))
        {
            drafts = CheckDraftOrders(in fields, body, ref draftJson, errors) ?? [];
            if (hook == HookNames.OrderSelect)
            {
                selections = CheckSelections(in fields, drafts, errors);
            }
        }

        return patientId is null
            ? null
            : new HookContext
            {
                PatientId = patientId,
                UserId = fields.UserId.Text,
                EncounterId = fields.EncounterId.Text,
                DraftOrders = drafts,
                DraftJson = draftJson,
                Selections = selections,
                TokenValues = fields.Tokens ?? FrozenDictionary<string, string>.Empty,
            };
    }

    /// <summary>
    /// The draft orders, and each one's JSON (by "Type/id") as a slice of the body, not a copy: the entries' ranges were
    /// noted as the Bundle was read.
    /// </summary>
    private static Resource[]? CheckDraftOrders(
        in ContextFields fields, ReadOnlyMemory<byte> body, ref IReadOnlyDictionary<string, ReadOnlyMemory<byte>> draftJson, List<RequestError> errors)
    {
        if (fields.DraftOrders is JsonTokenType.None or JsonTokenType.Null)
        {
            errors.Add(new("context.draftOrders", "is required for this hook"));
            return null;
        }

        if (fields.DraftError is not null || fields.DraftResource is null)
        {
            errors.Add(new("context.draftOrders", $"is not a readable FHIR Bundle: {fields.DraftError ?? "expected a FHIR Bundle (a JSON object)"}"));
            return null;
        }

        if (fields.DraftResource is not Bundle bundle)
        {
            errors.Add(new("context.draftOrders", $"must be a FHIR Bundle, not {fields.DraftResource.TypeName}"));
            return null;
        }

        // The reader noted a range for each entry that has a resource, in order.
        var spans = fields.DraftSpans!;
        var drafts = new Resource[spans.Count];
        var json = new PooledList<KeyValuePair<string, ReadOnlyMemory<byte>>>(drafts.Length);
        var count = 0;
        foreach (var entry in bundle.Entry ?? [])
        {
            if (entry.Resource is not { } draft)
            {
                continue;
            }

            var (offset, length) = spans[count].GetOffsetAndLength(body.Length);
            drafts[count++] = draft;
            if (draft.Id is not null)
            {
                json.Add(new(DraftKey(draft, fields.SelectionItems), body.Slice(offset, length)));
            }
        }

        draftJson = SmallMap<ReadOnlyMemory<byte>>.Create(json.Items);
        json.Return();
        return drafts;
    }

    /// <summary>"Type/id": the very string of a selection that names the draft (order-select names them so), else a new one.</summary>
    private static string DraftKey(Resource draft, string?[]? selections)
    {
        foreach (var selection in selections ?? [])
        {
            // Matching, it reads "Type/id" exactly.
            if (selection is not null && DraftOrders.Matches(draft, selection))
            {
                return selection;
            }
        }

        return $"{draft.TypeName}/{draft.Id}";
    }

    private static string[] CheckSelections(in ContextFields fields, IReadOnlyList<Resource> drafts, List<RequestError> errors)
    {
        if (fields.Selections is JsonTokenType.None or JsonTokenType.Null)
        {
            errors.Add(new("context.selections", "is required for order-select"));
            return [];
        }

        if (fields.Selections != JsonTokenType.StartArray)
        {
            errors.Add(new("context.selections", "must be an array of \"ResourceType/id\" references"));
            return [];
        }

        var items = fields.SelectionItems!;
        var valid = true;
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] is not { } reference)
            {
                errors.Add(new($"context.selections[{i}]", "must be a string"));
                valid = false;
            }
            else if (!NamesADraft(drafts, reference))
            {
                errors.Add(new($"context.selections[{i}]", $"'{Truncate(reference)}' does not refer to an entry in context.draftOrders"));
                valid = false;
            }
        }

        // The items as read are the selections when every one is a string naming a draft (else the request is refused).
        return valid ? items! as string[] : [];
    }

    private static bool NamesADraft(IReadOnlyList<Resource> drafts, string reference)
    {
        // Indexed, not foreach: enumerating through the interface would allocate.
        for (var i = 0; i < drafts.Count; i++)
        {
            if (DraftOrders.Matches(drafts[i], reference))
            {
                return true;
            }
        }

        return false;
    }

    private static Uri? CheckFhirServer(Field field, List<RequestError> errors)
    {
        if (field.IsAbsentOrNull)
        {
            return null;
        }

        if (Uri.TryCreate(field.Text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return uri;
        }

        errors.Add(new("fhirServer", "must be an absolute http(s) URL"));
        return null;
    }

    private static FhirAuthorization? CheckAuthorization(in RootFields fields, List<RequestError> errors)
    {
        if (fields.Authorization is JsonTokenType.None or JsonTokenType.Null)
        {
            return null;
        }

        if (fields.Authorization != JsonTokenType.StartObject)
        {
            errors.Add(new("fhirAuthorization", "must be an object"));
            return null;
        }

        var token = RequiredString(fields.AccessToken, "fhirAuthorization.access_token", errors);
        if (token is not null && !IsBearerToken(token))
        {
            errors.Add(new("fhirAuthorization.access_token", "is not an OAuth 2.0 bearer token (RFC 6750 characters only)"));
            return null;
        }

        var type = fields.TokenType.Text ?? "Bearer";
        if (!string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new("fhirAuthorization.token_type", "must be 'Bearer'"));
            return null;
        }

        return token is null ? null : new FhirAuthorization(token, "Bearer", fields.Scope.Text, fields.Subject.Text, fields.Patient.Text);
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

    private static string? RequiredString(Field field, string name, List<RequestError> errors)
    {
        if (field.IsAbsentOrNull)
        {
            errors.Add(new(name, "is required"));
            return null;
        }

        if (string.IsNullOrWhiteSpace(field.Text))
        {
            errors.Add(new(name, "must be a non-empty string"));
            return null;
        }

        return field.Text;
    }

    // Echoed input is cut short: an error message is no place for a whole payload.
    private static string Truncate(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 80), "...");

    private static HookRequestParseResult Fail(string field, string message) => new(null, [new RequestError(field, message)]);
}
