using CrampCds.Api.Feedback;
using CrampCds.Core.Feedback;
using FluentAssertions;

namespace CrampCds.Api.Tests.Feedback;

/// <summary>The store's contract, on SQLite always and on PostgreSQL when one is configured.</summary>
public class FeedbackStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [PostgresFact]
    public async Task The_store_suite_runs_on_PostgreSQL_too()
    {
        await using var fixture = await StoreFixture.CreateAsync("postgres");
        await using var store = fixture.Open();

        await store.MigrateAsync(CancellationToken.None);

        (await store.PingAsync(CancellationToken.None)).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task Migrations_are_applied_once_and_a_restart_keeps_everything(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using (var first = fixture.Open())
        {
            await first.MigrateAsync(CancellationToken.None);
            await first.RecordCardsAsync([Card("c1", "p1", Now)], CancellationToken.None);
            await first.RecordFeedbackAsync("crampcds-order-sign", [Item("c1", "accepted", Now)], CancellationToken.None);
        }

        await using var second = fixture.Open();
        await second.MigrateAsync(CancellationToken.None);

        var rows = await second.CardOutcomesAsync(Now.AddDays(-1), Now.AddDays(1), CancellationToken.None);
        rows.Should().ContainSingle().Which.Outcome.Should().Be("accepted");
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task A_store_from_before_feedback_kept_its_patient_drops_the_card_index_by_patient_and_keeps_its_cards(string provider)
    {
        // A store as the 002 schema left it: the index by patient was still there.
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using (var first = fixture.Open())
        {
            await first.MigrateAsync(CancellationToken.None);
            await first.RecordCardsAsync([Card("c1", "hash-a", Now)], CancellationToken.None);
            await first.RecordFeedbackAsync("s", [Item("c1", "overridden", Now, "patient-aware-managed")], CancellationToken.None);
        }

        await using (var connection = fixture.Connect())
        {
            await connection.OpenAsync();
            await Dapper.SqlMapper.ExecuteAsync(connection, "CREATE INDEX ix_issued_cards_patient ON issued_cards (patient_hash, rule_id)");
            await Dapper.SqlMapper.ExecuteAsync(connection, "DELETE FROM schema_migrations WHERE version = '003_drop_issued_cards_patient_index.sql'");
        }

        await using var upgraded = fixture.Open();
        await upgraded.MigrateAsync(CancellationToken.None);

        (await CardIndexes(fixture)).Should().Contain("ix_issued_cards_issued_at").And.NotContain("ix_issued_cards_patient");
        (await upgraded.OverridesAsync("hash-a", Now.AddDays(-90), CancellationToken.None)).Should().Equal(("causative-drugs", "patient-aware-managed"));
        (await upgraded.CardOutcomesAsync(Now.AddDays(-1), Now.AddDays(1), CancellationToken.None)).Should().ContainSingle().Which.Outcome.Should().Be("overridden");
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task A_batch_of_cards_is_written_once_with_every_column_and_a_batch_written_again_adds_nothing(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using var store = fixture.Open();
        IssuedCard[] batch =
        [
            new("u1", "crampcds-order-select", "baclofen-dose", "2026.11.0", "warning", "hook-1", "hash-a", ["s1", "s2"], Now),
            new("u2", "crampcds-order-select", "baclofen-renal", "2026.11.1", "info", "hook-1", "hash-a", [], Now.AddMilliseconds(1)),
        ];

        await store.RecordCardsAsync(batch, CancellationToken.None);
        await store.RecordCardsAsync(batch, CancellationToken.None);

        await using var connection = fixture.Connect();
        await connection.OpenAsync();
        var rows = (await Dapper.SqlMapper.QueryAsync<(string, string, string, string, string, string, string, string, long)>(connection,
            "SELECT card_uuid, service_id, rule_id, content_version, indicator, hook_instance, patient_hash, suggestion_uuids, issued_at FROM issued_cards ORDER BY card_uuid")).ToList();
        rows.Should().Equal(
            ("u1", "crampcds-order-select", "baclofen-dose", "2026.11.0", "warning", "hook-1", "hash-a", "s1,s2", Now.ToUnixTimeMilliseconds()),
            ("u2", "crampcds-order-select", "baclofen-renal", "2026.11.1", "info", "hook-1", "hash-a", "", Now.AddMilliseconds(1).ToUnixTimeMilliseconds()));
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task A_card_batch_the_store_cannot_write_fails_as_the_store_being_unavailable(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using var store = fixture.Open();
        await store.MigrateAsync(CancellationToken.None);
        await using (var connection = fixture.Connect())
        {
            await connection.OpenAsync();
            await Dapper.SqlMapper.ExecuteAsync(connection, "DROP TABLE issued_cards");
        }

        var write = () => store.RecordCardsAsync([Card("c1", "hash-a", Now)], CancellationToken.None);

        (await write.Should().ThrowAsync<Exception>()).Which.Should().Match<Exception>(e => FeedbackStore.IsUnavailable(e));
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task Feedback_is_idempotent_and_unknown_cards_are_flagged(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using var store = fixture.Open();
        await store.RecordCardsAsync([Card("known", "p1", Now)], CancellationToken.None);

        var first = await store.RecordFeedbackAsync("s", [Item("known", "overridden", Now), Item("unknown", "accepted", Now)], CancellationToken.None);
        var again = await store.RecordFeedbackAsync("s", [Item("known", "overridden", Now)], CancellationToken.None);

        first.Should().Be((2, 1));
        again.Should().Be((0, 0));
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task A_thousand_concurrent_writes_all_land_once(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using var store = fixture.Open();
        await store.MigrateAsync(CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => store.RecordCardsAsync([Card($"card-{i}", "p1", Now)], CancellationToken.None)));
        var stored = await Task.WhenAll(Enumerable.Range(0, 1000).Concat(Enumerable.Range(0, 200))
            .Select(i => store.RecordFeedbackAsync("s", [Item($"card-{i}", "accepted", Now)], CancellationToken.None)));

        stored.Sum(s => s.Stored).Should().Be(1000);
        var rows = await store.CardOutcomesAsync(Now.AddDays(-1), Now.AddDays(1), CancellationToken.None);
        rows.Should().HaveCount(1000).And.OnlyContain(r => r.Outcome == "accepted");
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task A_jti_is_accepted_once_until_it_expires(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using var store = fixture.Open();

        (await store.TryRegisterJtiAsync("iss", "j1", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None)).Should().BeTrue();
        (await store.TryRegisterJtiAsync("iss", "j1", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None)).Should().BeFalse();
        (await store.TryRegisterJtiAsync("other-iss", "j1", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None)).Should().BeTrue();
        (await store.TryRegisterJtiAsync("iss", "old", DateTimeOffset.UtcNow.AddMinutes(-5), CancellationToken.None)).Should().BeTrue();
        (await store.TryRegisterJtiAsync("iss", "old", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None)).Should().BeTrue("the earlier token had expired");
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task The_latest_feedback_decides_and_overrides_are_found_by_patient_hash(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using var store = fixture.Open();
        await store.RecordCardsAsync([Card("c1", "hash-a", Now), Card("c2", "hash-b", Now)], CancellationToken.None);
        await store.RecordFeedbackAsync("s", [Item("c1", "accepted", Now), Item("c1", "overridden", Now.AddMinutes(1), "patient-aware-managed")], CancellationToken.None);

        var rows = await store.CardOutcomesAsync(Now.AddDays(-1), Now.AddDays(1), CancellationToken.None);
        var overrides = await store.OverridesAsync("hash-a", Now.AddDays(-90), CancellationToken.None);

        rows.Single(r => r.CardUuid == "c1").Outcome.Should().Be("overridden");
        rows.Single(r => r.CardUuid == "c2").Outcome.Should().BeNull();
        overrides.Should().Equal(("causative-drugs", "patient-aware-managed"));
        (await store.OverridesAsync("hash-b", Now.AddDays(-90), CancellationToken.None)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task An_override_that_arrives_before_its_card_is_logged_counts_once_the_card_is_logged(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using var store = fixture.Open();
        await store.RecordFeedbackAsync("s", [Item("late", "overridden", Now, "patient-aware-managed")], CancellationToken.None);
        var before = await store.OverridesAsync("hash-a", Now.AddDays(-90), CancellationToken.None);

        await store.RecordCardsAsync([Card("late", "hash-a", Now.AddSeconds(-5))], CancellationToken.None);

        before.Should().BeEmpty();
        (await store.OverridesAsync("hash-a", Now.AddDays(-90), CancellationToken.None)).Should().Equal(("causative-drugs", "patient-aware-managed"));
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task Feedback_without_its_patient_is_still_found_through_its_card_and_filled_in_hourly(string provider)
    {
        // As written by a replica still on the previous schema, or by feedback that raced its card's write.
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using var store = fixture.Open();
        await store.RecordCardsAsync([Card("c1", "hash-a", Now), Card("c2", "hash-b", Now)], CancellationToken.None);
        await store.RecordFeedbackAsync("s", [Item("c1", "overridden", Now, "patient-aware-managed")], CancellationToken.None);
        await using (var connection = fixture.Connect())
        {
            await connection.OpenAsync();
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE feedback SET patient_hash = NULL, rule_id = NULL");
        }

        var found = await store.OverridesAsync("hash-a", Now.AddDays(-90), CancellationToken.None);
        var other = await store.OverridesAsync("hash-b", Now.AddDays(-90), CancellationToken.None);
        var adopted = await store.AdoptOrphanFeedbackAsync(CancellationToken.None);

        found.Should().Equal(("causative-drugs", "patient-aware-managed"));
        other.Should().BeEmpty();
        adopted.Should().Be(1);
        (await store.AdoptOrphanFeedbackAsync(CancellationToken.None)).Should().Be(0);
        (await store.OverridesAsync("hash-a", Now.AddDays(-90), CancellationToken.None)).Should().Equal(("causative-drugs", "patient-aware-managed"));
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task Overrides_older_than_the_snooze_window_or_of_other_patients_do_not_count(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        await using var store = fixture.Open();
        await store.RecordCardsAsync([Card("old", "hash-a", Now.AddDays(-100)), Card("other", "hash-b", Now)], CancellationToken.None);
        await store.RecordFeedbackAsync("s", [Item("old", "overridden", Now.AddDays(-100), "patient-aware-managed"), Item("other", "overridden", Now, "patient-aware-managed")], CancellationToken.None);

        (await store.OverridesAsync("hash-a", Now.AddDays(-90), CancellationToken.None)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(StoreFixture.Providers), MemberType = typeof(StoreFixture))]
    public async Task Retention_purges_rows_older_than_the_cutoff(string provider)
    {
        await using var fixture = await StoreFixture.CreateAsync(provider);
        var clock = new MovableClock(Now.AddDays(-400));
        await using var store = fixture.Open(clock);
        await store.RecordCardsAsync([Card("old", "p", Now.AddDays(-400))], CancellationToken.None);
        await store.RecordFeedbackAsync("s", [Item("old", "accepted", Now.AddDays(-400))], CancellationToken.None);
        clock.Now = Now;
        await store.RecordCardsAsync([Card("new", "p", Now)], CancellationToken.None);

        var removed = await store.PurgeAsync(Now.AddDays(-365), CancellationToken.None);

        removed.Should().Be(2);
        (await store.CardOutcomesAsync(Now.AddYears(-5), Now.AddDays(1), CancellationToken.None)).Select(r => r.CardUuid).Should().Equal("new");
    }

    private static async Task<List<string>> CardIndexes(StoreFixture fixture)
    {
        await using var connection = fixture.Connect();
        await connection.OpenAsync();
        var sql = fixture.Provider == "postgres"
            ? "SELECT indexname FROM pg_indexes WHERE tablename = 'issued_cards' AND schemaname = current_schema()"
            : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'issued_cards'";
        return (await Dapper.SqlMapper.QueryAsync<string>(connection, sql)).ToList();
    }

    private static IssuedCard Card(string uuid, string patientHash, DateTimeOffset at) =>
        new(uuid, "crampcds-patient-view", "causative-drugs", "2026.11.0", "warning", "hook-1", patientHash, ["s1"], at);

    private static FeedbackItem Item(string card, string outcome, DateTimeOffset at, string? reason = null) => new()
    {
        CardUuid = card,
        Outcome = outcome,
        OutcomeTimestamp = at,
        ReasonCode = reason,
        ReasonSystem = reason is null ? null : "https://crampcds.org/fhir/CodeSystem/override-reason",
        UserComment = reason is null ? null : "free text never reported",
    };

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
