namespace CrampCds.Core.Rules;

/// <summary>The concept ids rules look up in cds-cards/terminology (the lists themselves are data).</summary>
public static class ConceptIds
{
    public const string Quinine = "quinine";
    public const string Malaria = "malaria";
    public const string Babesiosis = "babesiosis";
}
