using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace CrampCds.Core;

/// <summary>Looks a name cut from a text up in a map of named values without making a string of it first.</summary>
internal static class NamedValues
{
    public static bool TryGet(IReadOnlyDictionary<string, string> values, ReadOnlySpan<char> name, [MaybeNullWhen(false)] out string value)
    {
        switch (values)
        {
            case SmallMap<string> small:
                return small.TryGetValue(name, out value);
            case FrozenDictionary<string, string> frozen when frozen.TryGetAlternateLookup<ReadOnlySpan<char>>(out var lookup):
                return lookup.TryGetValue(name, out value);
            case Dictionary<string, string> dictionary when dictionary.TryGetAlternateLookup<ReadOnlySpan<char>>(out var lookup):
                return lookup.TryGetValue(name, out value);
            default:
                // Maps of other kinds (a test's, an ordinal-insensitive one) are asked in their own terms.
                return values.TryGetValue(name.ToString(), out value);
        }
    }
}
