using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CrampCds.Core.Fhir.Converters;

/// <summary>
/// Reads an <see cref="IReadOnlyList{T}"/> leniently: a single value where an array belongs (the CDS Hooks sandbox
/// sends <c>reasonCode</c>, <c>category</c> and <c>doseAndRate</c> as single objects) becomes a one-element list,
/// and <c>null</c> items are dropped (FHIR pads primitive arrays with <c>null</c> to align them with <c>_name</c>
/// extension arrays). A JSON <c>null</c> for the whole list reads as <c>null</c>; <c>[]</c> as an empty list.
/// </summary>
internal sealed class LenientListConverter<T> : JsonConverter<IReadOnlyList<T>>
{
    private JsonTypeInfo<T>? _itemInfo;

    public override IReadOnlyList<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var itemInfo = ItemInfo(options);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            var single = JsonSerializer.Deserialize(ref reader, itemInfo);
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
                    var item = JsonSerializer.Deserialize(ref reader, itemInfo);
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
        var itemInfo = ItemInfo(options);
        writer.WriteStartArray();
        foreach (var item in value)
        {
            JsonSerializer.Serialize(writer, item, itemInfo);
        }

        writer.WriteEndArray();
    }

    private JsonTypeInfo<T> ItemInfo(JsonSerializerOptions options)
    {
        // A converter instance belongs to one options instance; the cache is only a shortcut (a race just repeats the lookup).
        var info = _itemInfo;
        if (info is null || !ReferenceEquals(info.Options, options))
        {
            info = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
            _itemInfo = info;
        }

        return info;
    }
}
