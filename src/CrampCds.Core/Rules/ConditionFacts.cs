using CrampCds.Core.Fhir;

namespace CrampCds.Core.Rules;

public static class ConditionFacts
{
    /// <summary>
    /// An active diagnosis: clinical status active, recurrence or relapse (or none given), and not refuted
    /// or entered in error.
    /// </summary>
    public static bool IsActive(Condition condition)
    {
        if (HasCode(condition.VerificationStatus, "refuted", "entered-in-error"))
        {
            return false;
        }

        return condition.ClinicalStatus?.Coding is not { Length: > 0 }
            || HasCode(condition.ClinicalStatus, "active", "recurrence", "relapse");
    }

    private static bool HasCode(CodeableConcept? concept, string first, string second, string? third = null)
    {
        foreach (var coding in concept?.Coding ?? [])
        {
            if (coding.Code == first || coding.Code == second || (third is not null && coding.Code == third))
            {
                return true;
            }
        }

        return false;
    }
}
