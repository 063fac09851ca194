using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace CrampCds.Core.Cards;

/// <summary>
/// Writes a card's summary or detail (rendered from its templates or given as a string) as a JSON string member, to the bytes
/// <see cref="Utf8JsonWriter"/> would write with <see cref="CardsJson.WriterOptions"/>. The writer, once it meets the
/// first character to escape (every detail has newlines), escapes the rest of the text through its encoder into a
/// UTF-16 buffer and transcodes that: 5% of the order-select pipeline's profile. Here the text is made UTF-8 in one pass,
/// and only the characters the encoder names are escaped, the runs between them copied as they stand.
/// </summary>
[SkipLocalsInit]
internal static class JsonText
{
    // A card text is a few hundred characters; a longer one (or one whose escapes do not fit) is left to the writer.
    private const int Utf8Bytes = 3 * 1024;
    private const int JsonBytes = 4 * 1024;

    /// <summary>A card's text as given; null is written as JSON null, as the writer writes a null string.</summary>
    public static void WriteString(Utf8JsonWriter writer, JsonEncodedText name, string? text)
    {
        if (text is null)
        {
            writer.WriteNull(name);
            return;
        }

        WriteString(writer, name, text.AsSpan());
    }

    public static void WriteString(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<char> text)
    {
        // Only the answer's escaping is reproduced here; a writer with other options escapes its own way.
        var encoder = CardsJson.WriterOptions.Encoder!;
        if (text.Length > Utf8Bytes / 3 || !ReferenceEquals(writer.Options.Encoder, encoder))
        {
            writer.WriteString(name, text);
            return;
        }

        Span<byte> utf8 = stackalloc byte[Utf8Bytes];
        Span<byte> json = stackalloc byte[JsonBytes];
        if (Utf8.FromUtf16(text, utf8, out _, out var length, replaceInvalidSequences: false) != OperationStatus.Done
            || !TryQuote(encoder, utf8[..length], json, out var written))
        {
            // A lone surrogate (the writer writes an escaped U+FFFD in its place), or escapes that do not fit: the writer's own path.
            writer.WriteString(name, text);
            return;
        }

        writer.WritePropertyName(name);
        writer.WriteRawValue(json[..written], skipInputValidation: true);
    }

    /// <summary>The JSON string of <paramref name="utf8"/>, quotes included; false when it does not fit in <paramref name="json"/>.</summary>
    private static bool TryQuote(JavaScriptEncoder encoder, ReadOnlySpan<byte> utf8, Span<byte> json, out int written)
    {
        written = 0;
        if (json.Length < utf8.Length + 2)
        {
            return false;
        }

        json[written++] = (byte)'"';
        while (true)
        {
            var next = encoder.FindFirstCharacterToEncodeUtf8(utf8);
            var run = next < 0 ? utf8 : utf8[..next];
            if (!run.TryCopyTo(json[written..]))
            {
                return false;
            }

            written += run.Length;
            if (next < 0)
            {
                break;
            }

            // Valid UTF-8 (it came from valid UTF-16): the character decodes whole.
            _ = Rune.DecodeFromUtf8(utf8[next..], out var rune, out var consumed);
            if (!TryEscape(rune, json[written..], ref written))
            {
                return false;
            }

            utf8 = utf8[(next + consumed)..];
        }

        if (written == json.Length)
        {
            return false;
        }

        json[written++] = (byte)'"';
        return true;
    }

    /// <summary>The escape System.Text.Json writes: a short form where JSON has one, else <c>\uXXXX</c> (a surrogate pair beyond the BMP).</summary>
    private static bool TryEscape(Rune rune, Span<byte> into, ref int written)
    {
        var shortForm = rune.Value switch
        {
            '"' => (byte)'"',
            '\\' => (byte)'\\',
            '\n' => (byte)'n',
            '\r' => (byte)'r',
            '\t' => (byte)'t',
            '\b' => (byte)'b',
            '\f' => (byte)'f',
            _ => (byte)0,
        };
        if (shortForm != 0)
        {
            if (into.Length < 2)
            {
                return false;
            }

            into[0] = (byte)'\\';
            into[1] = shortForm;
            written += 2;
            return true;
        }

        Span<char> units = stackalloc char[2];
        var count = rune.EncodeToUtf16(units);
        if (into.Length < 6 * count)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            into[6 * i] = (byte)'\\';
            into[(6 * i) + 1] = (byte)'u';
            ((int)units[i]).TryFormat(into.Slice((6 * i) + 2, 4), out _, "X4", CultureInfo.InvariantCulture);
        }

        written += 6 * count;
        return true;
    }
}
