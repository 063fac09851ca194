using CrampCds.Core.Cards;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public class CardIdsTests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 12, 2, 16, 20, 0, 123, TimeSpan.Zero);

    [Fact]
    public void A_uuid_is_version_7_with_the_rfc_variant_and_carries_the_issue_time_to_the_millisecond()
    {
        var uuid = Guid.Parse(new CardIds().Next(IssuedAt));

        uuid.Version.Should().Be(7);
        (uuid.Variant & 0b1100).Should().Be(0b1000, "the RFC 9562 variant is 10xx");
        var bytes = uuid.ToByteArray(bigEndian: true);
        var milliseconds = 0L;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }

        milliseconds.Should().Be(IssuedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Uuids_of_later_cards_sort_after_earlier_ones_and_none_repeats_across_buffer_refills()
    {
        var ids = new CardIds();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? previous = null;
        for (var i = 0; i < 2_000; i++)
        {
            var uuid = ids.Next(IssuedAt.AddMilliseconds(i));
            seen.Add(uuid).Should().BeTrue();
            if (previous is not null)
            {
                string.CompareOrdinal(previous, uuid).Should().BeNegative();
            }

            previous = uuid;
        }
    }

    [Fact]
    public void The_random_part_differs_between_uuids_of_the_same_millisecond()
    {
        var ids = new CardIds();
        var random = Enumerable.Range(0, 500).Select(_ => ids.Next(IssuedAt)[15..]).ToList();

        random.Should().OnlyHaveUniqueItems();
        random.Select(r => r[^1]).Distinct().Should().HaveCountGreaterThan(1, "74 random bits, not a counter");
    }

    [Fact]
    public void Many_threads_at_once_get_distinct_uuids()
    {
        var ids = new CardIds();
        var all = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                all.Add(ids.Next(IssuedAt));
            }
        });

        all.Should().HaveCount(8_000).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_time_before_1970_is_refused()
    {
        FluentActions.Invoking(() => new CardIds().Next(DateTimeOffset.UnixEpoch.AddMilliseconds(-1)))
            .Should().Throw<ArgumentOutOfRangeException>();
    }
}
