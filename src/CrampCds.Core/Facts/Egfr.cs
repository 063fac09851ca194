namespace CrampCds.Core.Facts;

/// <summary>CKD-EPI 2021 creatinine equation (race-free), in mL/min/1.73 m².</summary>
public static class Egfr
{
    /// <param name="creatinineMgDl">Serum creatinine in mg/dL.</param>
    /// <param name="ageYears">Age in whole years (adults).</param>
    /// <param name="female">True for female, false for male.</param>
    public static decimal CkdEpi2021(decimal creatinineMgDl, int ageYears, bool female)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(creatinineMgDl);
        var kappa = female ? 0.7 : 0.9;
        var alpha = female ? -0.241 : -0.302;
        var ratio = (double)creatinineMgDl / kappa;
        var egfr = 142.0
            * Math.Pow(Math.Min(ratio, 1.0), alpha)
            * Math.Pow(Math.Max(ratio, 1.0), -1.200)
            * Math.Pow(0.9938, ageYears)
            * (female ? 1.012 : 1.0);
        return Math.Round((decimal)egfr, 1);
    }
}
