using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrampCds.Core.Fhir.Converters;

/// <summary>
/// Reads an <see cref="IReadOnlyList{T}"/> leniently: a single value where an array belongs (the CDS Hooks sandbox
/// sends <c>reasonCode</c>, <c>category</c> and <c>doseAndRate</c> as single objects) becomes a one-element list,
/// and <c>null</c> items are dropped (FHIR pads primitive arrays with <c>null</c> to align them with <c>_name</c>
/// extension arrays). A JSON <c>null</c> for the whole list reads as <c>null</c>; <c>[]</c> as an empty list.
/// Stateless: the item converter comes from the options' own type-info cache on each read.
/// </summary>
internal sealed class LenientListConverter<T> : JsonConverter<IReadOnlyList<T>>
{
    public override IReadOnlyList<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var itemConverter = NestedRead.Converter<T>(options);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            var single = itemConverter.Read(ref reader, typeof(T), options);
            return single is null ? [] : [single];
        }

        var items = new List<T>();
        while (true)
        {
            if (!reader.Read())
            {
                throw new JsonException("The array is incomplete.");
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray:
                    return items;
                case JsonTokenType.Null:
                    continue;
                default:
                    var item = itemConverter.Read(ref reader, typeof(T), options);
                    if (item is not null)
                    {
                        items.Add(item);
                    }

                    break;
            }
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options)
    {
        var itemConverter = NestedRead.Converter<T>(options);
        writer.WriteStartArray();
        foreach (var item in value)
        {
            itemConverter.Write(writer, item, options);
        }

        writer.WriteEndArray();
    }
}
