namespace CrampCds.Core.Rules;

/// <summary>Every rule the service runs, in the order their cards appear; the service, the CLI and the tests take them from here.</summary>
public static class RuleSet
{
    public static IReadOnlyList<IRule> Create() =>
    [
        new QuinineOrderRule(),
        new QuinineActiveRule(),
        new QuinidineOrderRule(),
        new BaclofenRenalRule(),
        new BaclofenDoseRule(),
        new BaclofenDoseUnknownRule(),
        new BaclofenHepaticRule(),
        new BaclofenActiveRenalRule(),
        new MagnesiumRenalRule(),
        new MagnesiumHighRule(),
        new MagnesiumWithoutDeficitRule(),
        new PotassiumOrderCheckRule(),
        new HypokalemiaRule(),
        new HypomagnesemiaRule(),
        new SedatingRelaxantOlderAdultRule(),
        new CausativeDrugsRule(),
        new NotForCrampsRule(),
        new ElectrolytesMissingRule(),
        new CirrhosisCrampsRule(),
        new DialysisCrampsRule(),
    ];
}
