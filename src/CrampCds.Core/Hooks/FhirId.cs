namespace CrampCds.Core.Hooks;

/// <summary>The FHIR <c>id</c> datatype: what a prefetch token may put into a URL.</summary>
public static class FhirId
{
    public static bool IsValid(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > 64)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
