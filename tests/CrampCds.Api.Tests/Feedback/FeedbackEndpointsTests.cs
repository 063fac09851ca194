using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CrampCds.TestSupport;
using Dapper;
using FluentAssertions;
using Microsoft.Data.Sqlite;

namespace CrampCds.Api.Tests.Feedback;

public class FeedbackEndpointsTests
{
    private const string FeedbackUrl = "/cds-services/crampcds-order-sign/feedback";

    [SharedDataTheory]
    [InlineData("feedback-accepted.json")]
    [InlineData("feedback-overridden-with-reason.json")]
    [InlineData("feedback-overridden-no-reason.json")]
    public async Task Every_field_of_the_spec_feedback_examples_is_stored(string file)
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var body = await File.ReadAllTextAsync(SharedData.Path("reference", "cds-hooks", "v2.0.1", file));
        var expected = JsonNode.Parse(body)!["feedback"]![0]!;

        using var response = await PostAsync(client, body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var row = (await Rows(app.DatabasePath)).Should().ContainSingle().Subject;
        ((string)row.card_uuid).Should().Be((string)expected["card"]!);
        ((string)row.outcome).Should().Be((string)expected["outcome"]!);
        ((long)row.outcome_at).Should().Be(DateTimeOffset.Parse((string)expected["outcomeTimestamp"]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        ((string)row.accepted_suggestions).Should().Be(string.Join(',', (expected["acceptedSuggestions"] as JsonArray ?? []).Select(s => (string)s!["id"]!)));
        ((string?)row.reason_code).Should().Be((string?)expected["overrideReason"]?["reason"]?["code"]);
        ((string?)row.reason_system).Should().Be((string?)expected["overrideReason"]?["reason"]?["system"]);
        ((string?)row.user_comment).Should().Be((string?)expected["overrideReason"]?["userComment"]);
        ((long)row.card_known).Should().Be(0, "no such card was issued here: stored and flagged, not rejected");
    }

    [Fact]
    public async Task The_same_feedback_twice_is_stored_once()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var body = Feedback("overridden", ""","overrideReason":{"reason":{"code":"other","system":"https://crampcds.org/fhir/CodeSystem/override-reason"}}""");

        (await PostAsync(client, body)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PostAsync(client, body)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await Rows(app.DatabasePath)).Should().ContainSingle();
    }

    [Fact]
    public async Task Feedback_on_an_issued_card_is_linked_to_it()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        using var hook = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
        var card = (await hook.ReadCardsAsync()).OnlyCard(Answers.QuinineRule);
        var suggestion = (string)card["suggestions"]![0]!["uuid"]!;
        var cardUuid = (string)card["uuid"]!;
        await WaitForCardAsync(app.DatabasePath, cardUuid);

        using var response = await PostAsync(client, $$"""
            {"feedback":[{"card":"{{cardUuid}}","outcome":"accepted","acceptedSuggestions":[{"id":"{{suggestion}}"}],"outcomeTimestamp":"2026-11-22T10:00:00Z"}]}
            """);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var row = (await Rows(app.DatabasePath)).Single();
        ((long)row.card_known).Should().Be(1);
        ((string)row.accepted_suggestions).Should().Be(suggestion);
    }

    [Theory]
    [InlineData("{}", "feedback")]
    [InlineData("""{"feedback":[]}""", "feedback")]
    [InlineData("""{"feedback":[{"outcome":"accepted","outcomeTimestamp":"2026-01-01T00:00:00Z"}]}""", "feedback[0].card")]
    [InlineData("""{"feedback":[{"card":"c1","outcome":"ignored","outcomeTimestamp":"2026-01-01T00:00:00Z"}]}""", "feedback[0].outcome")]
    [InlineData("""{"feedback":[{"card":"c1","outcome":"accepted","outcomeTimestamp":"yesterday"}]}""", "feedback[0].outcomeTimestamp")]
    [InlineData("""{"feedback":[{"card":"c1","outcome":"overridden","overrideReason":{"reason":{"system":"x"}},"outcomeTimestamp":"2026-01-01T00:00:00Z"}]}""", "feedback[0].overrideReason.reason.code")]
    [InlineData("""{"feedback":[{"card":"c1","outcome":"accepted","acceptedSuggestions":[{}],"outcomeTimestamp":"2026-01-01T00:00:00Z"}]}""", "feedback[0].acceptedSuggestions[0].id")]
    [InlineData("[1]", "body")]
    [InlineData("{", "body")]
    public async Task Invalid_feedback_is_400_naming_the_field(string body, string field)
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await PostAsync(client, body);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        problem.ErrorFields().Should().Contain(field);
        (await Rows(app.DatabasePath)).Should().BeEmpty();
    }

    [Fact]
    public async Task Feedback_for_an_unknown_service_is_404()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/cds-services/nope/feedback", new StringContent(Feedback("accepted", ""), Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_thousand_concurrent_feedback_posts_all_land_once()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var bodies = Enumerable.Range(0, 1000).Select(i =>
            $$$"""{"feedback":[{"card":"card-{{{i}}}","outcome":"overridden","overrideReason":{"reason":{"code":"other","system":"https://crampcds.org/fhir/CodeSystem/override-reason"}},"outcomeTimestamp":"2026-11-22T10:00:00Z"}]}""").ToList();

        var responses = await Task.WhenAll(bodies.Concat(bodies.Take(100)).Select(async b =>
        {
            using var response = await PostAsync(client, b);
            return response.StatusCode;
        }));

        responses.Should().OnlyContain(s => s == HttpStatusCode.OK);
        var cards = (await Rows(app.DatabasePath)).Select(r => (string)r.card_uuid).ToList();
        cards.Should().HaveCount(1000).And.OnlyHaveUniqueItems();
    }

    private static string Feedback(string outcome, string extra) =>
        $$"""{"feedback":[{"card":"9368d37b-283f-44a0-93ea-547cebab93ed","outcome":"{{outcome}}"{{extra}},"outcomeTimestamp":"2026-11-22T10:00:00Z"}]}""";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body) =>
        client.PostAsync(FeedbackUrl, new StringContent(body, Encoding.UTF8, "application/json"));

    internal static async Task<List<dynamic>> Rows(string database, string table = "feedback")
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        var exists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table", new { table });
        return exists == 0 ? [] : (await connection.QueryAsync($"SELECT * FROM {table}")).ToList();
    }

    internal static async Task WaitForCardAsync(string database, string cardUuid)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((await Rows(database, "issued_cards")).Any(r => (string)r.card_uuid == cardUuid))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"card {cardUuid} never reached the card log");
    }
}
