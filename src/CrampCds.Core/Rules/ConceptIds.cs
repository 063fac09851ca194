namespace CrampCds.Core.Rules;

/// <summary>The concept ids rules look up in cds-cards/terminology (the lists themselves are data).</summary>
public static class ConceptIds
{
    public const string Quinine = "quinine";
    public const string Malaria = "malaria";
    public const string Babesiosis = "babesiosis";
    public const string Quinidine = "quinidine";
    public const string DextromethorphanQuinidine = "dextromethorphan-quinidine";
    public const string Baclofen = "baclofen";
    public const string Cramp = "cramp";
    public const string CkdStage3 = "ckd-stage-3";
    public const string CkdSevere = "ckd-severe";
    public const string Dialysis = "dialysis";
    public const string Cirrhosis = "cirrhosis";
    public const string HepaticEncephalopathy = "hepatic-encephalopathy";

    public const string MagnesiumSupplement = "magnesium-supplement";
    public const string PotassiumSupplement = "potassium-supplement";
    public const string PotassiumSparingDiuretic = "potassium-sparing-diuretic";
    public const string SedatingMuscleRelaxant = "sedating-muscle-relaxant";
    public const string OralBenzodiazepine = "oral-benzodiazepine";
    public const string NotForCramps = "not-for-cramps";

    /// <summary>Drug concepts the rules name; cds-cards must define them.</summary>
    public static IReadOnlyList<string> RequiredDrugs { get; } = [Quinine, Quinidine, DextromethorphanQuinidine, Baclofen];

    /// <summary>Diagnoses the rules name; cds-cards must define them.</summary>
    public static IReadOnlyList<string> RequiredConditions { get; } =
        [Malaria, Babesiosis, Cramp, CkdStage3, CkdSevere, Dialysis, Cirrhosis, HepaticEncephalopathy];

    /// <summary>Drug classes the rules select by; some concept must belong to each.</summary>
    public static IReadOnlyList<string> RequiredClasses { get; } =
        [MagnesiumSupplement, PotassiumSupplement, PotassiumSparingDiuretic, SedatingMuscleRelaxant, OralBenzodiazepine, NotForCramps];
}
