using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace CrampCds.Core.Fhir;

/// <summary>
/// A fixed set of strings found by their UTF-8 bytes: a value of the set (a code system, a status, a unit, a prefetch
/// key, a code in the catalog's lists) is returned as its one shared instance instead of a new string per read. Built
/// once, read-only after; only values known before any request belong in it, never what a request sends.
/// </summary>
internal sealed class KnownStrings
{
    // Open addressing over a power-of-two table at most a quarter full: a miss (most values read) ends at an empty slot
    // after one or two probes, and a hit costs one comparison of bytes.
    private readonly byte[]?[] _utf8;
    private readonly string[] _texts;
    private readonly int _mask;
    private readonly int _longest;

    public KnownStrings(IEnumerable<string> values)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).ToArray();
        var size = 16;
        while (size < distinct.Length * 4)
        {
            size *= 2;
        }

        _utf8 = new byte[size][];
        _texts = new string[size];
        _mask = size - 1;
        foreach (var value in distinct)
        {
            var utf8 = Encoding.UTF8.GetBytes(value);
            _longest = Math.Max(_longest, utf8.Length);
            var slot = Hash(utf8) & _mask;
            while (_utf8[slot] is not null)
            {
                slot = (slot + 1) & _mask;
            }

            _utf8[slot] = utf8;
            _texts[slot] = value;
        }
    }

    /// <summary>The shared instance of <paramref name="utf8"/> (a value as written, without escapes), or null when it is not one.</summary>
    public string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > _longest)
        {
            return null;
        }

        for (var slot = Hash(utf8) & _mask; _utf8[slot] is { } known; slot = (slot + 1) & _mask)
        {
            if (utf8.SequenceEqual(known))
            {
                return _texts[slot];
            }
        }

        return null;
    }

    // The length and the first and last eight bytes (all of a shorter value, read as two overlapping words or byte by byte),
    // mixed by multiplication: codes differ in their last digits, URLs in their last segment. No buffer: this runs for
    // every code, system, status and unit read.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        ulong head, tail;
        if (utf8.Length >= 8)
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]);
        }
        else if (utf8.Length >= 4)
        {
            head = BinaryPrimitives.ReadUInt32LittleEndian(utf8);
            tail = BinaryPrimitives.ReadUInt32LittleEndian(utf8[^4..]);
        }
        else
        {
            head = 0;
            for (var i = 0; i < utf8.Length; i++)
            {
                head = (head << 8) | utf8[i];
            }

            tail = 0;
        }

        var mixed = (head ^ (tail * 0x9E3779B97F4A7C15UL) ^ (ulong)utf8.Length) * 0xBF58476D1CE4E5B9UL;
        return (int)(mixed >> 33);
    }
}
