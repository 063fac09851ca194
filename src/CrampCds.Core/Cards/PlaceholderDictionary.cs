using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace CrampCds.Core.Cards;

/// <summary>
/// The few values one card's wording names, as name/value pairs searched in order. A finding has two to six, so a
/// scan of ordinal comparisons beats hashing, and the pairs the rule wrote are the only allocation.
/// </summary>
public sealed class PlaceholderDictionary : IReadOnlyDictionary<string, string>
{
    private readonly (string Key, string Value)[] _pairs;

    /// <exception cref="ArgumentException">A name is given twice (a rule's mistake, as with a dictionary).</exception>
    public PlaceholderDictionary((string Key, string Value)[] pairs)
    {
        for (var i = 0; i < pairs.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(pairs[i].Key, nameof(pairs));
            ArgumentNullException.ThrowIfNull(pairs[i].Value, nameof(pairs));
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(pairs[i].Key, pairs[j].Key, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"the value '{pairs[i].Key}' is given twice", nameof(pairs));
                }
            }
        }

        _pairs = pairs;
    }

    public int Count => _pairs.Length;

    public IEnumerable<string> Keys => _pairs.Select(p => p.Key);

    public IEnumerable<string> Values => _pairs.Select(p => p.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no value '{key}'");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        foreach (var (name, text) in _pairs)
        {
            if (string.Equals(name, key, StringComparison.Ordinal))
            {
                value = text;
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        foreach (var (key, value) in _pairs)
        {
            yield return new KeyValuePair<string, string>(key, value);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
