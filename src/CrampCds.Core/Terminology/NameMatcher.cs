using System.Collections.Frozen;

namespace CrampCds.Core.Terminology;

/// <summary>
/// Finds concept names in free text on word boundaries, case-insensitively ("quinine sulfate" and
/// "Qualaquin" match quinine; "quinidine" does not). Built once; matching allocates nothing.
/// </summary>
public sealed class NameMatcher
{
    private readonly (string Name, string ConceptId)[] _names;

    public NameMatcher(IEnumerable<(string Name, string ConceptId)> names)
    {
        // Longest first, so "magnesium oxide" is tried before "magnesium".
        _names = names
            .Where(n => !string.IsNullOrWhiteSpace(n.Name))
            .Select(n => (n.Name.Trim(), n.ConceptId))
            .OrderByDescending(n => n.Item1.Length)
            .ToArray();
    }

    public bool Contains(ReadOnlySpan<char> text, string conceptId)
    {
        foreach (var (name, id) in _names)
        {
            if (id == conceptId && ContainsWord(text, name))
            {
                return true;
            }
        }

        return false;
    }

    public void CollectMatches(ReadOnlySpan<char> text, HashSet<string> conceptIds)
    {
        foreach (var (name, id) in _names)
        {
            if (!conceptIds.Contains(id) && ContainsWord(text, name))
            {
                conceptIds.Add(id);
            }
        }
    }

    public static bool ContainsWord(ReadOnlySpan<char> text, ReadOnlySpan<char> word)
    {
        var start = 0;
        while (start <= text.Length - word.Length)
        {
            var at = text[start..].IndexOf(word, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return false;
            }

            at += start;
            var end = at + word.Length;
            var leftOk = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            var rightOk = end == text.Length || !char.IsLetterOrDigit(text[end]);
            if (leftOk && rightOk)
            {
                return true;
            }

            start = at + 1;
        }

        return false;
    }
}

/// <summary>Exact code lookups built once at start-up; one code may belong to several concepts.</summary>
internal static class CodeIndex
{
    public static FrozenDictionary<string, string[]> Build(IEnumerable<(string Code, string ConceptId)> codes) =>
        codes.GroupBy(c => c.Code.Trim(), StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(g => g.Key, g => g.Select(c => c.ConceptId).Distinct().ToArray(), StringComparer.OrdinalIgnoreCase);
}
