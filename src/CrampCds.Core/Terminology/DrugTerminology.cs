using System.Collections.Frozen;
using CrampCds.Core.Cards;
using CrampCds.Core.Facts;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Terminology;

/// <summary>
/// Maps a medication's codings and names to the drug concepts in cds-cards: RxNorm ingredient and
/// product codes, ATC codes, then names on word boundaries. An unknown code is never guessed: it only
/// matches through its display or text. Routes and excluded names narrow a concept where it says so.
/// </summary>
public sealed class DrugTerminology
{
    private readonly FrozenDictionary<string, string[]> _rxNorm;
    private readonly FrozenDictionary<string, string[]> _atc;
    private readonly FrozenDictionary<string, Strength> _productStrengths;
    private readonly NameMatcher _names;
    private readonly NameMatcher _routeWords;

    // A medication is nearly always one concept: its set is shared, not made per call.
    private readonly FrozenDictionary<string, FrozenSet<string>> _singletons;

    public DrugTerminology(MedicationsFile file)
    {
        var concepts = file.Concepts;
        Concepts = concepts.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        _rxNorm = CodeIndex.Build(concepts.SelectMany(c =>
            (c.Ingredients ?? []).Concat(c.Products ?? []).Select(e => (e.Code, c.Id))));
        _atc = CodeIndex.Build(concepts.SelectMany(c => (c.Atc ?? []).Select(e => (e.Code, c.Id))));
        _names = new NameMatcher(concepts.SelectMany(c => (c.Names ?? []).Append(c.Display).Select(n => (n, c.Id))));
        _productStrengths = concepts.SelectMany(c => c.Products ?? [])
            .Where(p => p.Strength is not null && Strength.Parse(p.Strength) is not null)
            .GroupBy(p => p.Code, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => Strength.Parse(g.First().Strength)!.Value, StringComparer.Ordinal);
        _routeWords = new NameMatcher(file.Routes.SelectMany(r => r.Value.Select(w => (w, r.Key))));
        Classes = concepts.SelectMany(c => c.Classes).ToFrozenSet(StringComparer.Ordinal);
        _singletons = concepts.ToFrozenDictionary(c => c.Id, c => FrozenSet.Create(StringComparer.Ordinal, c.Id), StringComparer.Ordinal);
    }

    public FrozenDictionary<string, DrugConcept> Concepts { get; }

    /// <summary>Every class id some concept belongs to.</summary>
    public FrozenSet<string> Classes { get; }

