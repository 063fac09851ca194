using System.Collections.Frozen;
using CrampCds.Core.Cards;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Terminology;

/// <summary>
/// Maps a medication's codings and names to the drug concepts in cds-cards: RxNorm ingredient and
/// product codes, ATC codes, then names on word boundaries. An unknown code is never guessed: it only
/// matches through its display or text.
/// </summary>
public sealed class DrugTerminology
{
    private readonly FrozenDictionary<string, string[]> _rxNorm;
    private readonly FrozenDictionary<string, string[]> _atc;
    private readonly NameMatcher _names;

    public DrugTerminology(IReadOnlyList<DrugConcept> concepts)
    {
        Concepts = concepts.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        _rxNorm = CodeIndex.Build(concepts.SelectMany(c =>
            (c.Ingredients ?? []).Concat(c.Products ?? []).Select(e => (e.Code, c.Id))));
        _atc = CodeIndex.Build(concepts.SelectMany(c => (c.Atc ?? []).Select(e => (e.Code, c.Id))));
        _names = new NameMatcher(concepts.SelectMany(c => (c.Names ?? []).Append(c.Display).Select(n => (n, c.Id))));
    }

    public FrozenDictionary<string, DrugConcept> Concepts { get; }

    /// <summary>True when any of the concepts describes the drug <paramref name="conceptId"/>.</summary>
    public bool Matches(IReadOnlyList<CodeableConcept> descriptions, string conceptId)
    {
        foreach (var description in descriptions)
        {
            if (Matches(description, conceptId))
            {
                return true;
            }
        }

        return false;
    }

    public bool Matches(CodeableConcept description, string conceptId)
    {
        foreach (var coding in description.Coding ?? [])
        {
            if (coding.Code is { } code)
            {
                var index = CodeSystems.IsRxNorm(coding.System) ? _rxNorm : CodeSystems.IsAtc(coding.System) ? _atc : null;
                if (index is not null && index.TryGetValue(code, out var ids) && ids.Contains(conceptId))
                {
                    return true;
                }
            }

            if (coding.Display is { } display && _names.Contains(display, conceptId))
            {
                return true;
            }
        }

        return description.Text is { } text && _names.Contains(text, conceptId);
    }
}

/// <summary>Maps Condition codes (and, for order reasons, free text) to the diagnoses in cds-cards.</summary>
public sealed class ConditionTerminology
{
    private readonly FrozenDictionary<string, string[]> _snomed;
    private readonly (string Prefix, string ConceptId)[] _icdPrefixes;
    private readonly NameMatcher _names;

    public ConditionTerminology(IReadOnlyList<ConditionConcept> concepts)
    {
        Concepts = concepts.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        _snomed = CodeIndex.Build(concepts.SelectMany(c => (c.Snomed ?? []).Select(e => (e.Code, c.Id))));
        _icdPrefixes = concepts.SelectMany(c => (c.Icd10CmPrefixes ?? []).Select(e => (e.Code.Trim().ToUpperInvariant(), c.Id))).ToArray();
        _names = new NameMatcher(concepts.SelectMany(c => (c.Names ?? []).Select(n => (n, c.Id))));
    }

    public FrozenDictionary<string, ConditionConcept> Concepts { get; }

    /// <summary>Coded match only: a Condition's free text never decides.</summary>
    public bool MatchesCode(CodeableConcept? description, string conceptId)
    {
        foreach (var coding in description?.Coding ?? [])
        {
            if (coding.Code is not { } code)
            {
                continue;
            }

            if (CodeSystems.IsSnomed(coding.System) && _snomed.TryGetValue(code, out var ids) && ids.Contains(conceptId))
            {
                return true;
            }

            if (CodeSystems.IsIcd10Cm(coding.System) && MatchesIcdPrefix(code, conceptId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Coded match, or the concept named in the text or a coding's display (an order's reason).</summary>
    public bool MatchesCodeOrText(CodeableConcept? description, string conceptId)
    {
        if (description is null)
        {
            return false;
        }

        if (MatchesCode(description, conceptId))
        {
            return true;
        }

        if (description.Text is { } text && _names.Contains(text, conceptId))
        {
            return true;
        }

        foreach (var coding in description.Coding ?? [])
        {
            if (coding.Display is { } display && _names.Contains(display, conceptId))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesIcdPrefix(string code, string conceptId)
    {
        var trimmed = code.AsSpan().Trim();
        foreach (var (prefix, id) in _icdPrefixes)
        {
            if (id == conceptId && trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
