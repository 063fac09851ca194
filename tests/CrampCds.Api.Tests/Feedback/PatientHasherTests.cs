using System.Security.Cryptography;
using System.Text;
using CrampCds.Api.Feedback;
using CrampCds.Api.Infrastructure;
using FluentAssertions;

namespace CrampCds.Api.Tests.Feedback;

public sealed class PatientHasherTests
{
    private const string Key = "a site's patient-hash key";

    private static PatientHasher Hasher(string? key = Key) => new(new CrampCdsOptions { Feedback = new FeedbackOptions { PatientHashKey = key } });

    private static string Reference(string key, string patientId) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(patientId)));

    [Theory]
    [InlineData("1288992")]
    [InlineData("smart-1032702")]
    [InlineData("e3bd6f8b-5b8e-4b3a-9f59-2a1c3c3a1e10")]
    public void The_hash_is_the_hmac_sha256_of_the_id_under_the_key(string patientId)
    {
        using var hasher = Hasher();

        hasher.Hash(patientId).Should().Be(Reference(Key, patientId));
    }

    [Fact]
    public void A_reused_context_carries_nothing_from_the_hash_before()
    {
        using var hasher = Hasher();

        var first = hasher.Hash("p1");
        hasher.Hash("p2").Should().Be(Reference(Key, "p2"));
        hasher.Hash("p1").Should().Be(first);
    }

    [Fact]
    public void Another_key_gives_another_hash_and_the_id_never_appears_in_it()
    {
        using var ours = Hasher();
        using var theirs = Hasher("another site's key");

        ours.Hash("1288992").Should().NotBe(theirs.Hash("1288992")).And.NotContain("1288992");
    }

    [Fact]
    public void Many_threads_hashing_at_once_each_get_their_own_ids_hash()
    {
        using var hasher = Hasher();
        var ids = Enumerable.Range(0, 2_000).Select(i => $"patient-{i}").ToArray();
        var hashes = new string[ids.Length];

        Parallel.For(0, ids.Length, i => hashes[i] = hasher.Hash(ids[i]));

        hashes.Should().Equal(ids.Select(id => Reference(Key, id)));
    }
}
