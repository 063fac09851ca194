namespace CrampCds.Core.Terminology;

/// <summary>
/// The concept (or route) ids a medication's names and codes match. Nearly always none or one: those cost nothing; a set is
/// made only for the second distinct id.
/// </summary>
internal struct MatchSet
{
    private string? _one;
    private HashSet<string>? _many;

    public readonly bool IsEmpty => _one is null;

    /// <summary>The only id, or null when there are none or several.</summary>
    public readonly string? Single => _many is null ? _one : null;

    /// <summary>All the ids when there are several; null otherwise.</summary>
    public readonly HashSet<string>? Several => _many;

    public void Add(string id)
    {
        if (_one is null)
        {
            _one = id;
        }
        else if (_many is not null)
        {
            _many.Add(id);
        }
        else if (!string.Equals(_one, id, StringComparison.Ordinal))
        {
            _many = new HashSet<string>(StringComparer.Ordinal) { _one, id };
        }
    }

    public void AddRange(string[] ids)
    {
        foreach (var id in ids)
        {
            Add(id);
        }
    }

    public readonly bool Contains(string id) =>
        _many?.Contains(id) ?? string.Equals(_one, id, StringComparison.Ordinal);
}
