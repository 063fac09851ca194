using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace CrampCds.Core;

/// <summary>
/// A few named values, read-only, names compared ordinally: what a request carries (prefetch keys, context tokens, the
/// drafts' JSON) and the values a finding gives its card's wording. There are a handful: one exact-size array, scanned, costs a fraction of a Dictionary's object,
/// buckets and spare entries, and finds a name as fast. More than <see cref="MaxScanned"/> go into a Dictionary, so a
/// request naming thousands is not scanned a thousand times over.
/// </summary>
internal sealed class SmallMap<TValue> : IReadOnlyDictionary<string, TValue>
{
    private const int MaxScanned = 8;

    private readonly KeyValuePair<string, TValue>[] _items;

    private SmallMap(KeyValuePair<string, TValue>[] items) => _items = items;

    public int Count => _items.Length;

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var item in _items)
            {
                yield return item.Key;
            }
        }
    }

    public IEnumerable<TValue> Values
    {
        get
        {
            foreach (var item in _items)
            {
                yield return item.Value;
            }
        }
    }

    public TValue this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The given key '{key}' was not present in the dictionary.");

    /// <summary>The values by name: a name given twice keeps its first place and its last value, as a Dictionary's indexer does.</summary>
    public static IReadOnlyDictionary<string, TValue> Create(ReadOnlySpan<KeyValuePair<string, TValue>> items)
    {
        if (items.IsEmpty)
        {
            return FrozenDictionary<string, TValue>.Empty;
        }

        if (items.Length > MaxScanned)
        {
            var dictionary = new Dictionary<string, TValue>(items.Length, StringComparer.Ordinal);
            foreach (var (key, value) in items)
            {
                dictionary[key] = value;
            }

            return dictionary;
        }

        var unique = new KeyValuePair<string, TValue>[items.Length];
        var count = 0;
        foreach (var item in items)
        {
            var at = IndexOf(unique.AsSpan(0, count), item.Key);
            unique[at < 0 ? count++ : at] = item;
        }

        if (count < unique.Length)
        {
            Array.Resize(ref unique, count);
        }

        return new SmallMap<TValue>(unique);
    }

    /// <summary>
    /// Values a rule names for its wording, taken as they are (no copy): a name given twice is the rule's mistake and is
    /// refused, as a Dictionary's Add refuses it.
    /// </summary>
    public static SmallMap<TValue> Distinct(KeyValuePair<string, TValue>[] items)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (IndexOf(items.AsSpan(0, i), items[i].Key) >= 0)
            {
                throw new ArgumentException($"the name '{items[i].Key}' is given twice", nameof(items));
            }
        }

        return new SmallMap<TValue>(items);
    }

    public bool ContainsKey(string key) => IndexOf(_items, key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        var at = IndexOf(_items, key);
        value = at < 0 ? default : _items[at].Value;
        return at >= 0;
    }

    /// <summary>As <see cref="TryGetValue(string, out TValue)"/>, for a name cut from a text (a placeholder).</summary>
    public bool TryGetValue(ReadOnlySpan<char> key, [MaybeNullWhen(false)] out TValue value)
    {
        var at = IndexOf(_items, key);
        value = at < 0 ? default : _items[at].Value;
        return at >= 0;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, TValue>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int IndexOf(ReadOnlySpan<KeyValuePair<string, TValue>> items, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return IndexOf(items, key.AsSpan());
    }

    private static int IndexOf(ReadOnlySpan<KeyValuePair<string, TValue>> items, ReadOnlySpan<char> key)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (key.SequenceEqual(items[i].Key))
            {
                return i;
            }
        }

        return -1;
    }
}
