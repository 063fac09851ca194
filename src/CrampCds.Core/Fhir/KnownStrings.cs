using System.Text;

namespace CrampCds.Core.Fhir;

/// <summary>
/// A fixed set of strings found by their UTF-8 bytes: a value of the set (a code system, a status, a unit, a prefetch
/// key) is returned as its one shared instance instead of a new string per read. Built once, read-only after; only
/// values known before any request belong in it, never what a request sends.
/// </summary>
internal sealed class KnownStrings
{
    // By UTF-8 length: a value is compared only with the few of its own length.
    private readonly (byte[] Utf8, string Text)[][] _byLength;

    public KnownStrings(IReadOnlyCollection<string> values)
    {
        var longest = 0;
        foreach (var value in values)
        {
            longest = Math.Max(longest, Encoding.UTF8.GetByteCount(value));
        }

        var byLength = new List<(byte[] Utf8, string Text)>[longest + 1];
        foreach (var value in values)
        {
            var utf8 = Encoding.UTF8.GetBytes(value);
            (byLength[utf8.Length] ??= []).Add((utf8, value));
        }

        _byLength = Array.ConvertAll(byLength, sameLength => sameLength?.ToArray() ?? []);
    }

    /// <summary>The shared instance of <paramref name="utf8"/> (a value as written, without escapes), or null when it is not one.</summary>
    public string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length >= _byLength.Length)
        {
            return null;
        }

        foreach (var (bytes, text) in _byLength[utf8.Length])
        {
            if (utf8.SequenceEqual(bytes))
            {
                return text;
            }
        }

        return null;
    }
}
