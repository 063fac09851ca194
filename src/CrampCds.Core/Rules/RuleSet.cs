namespace CrampCds.Core.Rules;

/// <summary>Every rule the service runs; the service, the CLI and the tests all take them from here.</summary>
public static class RuleSet
{
    public static IReadOnlyList<IRule> Create() =>
    [
        new QuinineOrderRule(),
    ];
}
