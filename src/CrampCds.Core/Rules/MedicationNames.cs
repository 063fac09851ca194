using CrampCds.Core.Fhir;

namespace CrampCds.Core.Rules;

public static class MedicationNames
{
    /// <summary>How a card names a medication: the order's text, else the first coding's display; null when neither names it.</summary>
    public static string? Display(IReadOnlyList<CodeableConcept> descriptions)
    {
        for (var i = 0; i < descriptions.Count; i++)
        {
            var description = descriptions[i];
            if (!string.IsNullOrWhiteSpace(description.Text))
            {
                return description.Text.Trim();
            }

            foreach (var coding in description.Coding ?? [])
            {
                if (!string.IsNullOrWhiteSpace(coding.Display))
                {
                    return coding.Display.Trim();
                }
            }
        }

        return null;
    }
}
