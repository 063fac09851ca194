using System.Buffers;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace CrampCds.Core.Terminology;

/// <summary>
/// Finds concept names in free text as whole words, case-insensitively ("quinine sulfate" and "Qualaquin"
/// match quinine; "quinidine" and "hydroquinine" do not). Text and names are compared word by word (runs
/// of letters and digits), so punctuation between words does not matter. Built once; indexed by first
/// word, so a lookup costs one dictionary probe per word of the text.
/// </summary>
public sealed class NameMatcher
{
    private const int StackTokens = 64;
    private readonly FrozenDictionary<string, Candidate[]> _byFirstWord;
    private readonly FrozenDictionary<string, Candidate[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NameMatcher(IEnumerable<(string Name, string ConceptId)> names)
    {
        _byFirstWord = names
            .Select(n => new Candidate(Words(n.Name), n.ConceptId))
            .Where(c => c.Words.Length > 0)
            .GroupBy(c => c.Words[0], StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(g => g.Key, g => g.OrderByDescending(c => c.Words.Length).ToArray(), StringComparer.OrdinalIgnoreCase);
        _lookup = _byFirstWord.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private interface IMatchSink
    {
        /// <summary>Takes one match; false stops the scan.</summary>
        bool Add(Candidate candidate);
    }

    public bool Contains(ReadOnlySpan<char> text, string conceptId)
    {
        var sink = new FindSink(conceptId);
        Scan(text, ref sink);
        return sink.Found;
    }

    /// <summary>Adds the concepts named in <paramref name="text"/>.</summary>
    internal void CollectMatches(ReadOnlySpan<char> text, ref MatchSet conceptIds)
    {
        var sink = new CollectSink(conceptIds);
        Scan(text, ref sink);
        conceptIds = sink.Ids;
    }

    /// <summary>True when <paramref name="word"/> (one or more words) stands in <paramref name="text"/> as whole words.</summary>
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
            if ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return true;
            }

            start = at + 1;
        }

        return false;
    }

    // The token buffer is written before it is read: zeroing its 512 bytes on every scan is waste.
    [SkipLocalsInit]
    private void Scan<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : struct, IMatchSink
    {
        if (text.IsEmpty)
        {
            return;
        }

        Range[]? rented = null;
        var tokens = text.Length / 2 + 1 <= StackTokens ? stackalloc Range[StackTokens] : (rented = ArrayPool<Range>.Shared.Rent(text.Length / 2 + 1));
        try
        {
            var count = Tokenize(text, tokens);
            for (var i = 0; i < count; i++)
            {
                if (!_lookup.TryGetValue(text[tokens[i]], out var candidates))
                {
                    continue;
                }

                foreach (var candidate in candidates)
                {
                    if (FollowsAt(text, tokens[..count], i, candidate.Words) && !sink.Add(candidate))
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<Range>.Shared.Return(rented);
            }
        }
    }

    private static bool FollowsAt(ReadOnlySpan<char> text, ReadOnlySpan<Range> tokens, int at, string[] words)
    {
        if (at + words.Length > tokens.Length)
        {
            return false;
        }

        for (var w = 1; w < words.Length; w++)
        {
            if (!text[tokens[at + w]].Equals(words[w], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static int Tokenize(ReadOnlySpan<char> text, Span<Range> tokens)
    {
        var count = 0;
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                tokens[count++] = new Range(start, i);
                start = -1;
            }
        }

        return count;
    }

    private static string[] Words(string name)
    {
        var words = new List<string>();
        var span = name.AsSpan();
        Span<Range> tokens = stackalloc Range[span.Length / 2 + 1];
        var count = Tokenize(span, tokens);
        for (var i = 0; i < count; i++)
        {
            words.Add(span[tokens[i]].ToString());
        }

        return words.ToArray();
    }

    private sealed record Candidate(string[] Words, string ConceptId);

    private struct FindSink(string conceptId) : IMatchSink
    {
        public bool Found { get; private set; }

        public bool Add(Candidate candidate)
        {
            Found = candidate.ConceptId == conceptId;
            return !Found;
        }
    }

    private struct CollectSink(MatchSet ids) : IMatchSink
    {
        private MatchSet _ids = ids;

        public readonly MatchSet Ids => _ids;

        public bool Add(Candidate candidate)
        {
            _ids.Add(candidate.ConceptId);
            return true;
        }
    }
}

/// <summary>Exact code lookups built once at start-up; one code may belong to several concepts.</summary>
internal static class CodeIndex
{
    public static FrozenDictionary<string, string[]> Build(IEnumerable<(string Code, string ConceptId)> codes) =>
        codes.GroupBy(c => c.Code.Trim(), StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(g => g.Key, g => g.Select(c => c.ConceptId).Distinct().ToArray(), StringComparer.OrdinalIgnoreCase);
}
