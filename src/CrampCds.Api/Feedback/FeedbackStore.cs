using System.Data.Common;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using CrampCds.Api.Infrastructure;
using CrampCds.Core.Feedback;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CrampCds.Api.Feedback;

/// <summary>A card as the log keeps it: rule, version, indicator and a keyed hash of the patient, never the patient.</summary>
public sealed record IssuedCard(
    string CardUuid,
    string ServiceId,
    string RuleId,
    string ContentVersion,
    string Indicator,
    string HookInstance,
    string PatientHash,
    IReadOnlyList<string> SuggestionUuids,
    DateTimeOffset IssuedAt);

/// <summary>
/// The shared store (SQLite by default, PostgreSQL for several replicas): the issued-card log, feedback and
/// the JWT replay cache. Portable SQL through Dapper; schema from the embedded migration files.
/// </summary>
public sealed class FeedbackStore : IAsyncDisposable
{
    private readonly bool _postgres;
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);
    private readonly SemaphoreSlim _migration = new(1, 1);
    private volatile bool _migrated;
    private readonly TimeProvider _time;

    public FeedbackStore(CrampCdsOptions options, IConfiguration configuration, TimeProvider time)
    {
        _time = time;
        _postgres = string.Equals(options.Feedback.Provider, "postgres", StringComparison.OrdinalIgnoreCase);
        _connectionString = configuration.GetConnectionString("Feedback") ?? "Data Source=crampcds.db";
        if (_postgres)
        {
            // Replicas share one server: a modest pool each, unless the connection string says otherwise.
            var connection = new NpgsqlConnectionStringBuilder(_connectionString);
            if (!_connectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase))
            {
                connection.MaxPoolSize = 20;
            }

            _dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
        }
    }

    public string Provider => _postgres ? "postgres" : "sqlite";

    /// <summary>The failures that mean the store cannot be reached or used right now (as opposed to a bug).</summary>
    public static bool IsUnavailable(Exception ex) => ex is System.Data.Common.DbException or InvalidOperationException or IOException;

    /// <summary>Applies the migration files not yet applied, in order, each once (tracked in schema_migrations).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }

        await _migration.WaitAsync(cancellationToken);
        try
        {
            if (!_migrated)
            {
                await ApplyMigrationsAsync(cancellationToken);
                _migrated = true;
            }
        }
        finally
        {
            _migration.Release();
        }
    }

    private async Task ApplyMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenRawAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)", cancellationToken: cancellationToken));
        var assembly = typeof(FeedbackStore).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("CrampCds.Migrations.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var version = name["CrampCds.Migrations.".Length..];
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @now) ON CONFLICT (version) DO NOTHING",
                new { version, now = Now() }, transaction, cancellationToken: cancellationToken));
            if (claimed == 1)
            {
                await connection.ExecuteAsync(new CommandDefinition(Read(assembly, name), transaction: transaction, cancellationToken: cancellationToken));
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    public const string InsertCardSql = """
        INSERT INTO issued_cards (card_uuid, service_id, rule_id, content_version, indicator, hook_instance, patient_hash, suggestion_uuids, issued_at)
        VALUES (@card_uuid, @service_id, @rule_id, @content_version, @indicator, @hook_instance, @patient_hash, @suggestion_uuids, @issued_at)
        ON CONFLICT (card_uuid) DO NOTHING
        """;

    public async Task RecordCardsAsync(IReadOnlyList<IssuedCard> cards, CancellationToken cancellationToken)
    {
        if (cards.Count == 0)
        {
            return;
        }

        await WriteAsync(async (connection, transaction) =>
        {
            if (connection is SqliteConnection sqlite)
            {
                SqliteCardRows.Insert(sqlite, cards, cancellationToken);
                return;
            }

            // One command and one set of parameters for the whole batch, each row only changing their values.
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = InsertCardSql;
            var uuid = Parameter(command, "@card_uuid");
            var service = Parameter(command, "@service_id");
            var rule = Parameter(command, "@rule_id");
            var version = Parameter(command, "@content_version");
            var indicator = Parameter(command, "@indicator");
            var hookInstance = Parameter(command, "@hook_instance");
            var patientHash = Parameter(command, "@patient_hash");
            var suggestions = Parameter(command, "@suggestion_uuids");
            var issuedAt = Parameter(command, "@issued_at");
            foreach (var card in cards)
            {
                uuid.Value = card.CardUuid;
                service.Value = card.ServiceId;
                rule.Value = card.RuleId;
                version.Value = card.ContentVersion;
                indicator.Value = card.Indicator;
                hookInstance.Value = card.HookInstance;
                patientHash.Value = card.PatientHash;
                suggestions.Value = string.Join(',', card.SuggestionUuids);
                issuedAt.Value = card.IssuedAt.ToUnixTimeMilliseconds();
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Stores feedback once per card + outcome + timestamp; returns how many items were new, and how many name unknown cards.</summary>
    public async Task<(int Stored, int UnknownCards)> RecordFeedbackAsync(string serviceId, IReadOnlyList<FeedbackItem> items, CancellationToken cancellationToken)
    {
        var stored = 0;
        var unknown = 0;
        await WriteAsync(async (connection, transaction) =>
        {
            foreach (var item in items)
            {
                var card = await connection.QuerySingleOrDefaultAsync<CardOwner>(new CommandDefinition(
                    "SELECT patient_hash AS PatientHash, rule_id AS RuleId FROM issued_cards WHERE card_uuid = @CardUuid", new { item.CardUuid }, transaction, cancellationToken: cancellationToken));
                var known = card is not null;
                unknown += known ? 0 : 1;
                stored += await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO feedback (feedback_key, card_uuid, service_id, outcome, accepted_suggestions, reason_system, reason_code, reason_display, user_comment, outcome_at, received_at, card_known, patient_hash, rule_id)
                    VALUES (@Key, @CardUuid, @ServiceId, @Outcome, @Accepted, @ReasonSystem, @ReasonCode, @ReasonDisplay, @UserComment, @OutcomeAt, @ReceivedAt, @Known, @PatientHash, @RuleId)
                    ON CONFLICT (feedback_key) DO NOTHING
                    """,
                    new
                    {
                        Key = FeedbackKey(item),
                        item.CardUuid,
                        ServiceId = serviceId,
                        item.Outcome,
                        Accepted = string.Join(',', item.AcceptedSuggestions),
                        item.ReasonSystem,
                        item.ReasonCode,
                        item.ReasonDisplay,
                        item.UserComment,
                        OutcomeAt = item.OutcomeTimestamp.ToUnixTimeMilliseconds(),
                        ReceivedAt = Now(),
                        Known = known ? 1 : 0,
                        PatientHash = card?.PatientHash,
                        RuleId = card?.RuleId,
                    },
                    transaction,
                    cancellationToken: cancellationToken));
            }
        }, cancellationToken);
        return (stored, unknown);
    }

    /// <summary>Registers a token's jti; false when it was already seen and has not expired.</summary>
    public async Task<bool> TryRegisterJtiAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var inserted = 0;
        await WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM jwt_replay WHERE issuer = @issuer AND jti = @jti AND expires_at < @now",
                new { issuer, jti, now = Now() }, transaction, cancellationToken: cancellationToken));
            inserted = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO jwt_replay (issuer, jti, expires_at) VALUES (@issuer, @jti, @expires) ON CONFLICT (issuer, jti) DO NOTHING",
                new { issuer, jti, expires = expiresAt.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
        return inserted == 1;
    }

    /// <summary>Every card issued in [from, to) with its latest feedback.</summary>
    public async Task<IReadOnlyList<CardOutcomeRow>> CardOutcomesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CardOutcomeRow>(new CommandDefinition(
            """
            SELECT c.rule_id AS RuleId, c.indicator AS Indicator, c.card_uuid AS CardUuid,
                   f.outcome AS Outcome, f.reason_system AS ReasonSystem, f.reason_code AS ReasonCode, f.reason_display AS ReasonDisplay
            FROM issued_cards c
            LEFT JOIN feedback f ON f.card_uuid = c.card_uuid
                AND f.outcome_at = (SELECT MAX(f2.outcome_at) FROM feedback f2 WHERE f2.card_uuid = c.card_uuid)
            WHERE c.issued_at >= @from AND c.issued_at < @to
            """,
            new { from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return rows.DistinctBy(r => r.CardUuid).ToList();
    }

    /// <summary>
    /// Rules overridden for this patient (by hash) with one of their snoozing reasons since <paramref name="since"/>.
    /// Feedback carries its card's patient hash; the few rows that do not (feedback that came before its card was
    /// logged, or written by a replica still on the previous schema) are matched through their card, one lookup each,
    /// until the hourly <see cref="AdoptOrphanFeedbackAsync"/> fills them in.
    /// </summary>
    public async Task<IReadOnlyList<(string RuleId, string ReasonCode)>> OverridesAsync(string patientHash, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string, string)>(new CommandDefinition(
            """
            SELECT rule_id, reason_code
            FROM feedback
            WHERE patient_hash = @patientHash AND outcome_at >= @since AND outcome = 'overridden' AND reason_code IS NOT NULL
            UNION
            SELECT rule_id, reason_code FROM (
                SELECT (SELECT c.rule_id FROM issued_cards c WHERE c.card_uuid = f.card_uuid AND c.patient_hash = @patientHash) AS rule_id,
                       f.reason_code AS reason_code
                FROM feedback f
                WHERE f.patient_hash IS NULL AND f.outcome_at >= @since AND f.outcome = 'overridden' AND f.reason_code IS NOT NULL
            ) orphans
            WHERE rule_id IS NOT NULL
            """,
            new { patientHash, since = since.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Fills in the patient hash and rule of feedback whose card has since been logged; returns rows filled in.</summary>
    public async Task<int> AdoptOrphanFeedbackAsync(CancellationToken cancellationToken)
    {
        var adopted = 0;
        await WriteAsync(async (connection, transaction) =>
            adopted = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE feedback SET
                    patient_hash = (SELECT c.patient_hash FROM issued_cards c WHERE c.card_uuid = feedback.card_uuid),
                    rule_id = (SELECT c.rule_id FROM issued_cards c WHERE c.card_uuid = feedback.card_uuid)
                WHERE patient_hash IS NULL AND EXISTS (SELECT 1 FROM issued_cards c WHERE c.card_uuid = feedback.card_uuid)
                """,
                transaction: transaction,
                cancellationToken: cancellationToken)), cancellationToken);
        return adopted;
    }

    /// <summary>Deletes cards and feedback older than <paramref name="before"/>, and expired jtis; returns rows removed.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var removed = 0;
        await WriteAsync(async (connection, transaction) =>
        {
            var cutoff = before.ToUnixTimeMilliseconds();
            removed += await connection.ExecuteAsync(new CommandDefinition("DELETE FROM feedback WHERE received_at < @cutoff", new { cutoff }, transaction, cancellationToken: cancellationToken));
            removed += await connection.ExecuteAsync(new CommandDefinition("DELETE FROM issued_cards WHERE issued_at < @cutoff", new { cutoff }, transaction, cancellationToken: cancellationToken));
            removed += await connection.ExecuteAsync(new CommandDefinition("DELETE FROM jwt_replay WHERE expires_at < @now", new { now = Now() }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
        return removed;
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
        }
        catch (DbException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _sqliteWriter.Dispose();
        _migration.Dispose();
    }

    /// <summary>The key that makes feedback idempotent: the same card, outcome and timestamp are one item.</summary>
    private static string FeedbackKey(FeedbackItem item) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{item.CardUuid}\n{item.Outcome}\n{item.OutcomeTimestamp.ToUnixTimeMilliseconds()}")));

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // SQLite has one writer at a time: writes queue here rather than fail as "database is locked".
    private async Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken)
    {
        if (!_postgres)
        {
            await _sqliteWriter.WaitAsync(cancellationToken);
        }

        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            if (!_postgres)
            {
                _sqliteWriter.Release();
            }
        }
    }

    // Every use of the store first makes sure its schema is there (the first call applies the migrations).
    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        return await OpenRawAsync(cancellationToken);
    }

    private async Task<DbConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is not null)
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;", cancellationToken: cancellationToken));
        return connection;
    }

    private sealed record CardOwner(string PatientHash, string RuleId);

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
