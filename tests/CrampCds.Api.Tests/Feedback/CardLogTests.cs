using System.Text.Json.Nodes;
using FluentAssertions;

namespace CrampCds.Api.Tests.Feedback;

public class CardLogTests
{
    [Fact]
    public async Task Every_card_is_logged_with_its_rule_version_and_a_keyed_patient_hash_never_the_patient_id()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();
        var call = HookCall.OrderSign("pat-7f3e9", FhirResources.QuinineDraft()).WithCompletePrefetch();

        using var response = await call.PostAsync(client);
        var card = (await response.ReadCardsAsync()).OnlyCard(Answers.QuinineRule);
        await FeedbackEndpointsTests.WaitForCardAsync(app.DatabasePath, (string)card["uuid"]!);

        var row = (await FeedbackEndpointsTests.Rows(app.DatabasePath, "issued_cards")).Single();
        ((string)row.rule_id).Should().Be("quinine-order");
        ((string)row.service_id).Should().Be("crampcds-order-sign");
        ((string)row.indicator).Should().Be("critical");
        ((string)row.content_version).Should().Be((string)card["extension"]!["org.crampcds.content-version"]!);
        ((string)row.hook_instance).Should().Be((string)call.Body["hookInstance"]!);
        ((string)row.suggestion_uuids).Should().Be((string)card["suggestions"]![0]!["uuid"]!);
        ((string)row.patient_hash).Should().HaveLength(64).And.NotContain("pat-7f3e9");
        var database = await File.ReadAllBytesAsync(app.DatabasePath);
        System.Text.Encoding.UTF8.GetString(database).Should().NotContain("pat-7f3e9");
    }

    [Fact]
    public async Task The_writer_gathers_cards_for_the_flush_interval_then_writes_them_all()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:Feedback:FlushIntervalMs", "1500"));
        using var client = app.CreateClient();

        var uuids = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
            return (string)(await response.ReadCardsAsync()).OnlyCard(Answers.QuinineRule)["uuid"]!;
        }));
        await Task.Delay(300);
        var early = await FeedbackEndpointsTests.Rows(app.DatabasePath, "issued_cards");
        await FeedbackEndpointsTests.WaitForCardAsync(app.DatabasePath, uuids[^1]);

        early.Count.Should().Be(0, "the writer waits out the flush interval before writing");
        (await FeedbackEndpointsTests.Rows(app.DatabasePath, "issued_cards")).Select(r => (string)r.card_uuid).Should().BeEquivalentTo(uuids);
    }

    [Fact]
    public async Task A_thousand_concurrent_hook_calls_log_every_card_exactly_once()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        var uuids = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
            return (string)(await response.ReadCardsAsync()).OnlyCard(Answers.QuinineRule)["uuid"]!;
        }));
        await FeedbackEndpointsTests.WaitForCardAsync(app.DatabasePath, uuids[^1]);
        for (var attempt = 0; attempt < 100 && (await FeedbackEndpointsTests.Rows(app.DatabasePath, "issued_cards")).Count < 1000; attempt++)
        {
            await Task.Delay(50);
        }

        var logged = (await FeedbackEndpointsTests.Rows(app.DatabasePath, "issued_cards")).Select(r => (string)r.card_uuid).ToList();
        logged.Should().HaveCount(1000).And.OnlyHaveUniqueItems().And.BeEquivalentTo(uuids);
    }

    [Fact]
    public async Task Cards_still_queued_at_shutdown_are_flushed_and_a_restart_keeps_everything()
    {
        var database = Path.Combine(Path.GetTempPath(), $"crampcds-restart-{Guid.NewGuid():N}.db");
        try
        {
            string[] uuids;
            await using (var first = new CrampCdsApplication(null, ("ConnectionStrings:Feedback", $"Data Source={database}")))
            {
                using var client = first.CreateClient();
                uuids = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
                {
                    using var response = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
                    return (string)(await response.ReadCardsAsync()).OnlyCard(Answers.QuinineRule)["uuid"]!;
                }));
            }

            await using var second = new CrampCdsApplication(null, ("ConnectionStrings:Feedback", $"Data Source={database}"));
            using var again = second.CreateClient();
            using var feedback = await again.PostAsync("/cds-services/crampcds-order-sign/feedback", new StringContent(
                $$"""{"feedback":[{"card":"{{uuids[0]}}","outcome":"overridden","outcomeTimestamp":"2026-11-22T10:00:00Z"}]}""",
                System.Text.Encoding.UTF8,
                "application/json"));

            (await FeedbackEndpointsTests.Rows(database, "issued_cards")).Select(r => (string)r.card_uuid).Should().BeEquivalentTo(uuids);
            ((long)(await FeedbackEndpointsTests.Rows(database)).Single().card_known).Should().Be(1);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
