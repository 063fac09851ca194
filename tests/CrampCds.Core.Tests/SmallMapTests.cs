using FluentAssertions;

namespace CrampCds.Core.Tests;

public class SmallMapTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(12)]
    public void A_name_given_twice_keeps_its_first_place_and_its_last_value_as_a_dictionary_does(int names)
    {
        var items = Enumerable.Range(0, names).Select(i => KeyValuePair.Create($"k{i}", i)).Append(KeyValuePair.Create("k1", -1)).ToArray();
        var expected = new Dictionary<string, int>();
        foreach (var (key, value) in items)
        {
            expected[key] = value;
        }

        var map = SmallMap<int>.Create(items);

        map.Should().Equal(expected);
        map.Keys.Should().Equal(expected.Keys);
        map.Values.Should().Equal(expected.Values);
        map.Count.Should().Be(names);
        map["k1"].Should().Be(-1);
    }

    [Fact]
    public void Names_are_compared_ordinally_and_a_missing_one_is_not_found()
    {
        var map = SmallMap<string>.Create([KeyValuePair.Create("labs", "a")]);

        map.ContainsKey("labs").Should().BeTrue();
        map.ContainsKey("Labs").Should().BeFalse();
        map.TryGetValue("lab", out _).Should().BeFalse();
        map.Invoking(m => m["patient"]).Should().Throw<KeyNotFoundException>();
        map.Invoking(m => m.ContainsKey(null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void No_names_make_an_empty_map()
    {
        SmallMap<int>.Create([]).Should().BeEmpty();
    }

    [Fact]
    public void Distinct_values_are_kept_in_their_order_and_a_name_given_twice_is_refused()
    {
        var values = SmallMap<int>.Distinct([new("a", 1), new("b", 2)]);
        values.Should().Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });
        values.Keys.Should().Equal("a", "b");

        var twice = () => SmallMap<int>.Distinct([new("a", 1), new("b", 2), new("a", 3)]);
        twice.Should().Throw<ArgumentException>().WithMessage("*'a'*twice*");
    }
}
