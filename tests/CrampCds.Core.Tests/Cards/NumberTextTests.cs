using CrampCds.Core.Cards;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public class NumberTextTests
{
    [Theory]
    [InlineData("30", "30")]
    [InlineData("30.00", "30")]
    [InlineData("2.5", "2.5")]
    [InlineData("0.333333", "0.33")]
    [InlineData("1000", "1000")]
    [InlineData("-5", "-5")]
    public void Doses_print_with_at_most_two_decimals_and_no_trailing_zeros(string value, string expected)
    {
        NumberText.TwoDecimals(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).Should().Be(expected);
    }

    [Theory]
    [InlineData("0.125", "0.125")]
    [InlineData("3.40", "3.4")]
    [InlineData("22", "22")]
    [InlineData("1.0004", "1")]
    public void Results_print_with_at_most_three_decimals(string value, string expected)
    {
        NumberText.ThreeDecimals(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).Should().Be(expected);
    }

    [Fact]
    public void A_small_whole_number_is_the_same_string_every_time_not_a_new_one()
    {
        NumberText.TwoDecimals(30m).Should().BeSameAs(NumberText.ThreeDecimals(30.000m));
        NumberText.TwoDecimals(999m).Should().BeSameAs(NumberText.TwoDecimals(999m));
    }
}
