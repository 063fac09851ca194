using CrampCds.Core.Facts;
using FluentAssertions;

namespace CrampCds.Core.Tests.Facts;

public class LabUnitsTests
{
    [Theory]
    [InlineData("mmol/L", LabUnit.MmolPerL)]
    [InlineData("mEq/L", LabUnit.MeqPerL)]
    [InlineData("meq/L", LabUnit.MeqPerL)]
    [InlineData("mg/dL", LabUnit.MgPerDl)]
    [InlineData("umol/L", LabUnit.UmolPerL)]
    [InlineData("µmol/L", LabUnit.UmolPerL)]
    [InlineData("mL/min/{1.73_m2}", LabUnit.MlPerMinPer173M2)]
    [InlineData("mL/min/1.73m2", LabUnit.MlPerMinPer173M2)]
    [InlineData("mL/min/1.73 m2", LabUnit.MlPerMinPer173M2)]
    [InlineData("mL/min", LabUnit.MlPerMin)]
    [InlineData("g/L", LabUnit.Unknown)]
    [InlineData("", LabUnit.Unknown)]
    [InlineData(null, LabUnit.Unknown)]
    public void Units_are_read_from_ucum_codes_and_printed_forms(string? text, LabUnit expected)
    {
        LabUnits.Parse(text).Should().Be(expected);
    }

    [Theory]
    [InlineData(Analyte.Magnesium, 1.7, LabUnit.MgPerDl, 0.69938)]
    [InlineData(Analyte.Magnesium, 1.4, LabUnit.MeqPerL, 0.7)]
    [InlineData(Analyte.Magnesium, 0.7, LabUnit.MmolPerL, 0.7)]
    [InlineData(Analyte.Potassium, 3.4, LabUnit.MeqPerL, 3.4)]
    [InlineData(Analyte.Creatinine, 88.4, LabUnit.UmolPerL, 1.0)]
    [InlineData(Analyte.Creatinine, 0.1768, LabUnit.MmolPerL, 2.0)]
    [InlineData(Analyte.Egfr, 29, LabUnit.MlPerMinPer173M2, 29)]
    public void Values_convert_to_the_canonical_unit(Analyte analyte, double value, LabUnit unit, double expected)
    {
        LabUnits.ToCanonical(analyte, (decimal)value, unit).Should().BeApproximately((decimal)expected, 0.0001m);
    }

    [Theory]
    [InlineData(Analyte.Potassium, LabUnit.MgPerDl)]
    [InlineData(Analyte.Creatinine, LabUnit.MeqPerL)]
    [InlineData(Analyte.Magnesium, LabUnit.Unknown)]
    [InlineData(Analyte.Egfr, LabUnit.MmolPerL)]
    public void A_unit_that_does_not_fit_the_analyte_is_not_guessed(Analyte analyte, LabUnit unit)
    {
        LabUnits.ToCanonical(analyte, 1m, unit).Should().BeNull();
    }

    [Fact]
    public void A_value_too_large_to_convert_gives_no_canonical_value_instead_of_an_error()
    {
        LabUnits.ToCanonical(Analyte.Creatinine, 1e26m, LabUnit.MmolPerL).Should().BeNull();
    }
}