    /// <summary>True when any of the descriptions names the drug <paramref name="conceptId"/> (no route check).</summary>
    public bool Matches(IReadOnlyList<CodeableConcept> descriptions, string conceptId)
    {
        for (var i = 0; i < descriptions.Count; i++)
        {
            if (Matches(descriptions[i], conceptId))
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

    /// <summary>The drug classes of the concepts <see cref="Identify"/> found (their union when there are several).</summary>
    public IReadOnlySet<string> ClassesOf(IReadOnlySet<string> conceptIds)
    {
        switch (conceptIds.Count)
        {
            case 0:
                return FrozenSet<string>.Empty;
            case 1:
                // One concept is one of Identify's frozen singletons: its item is read without a boxed enumerator.
                return Concepts[conceptIds is FrozenSet<string> single ? single.Items[0] : conceptIds.First()].ClassSet;
            default:
                var union = new HashSet<string>(StringComparer.Ordinal);
                foreach (var id in conceptIds)
                {
                    union.UnionWith(Concepts[id].ClassSet);
                }

                return union;
        }
    }

    /// <summary>Every RxNorm and ATC code in the lists, as written there.</summary>
    internal IEnumerable<string> Codes => _rxNorm.Keys.Concat(_atc.Keys);

    /// <summary>
    /// The concepts a medication is, given its descriptions and dosages: a concept that excludes one of the routes the
    /// medication is given by, requires another, or whose excluded words appear in its name does not count. Most
    /// medications are none of ours: for them nothing is allocated and the dosages are not read.
    /// </summary>
    public IReadOnlySet<string> Identify(IReadOnlyList<CodeableConcept> descriptions, Dosage[]? dosages)
    {
        var candidates = default(MatchSet);
        for (var i = 0; i < descriptions.Count; i++)
        {
            var description = descriptions[i];
            foreach (var coding in description.Coding ?? [])
            {
                if (coding.Code is { } code)
                {
                    var index = CodeSystems.IsRxNorm(coding.System) ? _rxNorm : CodeSystems.IsAtc(coding.System) ? _atc : null;
                    if (index is not null && index.TryGetValue(code, out var ids))
                    {
                        candidates.AddRange(ids);
                    }
                }

                if (coding.Display is { } display)
                {
                    _names.CollectMatches(display, ref candidates);
                }
            }

            // The text often repeats a coding's display word for word (the sandbox's orders do): its names are already found.
            if (description.Text is { } text && !IsADisplay(text, description.Coding))
            {
                _names.CollectMatches(text, ref candidates);
            }
        }

        if (candidates.IsEmpty)
        {
            return FrozenSet<string>.Empty;
        }

        var routes = Routes(descriptions, dosages);
        if (candidates.Single is { } single)
        {
            return Admits(Concepts[single], routes, descriptions) ? _singletons[single] : FrozenSet<string>.Empty;
        }

        return Narrow(candidates.Several!, routes, descriptions);
    }

    private static bool IsADisplay(string text, Coding[]? codings)
    {
        foreach (var coding in codings ?? [])
        {
            if (string.Equals(coding.Display, text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private HashSet<string> Narrow(HashSet<string> candidates, MatchSet routes, IReadOnlyList<CodeableConcept> descriptions)
    {
        candidates.RemoveWhere(id => !Admits(Concepts[id], routes, descriptions));
        return candidates;
    }

    /// <summary>The routes the dosages name, else those the product names reveal ("Oral Tablet" is oral; "Dry Powder Inhaler" inhaled).</summary>
    private MatchSet Routes(IReadOnlyList<CodeableConcept> descriptions, Dosage[]? dosages)
    {
        var routes = default(MatchSet);
        foreach (var dosage in dosages ?? [])
        {
            CollectRoutes(dosage.Route?.Text, ref routes);
            foreach (var coding in dosage.Route?.Coding ?? [])
            {
                CollectRoutes(coding.Display, ref routes);
            }
        }

        if (!routes.IsEmpty)
        {
            return routes;
        }

        for (var i = 0; i < descriptions.Count; i++)
        {
            CollectRoutes(descriptions[i].Text, ref routes);
            foreach (var coding in descriptions[i].Coding ?? [])
            {
                CollectRoutes(coding.Display, ref routes);
            }
        }

        return routes;
    }

    private void CollectRoutes(string? text, ref MatchSet routes)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            _routeWords.CollectMatches(text, ref routes);
        }
    }

    /// <summary>The strength of a product code in our lists.</summary>
    public Strength? ProductStrength(IReadOnlyList<CodeableConcept> descriptions)
    {
        for (var i = 0; i < descriptions.Count; i++)
        {
            foreach (var coding in descriptions[i].Coding ?? [])
            {
                if (coding.Code is { } code && CodeSystems.IsRxNorm(coding.System) && _productStrengths.TryGetValue(code, out var strength))
                {
                    return strength;
                }
            }
        }

        return null;
    }

    private static bool Admits(DrugConcept concept, in MatchSet routes, IReadOnlyList<CodeableConcept> descriptions)
    {
        if (concept.ExcludeRoutes is { } excluded && NamesAny(routes, excluded))
        {
            return false;
        }

        if (concept.RequireRoutes is { Count: > 0 } required && !routes.IsEmpty && !NamesAny(routes, required))
        {
            return false;
        }

        var excludedNames = concept.ExcludeNames ?? [];
        for (var i = 0; i < excludedNames.Count; i++)
        {
            if (NamesWord(descriptions, excludedNames[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool NamesAny(in MatchSet routes, IReadOnlyList<string> ids)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (routes.Contains(ids[i]))
            {
                return true;
            }
        }

        return false;
    }

    // Each name on its own: a word (or phrase) never spans two names.
    private static bool NamesWord(IReadOnlyList<CodeableConcept> descriptions, string word)
    {
        for (var i = 0; i < descriptions.Count; i++)
        {
            var description = descriptions[i];
            if (description.Text is { } text && NameMatcher.ContainsWord(text, word))
            {
                return true;
            }

            foreach (var coding in description.Coding ?? [])
            {
                if (coding.Display is { } display && NameMatcher.ContainsWord(display, word))
                {
                    return true;
                }
            }
        }

        return false;
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

    /// <summary>Every SNOMED CT code in the lists, as written there.</summary>
    internal IEnumerable<string> Codes => _snomed.Keys;

    /// <summary>Coded match only: a Condition's free text never decides.</summary>
    public bool MatchesCode(CodeableConcept? description, string conceptId)
    {
        Span<bool> named = [false];
        MarkCoded(description, [conceptId], named);
        return named[0];
    }

    /// <summary>
    /// Sets <c>named[i]</c> when the description's codes name <c>conceptIds[i]</c>: a SNOMED CT code in the lists, or an
    /// ICD-10-CM code under one of their prefixes. Several concepts asked of one condition cost one lookup per code.
    /// </summary>
    public void MarkCoded(CodeableConcept? description, ReadOnlySpan<string> conceptIds, Span<bool> named)
    {
        foreach (var coding in description?.Coding ?? [])
        {
            if (coding.Code is not { } code)
            {
                continue;
            }

            if (CodeSystems.IsSnomed(coding.System) && _snomed.TryGetValue(code, out var ids))
            {
                foreach (var id in ids)
                {
                    Mark(id, conceptIds, named);
                }
            }
            else if (CodeSystems.IsIcd10Cm(coding.System))
            {
                var trimmed = code.AsSpan().Trim();
                foreach (var (prefix, id) in _icdPrefixes)
                {
                    if (trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    {
                        Mark(id, conceptIds, named);
                    }
                }
            }
        }
    }

    private static void Mark(string conceptId, ReadOnlySpan<string> conceptIds, Span<bool> named)
    {
        var at = conceptIds.IndexOf(conceptId);
        if (at >= 0)
        {
            named[at] = true;
        }
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
}
