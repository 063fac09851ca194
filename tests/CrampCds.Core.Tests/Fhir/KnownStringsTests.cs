using System.Text;
using CrampCds.Core.Fhir;
using FluentAssertions;

namespace CrampCds.Core.Tests.Fhir;

public class KnownStringsTests
{
    [Fact]
    public void A_value_of_the_set_is_its_shared_instance_and_any_other_is_not_found()
    {
        var active = new string("active".AsSpan());
        var known = new KnownStrings([active, "final", "http://loinc.org", ""]);

        known.Find("active"u8).Should().BeSameAs(active);
        known.Find("final"u8).Should().Be("final");
        known.Find(""u8).Should().BeEmpty();
        known.Find("activ3"u8).Should().BeNull("same length, other bytes");
        known.Find("Active"u8).Should().BeNull("values are compared as written");
        known.Find(Encoding.UTF8.GetBytes(new string('x', 100))).Should().BeNull("longer than any value");
    }

    [Fact]
    public void Every_value_of_a_set_as_large_as_the_catalogs_codes_is_found_and_values_alike_at_both_ends_are_told_apart()
    {
        // RxNorm-like codes of one length differing in a digit or two, and URLs that share their first and last eight bytes.
        var codes = Enumerable.Range(0, 300).Select(i => (197000 + (i * 7)).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var urls = Enumerable.Range(0, 20).Select(i => $"http://terminology.example/set-{i:D2}/CodeSystem").ToList();
        var known = new KnownStrings([.. codes, .. urls, .. codes.Take(5)]);

        foreach (var value in codes.Concat(urls))
        {
            known.Find(Encoding.UTF8.GetBytes(value)).Should().Be(value);
        }

        known.Find("197001"u8).Should().BeNull("same length as the codes, not one of them");
        known.Find("http://terminology.example/set-99/CodeSystem"u8).Should().BeNull("same ends as the URLs, another middle");
        known.Find("1970"u8).Should().BeNull();
    }

    [Fact]
    public void Codes_statuses_bundle_types_and_name_uses_read_as_sent_whether_shared_or_not()
    {
        const string Json = """
            {"resourceType":"Bundle","type":"searchset","link":[{"relation":"next","url":"u"}],"entry":[
              {"resource":{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]},
                           "code":{"coding":[{"code":"act\u0069ve"},{"code":"activ3"},{"code":12345}]}}},
              {"resource":{"resourceType":"Patient","name":[{"use":"official"},{"use":"officia1"}]}}]}
            """;

        var bundle = (Bundle)FhirJson.Parse(Json);
        var second = (Bundle)FhirJson.Parse(Json);

        bundle.Type.Should().Be("searchset").And.BeSameAs(second.Type);
        bundle.Link![0].Relation.Should().Be("next");
        var condition = (Condition)bundle.Entry![0].Resource!;
        condition.ClinicalStatus!.Coding![0].Code.Should().Be("active").And.BeSameAs(((Condition)second.Entry![0].Resource!).ClinicalStatus!.Coding![0].Code);
        condition.Code!.Coding!.Select(c => c.Code).Should().Equal("active", "activ3", "12345");
        ((Patient)bundle.Entry[1].Resource!).Name!.Select(n => n.Use).Should().Equal("official", "officia1");
    }
}
