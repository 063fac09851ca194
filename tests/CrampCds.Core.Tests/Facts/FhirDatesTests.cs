using System.Globalization;
using CrampCds.Core.Facts;
using FluentAssertions;

namespace CrampCds.Core.Tests.Facts;

public class FhirDatesTests
{
    [Theory]
    [InlineData("1975", "1975-01-01T00:00:00+00:00")]
    [InlineData("1975-06", "1975-06-01T00:00:00+00:00")]
    [InlineData("2024-02-29", "2024-02-29T00:00:00+00:00")]
    [InlineData("2019-02-17T10:40:44-05:00", "2019-02-17T10:40:44-05:00")]
    [InlineData("2019-02-17T10:40:44.5Z", "2019-02-17T10:40:44.5000000+00:00")]
    [InlineData("2019-02-17T10:40:44.1234567+14:00", "2019-02-17T10:40:44.1234567+14:00")]
    [InlineData(" 2026-11-01 ", "2026-11-01T00:00:00+00:00")]
    public void FHIR_dates_and_date_times_read_as_their_earliest_instant(string text, string expected)
    {
        var value = FhirDates.Earliest(text);

        value.Should().Be(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture));
        value!.Value.Offset.Should().Be(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture).Offset);
    }

    [Theory]
    [InlineData("2023-02-29")]
    [InlineData("2023-13-01")]
    [InlineData("not a date")]
    [InlineData("")]
    [InlineData(null)]
    public void Impossible_or_unreadable_dates_are_null(string? text) => FhirDates.Earliest(text).Should().BeNull();

    [Fact]
    public void The_fast_path_reads_every_date_time_exactly_as_the_general_parser_does()
    {
        var random = new Random(20261122);
        string[] zones = ["Z", "+00:00", "-05:00", "+05:30", "+14:00", "-12:00"];
        string[] fractions = ["", ".1", ".25", ".123", ".1234567"];
        var fastReads = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var year = random.Next(1, 10_000);
            var month = random.Next(1, 13);
            var day = random.Next(1, DateTime.DaysInMonth(year, month) + 1);
            var text = $"{year:0000}-{month:00}-{day:00}T{random.Next(24):00}:{random.Next(60):00}:{random.Next(60):00}"
                + fractions[random.Next(fractions.Length)] + zones[random.Next(zones.Length)];
            var general = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expected);

            var fast = FhirDates.TryIso(text, out var value);

            if (fast)
            {
                fastReads++;
                general.Should().BeTrue(text);
                (value, value.Offset).Should().Be((expected, expected.Offset), text);
            }
            else
            {
                FhirDates.Earliest(text).Should().Be(general ? expected : null, text);
            }
        }

        fastReads.Should().BeGreaterThan(4_900, "only instants at the very ends of the calendar leave the fast path");
    }
}
