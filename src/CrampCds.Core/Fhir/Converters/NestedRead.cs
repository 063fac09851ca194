using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrampCds.Core.Fhir.Converters;

/// <summary>
/// How the converters read a nested value: through the value's converter on the caller's reader, not through
/// <c>JsonSerializer.Deserialize(ref reader, ...)</c>, which reads from a copy scoped to the value and so reports
/// error positions relative to that value. Reading on the same reader keeps line and byte positions absolute,
/// which <see cref="JsonErrorLocator"/> turns into an exact JSON path.
/// </summary>
internal static class NestedRead
{
    public static JsonConverter<T> Converter<T>(JsonSerializerOptions options) =>
        (JsonConverter<T>)options.GetTypeInfo(typeof(T)).Converter;
}
