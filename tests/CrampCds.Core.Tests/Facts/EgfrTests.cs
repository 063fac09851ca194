using CrampCds.Core.Facts;
using FluentAssertions;

namespace CrampCds.Core.Tests.Facts;

public class EgfrTests
{
    // Expected values from the CKD-EPI 2021 equation (Inker et al., NEJM 2021) evaluated independently;
    // 60-year-old man, creatinine 1.0 mg/dL -> 86 is the figure the NKF calculator gives.
    [Theory]
    [InlineData(1.0, 60, false, 86.2)]
    [InlineData(1.0, 60, true, 64.5)]
    [InlineData(0.7, 50, true, 105.3)]
    [InlineData(2.5, 80, false, 25.3)]
    [InlineData(3.0, 70, true, 16.2)]
    public void Ckd_epi_2021_matches_the_published_equation(double creatinine, int age, bool female, double expected)
    {
        Egfr.CkdEpi2021((decimal)creatinine, age, female).Should().BeApproximately((decimal)expected, 0.05m);
    }

    [Fact]
    public void A_higher_creatinine_always_gives_a_lower_egfr()
    {
        Egfr.CkdEpi2021(1.5m, 70, female: false).Should().BeLessThan(Egfr.CkdEpi2021(1.2m, 70, female: false));
    }
}
