using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace CrampCds.Core.Fhir;

/// <summary>
/// A lean, lenient reader of FHIR R4 JSON (STU3 and DSTU2 shapes tolerated) into the records of this namespace.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>resourceType</c> picks the record wherever a <see cref="Resource"/> is declared and may appear anywhere in
/// the object (when it appears twice, the first one counts); a DSTU2 <c>MedicationOrder</c> reads as a
/// <see cref="MedicationRequest"/> with <see cref="MedicationRequest.SourceType"/> <c>"MedicationOrder"</c>; other
/// types become an <see cref="OtherResource"/> carrying only the type and <c>id</c>.</item>
/// <item>Unknown properties are ignored; names are case-sensitive; a duplicated property keeps its last value.</item>
/// <item>A single value where a list belongs reads as a one-element list; <c>null</c> items in arrays are dropped;
/// <c>null</c> where an object or a list belongs reads as <c>null</c>.</item>
/// <item>Decimals are exact <see cref="decimal"/> values; one outside decimal's range is an error. Integers accept
/// <c>2.0</c>. A number or boolean where a string belongs keeps its text.</item>
/// <item>JSON syntax is strict (no comments, no trailing commas); a leading UTF-8 byte order mark is accepted.</item>
/// </list>
/// Every failure to read the input is a <see cref="FhirParseException"/> whose message says what is wrong and where.
/// </remarks>
public static class FhirJson
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 128 };

    // An element's document may have been parsed allowing comments and trailing commas: its raw text is read likewise.
    private static readonly JsonReaderOptions ElementOptions = new() { MaxDepth = 128, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Parses one resource of any type from UTF-8 JSON.</summary>
    /// <exception cref="FhirParseException">The input is not JSON, or not a resource this reader can read.</exception>
    public static Resource Parse(ReadOnlySpan<byte> utf8Json)
    {
        return ParseCore(utf8Json);
    }

    /// <summary>Parses one resource of any type from JSON text.</summary>
    /// <exception cref="FhirParseException">The input is not JSON, or not a resource this reader can read.</exception>
    public static Resource Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var text = json.AsSpan();
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(Encoding.UTF8.GetByteCount(text), 1));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            return ParseCore(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>Reads the stream to its end and parses one resource of any type from it.</summary>
    /// <exception cref="FhirParseException">The input is not JSON, or not a resource this reader can read.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while reading.</exception>
    /// <exception cref="IOException">The stream itself failed (e.g. the client went away).</exception>
    public static ValueTask<Resource> ParseAsync(Stream utf8Json, CancellationToken cancellationToken) =>
        ParseAsync(utf8Json, FhirReadOptions.Full, cancellationToken);

    /// <summary>As <see cref="ParseAsync(Stream, CancellationToken)"/>, leaving out what <paramref name="options"/> says no rule reads.</summary>
    public static async ValueTask<Resource> ParseAsync(Stream utf8Json, FhirReadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);

        // The whole resource is needed anyway (resourceType may be its last property), so buffer it and parse in one pass.
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize(utf8Json));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= Array.MaxLength)
                    {
                        throw new FhirParseException("The FHIR JSON is too large to read.");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Array.MaxLength));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = larger;
                }

                var read = await utf8Json.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return ParseCore(buffer.AsSpan(0, length), options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>
    /// Converts an already-parsed element (a prefetch value, <c>context.draftOrders</c> ...). Locations in error messages
    /// are relative to the element (<c>$</c> is the element).
    /// </summary>
    /// <exception cref="FhirParseException">The element is not an object, or not a resource this reader can read.</exception>
    public static Resource FromElement(JsonElement element) => FromElement(element, FhirReadOptions.Full);

    /// <summary>As <see cref="FromElement(JsonElement)"/>, leaving out what <paramref name="options"/> says no rule reads.</summary>
    /// <exception cref="FhirParseException">The element is not an object, or not a resource this reader can read.</exception>
    public static Resource FromElement(JsonElement element, FhirReadOptions options)
    {
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            throw new FhirParseException("Invalid FHIR JSON: expected a FHIR resource (a JSON object) but the element is undefined (a default JsonElement).");
        }

        var json = JsonMarshal.GetRawUtf8Value(element);
        var reader = new Utf8JsonReader(json, ElementOptions);
        reader.Read();
        var state = new FhirReadState(options.Codes);
        return Read(ref reader, ref state, json, options, fromElement: true);
    }

    /// <summary>
    /// Reads the resource that <paramref name="reader"/> (over <paramref name="json"/>) is on, leaving the reader on its last
    /// token: a resource inside a larger document, read in the same pass. When the value is not a resource this reader can
    /// read, it is skipped instead (the reader is still left on its last token) and <paramref name="error"/> says why, its
    /// locations relative to the value.
    /// </summary>
    /// <param name="entrySpans">When given, receives the byte range (in <paramref name="json"/>) of each entry's resource if this is a Bundle.</param>
    /// <exception cref="JsonException">The JSON itself is malformed.</exception>
    internal static Resource? TryReadElement(
        ref Utf8JsonReader reader, ref FhirReadState state, ReadOnlySpan<byte> json, FhirReadOptions options, out string? error, List<System.Range>? entrySpans = null)
    {
        var start = reader;
        try
        {
            error = null;
            return Read(ref reader, ref state, json, options, fromElement: true, entrySpans);
        }
        catch (FhirParseException ex)
        {
            error = ex.Message;
            reader = start;
            reader.Skip();
            return null;
        }
    }

    private static Resource ParseCore(ReadOnlySpan<byte> json, FhirReadOptions? options = null)
    {
        if (json.StartsWith(Utf8Bom))
        {
            json = json[Utf8Bom.Length..];
        }

        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                throw new FhirParseException("Invalid FHIR JSON: expected a FHIR resource (a JSON object) but found null.");
            }

            options ??= FhirReadOptions.Full;
            var state = new FhirReadState(options.Codes);
            var resource = Read(ref reader, ref state, json, options, fromElement: false);

            // Nothing but white space may follow the resource.
            reader.Read();
            return resource;
        }
        catch (JsonException ex)
        {
            throw SyntaxFailure(ex, json);
        }
    }

    private static Resource Read(
        ref Utf8JsonReader reader, ref FhirReadState state, ReadOnlySpan<byte> json, FhirReadOptions options, bool fromElement, List<System.Range>? entrySpans = null)
    {
        var start = (int)reader.TokenStartIndex;
        try
        {
            return FhirTokenReader.ReadResource(ref reader, ref state, options, entrySpans);
        }
        catch (FhirReadException ex)
        {
            // Paths and lines are counted from the resource's first byte.
            var resource = json[start..];
            var offset = (int)ex.Offset - start;
            var line = resource[..offset].Count((byte)'\n');
            throw Located(ex.Message, ex, JsonErrorLocator.PathAt(resource, offset), line, position: null, fromElement);
        }
    }

    private static int InitialBufferSize(Stream stream)
    {
        const int Default = 16 * 1024;
        try
        {
            // One more byte than the rest of the stream, so the final zero-length read needs no larger buffer.
            return stream.CanSeek ? (int)Math.Clamp(stream.Length - stream.Position + 1, 1, Array.MaxLength) : Default;
        }
        catch (NotSupportedException)
        {
            return Default;
        }
    }

    private static FhirParseException SyntaxFailure(JsonException ex, ReadOnlySpan<byte> json)
    {
        var line = ex.LineNumber;
        var position = ex.BytePositionInLine;
        var path = line is { } l ? JsonErrorLocator.PathAt(json, JsonErrorLocator.OffsetOf(json, l, position ?? 0)) : null;
        return Located(Tidy(ex.Message), ex, path, line, position, fromElement: false);
    }

    private static FhirParseException Located(string reason, Exception ex, string? path, long? line, long? position, bool fromElement)
    {
        var where = new StringBuilder();
        if (path is not null)
        {
            where.Append(" at ").Append(path);
        }

        if (line is not null)
        {
            where.Append(" (line ").Append(line + 1);
            if (position is not null)
            {
                where.Append(", byte ").Append(position + 1);
            }

            where.Append(fromElement ? " of the element)" : ")");
        }

        return new FhirParseException($"Invalid FHIR JSON{where}: {reason}", ex, path, line + 1);
    }

    /// <summary>Drops System.Text.Json's own location suffix (we add a better one).</summary>
    private static string Tidy(string message)
    {
        var cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>The JSON could not be read as FHIR. The message says what is wrong and where (JSON path and line).</summary>
public sealed class FhirParseException : Exception
{
    public FhirParseException()
        : base("Invalid FHIR JSON.")
    {
    }

    public FhirParseException(string message)
        : base(message)
    {
    }

    public FhirParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal FhirParseException(string message, Exception innerException, string? jsonPath, long? lineNumber)
        : base(message, innerException)
    {
        JsonPath = jsonPath;
        LineNumber = lineNumber;
    }

    /// <summary>Where the problem is, e.g. <c>$.entry[3].resource.valueQuantity.value</c>, when known.</summary>
    public string? JsonPath { get; }

    /// <summary>The 1-based line of the problem in the parsed text (of the element, for FromElement), when known.</summary>
    public long? LineNumber { get; }
}

/// <summary>
/// Finds the JSON path of an error position by re-reading the input up to it. Runs only after a failure, so the
/// path is exact and absolute even though nested converters start their own serializer state.
/// </summary>
internal static class JsonErrorLocator
{
    private record struct Frame(bool IsArray, int Count, string? Name);

    /// <summary>The byte offset of a 0-based line and byte position, or -1 when the input has fewer lines.</summary>
    public static long OffsetOf(ReadOnlySpan<byte> json, long lineNumber, long bytePositionInLine)
    {
        long offset = 0;
        for (long line = 0; line < lineNumber; line++)
        {
            var newline = json[(int)offset..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return -1;
            }

            offset += newline + 1;
        }

        return offset + bytePositionInLine;
    }

    /// <summary>The JSON path of the value at (or the token before) a byte offset; null for a negative offset.</summary>
    public static string? PathAt(ReadOnlySpan<byte> json, long offset)
    {
        if (offset < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 128 });

        var frames = new List<Frame>();
        try
        {
            while (reader.Read() && reader.TokenStartIndex < offset)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1] = frames[^1] with { Name = NameOf(ref reader) };
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        CountValue(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray, 0, null));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        CountValue(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // A syntax error: the reader stopped where the parser did.
        }

        var path = new StringBuilder("$");
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                if (frame.Count > 0)
                {
                    path.Append('[').Append(frame.Count - 1).Append(']');
                }
            }
            else if (frame.Name is { } name)
            {
                if (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    path.Append('.').Append(name);
                }
                else
                {
                    path.Append("['").Append(name.Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
                }
            }
        }

        return path.ToString();
    }

    // A name no .NET string can hold (an unpaired \uD800 escape) is shown as written.
    private static string NameOf(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    private static void CountValue(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1] = frames[^1] with { Count = frames[^1].Count + 1 };
        }
    }
}
