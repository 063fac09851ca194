using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrampCds.Core.Fhir.Converters;

/// <summary>
/// FHIR decimals as <see cref="decimal"/>, exact up to decimal's 28-29 significant digits (more digits are rounded,
/// as <see cref="decimal.Parse(string)"/> does). A number outside decimal's range (about ±7.9E+28) is an error, never
/// an <see cref="OverflowException"/>. A number written as a JSON string ("5.0") is accepted.
/// </summary>
internal sealed class FhirDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetDecimal(out var value))
                {
                    return value;
                }

                throw new JsonException($"The number {JsonText.Raw(ref reader)} is outside the range of a decimal (about ±7.9E+28).");
            case JsonTokenType.String:
                var text = reader.GetString();
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                {
                    return value;
                }

                throw new JsonException($"Expected a decimal number but found the string \"{JsonText.Shorten(text)}\".");
            default:
                throw new JsonException($"Expected a decimal number but found {JsonText.Describe(reader.TokenType)}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);
}

/// <summary>
/// FHIR integers (<c>frequency</c>, <c>count</c>, <c>total</c> ...). Tolerates a whole number written with a
/// fractional zero (<c>2.0</c>, <c>2e0</c>) or as a JSON string; anything that is not a whole number in range is an error.
/// </summary>
internal sealed class LenientInt32Converter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetInt32(out var value)
                    || (reader.TryGetDecimal(out var number) && TryWhole(number, out value)))
                {
                    return value;
                }

                throw new JsonException($"Expected a whole number (integer) but found {JsonText.Raw(ref reader)}.");
            case JsonTokenType.String:
                var text = reader.GetString();
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && TryWhole(number, out value))
                {
                    return value;
                }

                throw new JsonException($"Expected a whole number (integer) but found the string \"{JsonText.Shorten(text)}\".");
            default:
                throw new JsonException($"Expected a whole number (integer) but found {JsonText.Describe(reader.TokenType)}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);

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
}

/// <summary>FHIR booleans; also accepts the strings "true" and "false" (any case).</summary>
internal sealed class LenientBooleanConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.String:
                var text = reader.GetString();
                if (bool.TryParse(text, out var value))
                {
                    return value;
                }

                throw new JsonException($"Expected a boolean (true or false) but found the string \"{JsonText.Shorten(text)}\".");
            default:
                throw new JsonException($"Expected a boolean (true or false) but found {JsonText.Describe(reader.TokenType)}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) =>
        writer.WriteBooleanValue(value);
}

/// <summary>
/// Strings, also accepting a JSON number or boolean where a string belongs (e.g. a code sent as <c>12345</c>);
/// the number keeps its exact text. An object or array where a string belongs is an error.
/// </summary>
internal sealed class LenientStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => GetString(ref reader),
            JsonTokenType.Number => JsonText.Raw(ref reader, int.MaxValue),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => throw new JsonException($"Expected a string but found {JsonText.Describe(reader.TokenType)}."),
        };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);

    private static string? GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException ex)
        {
            // Invalid UTF-8 bytes or an unpaired \uD800-style escape cannot become a .NET string.
            throw new JsonException("The string is not valid UTF-8 or contains an invalid \\u escape.", ex);
        }
    }
}

/// <summary>Small helpers for error messages.</summary>
internal static class JsonText
{
    private const int MaxShown = 40;

    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>The raw text of the current (unescaped) token, shortened for messages.</summary>
    public static string Raw(ref Utf8JsonReader reader, int maxLength = MaxShown)
    {
        var text = reader.HasValueSequence
            ? Encoding.UTF8.GetString(reader.ValueSequence)
            : Encoding.UTF8.GetString(reader.ValueSpan);
        return maxLength == int.MaxValue ? text : Shorten(text, maxLength);
    }

    [return: NotNullIfNotNull(nameof(text))]
    public static string? Shorten(string? text, int maxLength = MaxShown) =>
        text is null || text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength), "…");
}
