using BenchmarkDotNet.Attributes;
using CrampCds.Api.Feedback;
using CrampCds.Api.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CrampCds.Benchmarks;

/// <summary>
/// One card-log batch (200 cards, as the writer writes them) into a SQLite store on disk: the store's own path (one
/// statement prepared for the batch, bound by position) beside the same rows through Microsoft.Data.Sqlite's command,
/// its parameters bound by name on every execute (the store's path before; the baseline). Both open a pooled connection,
/// set the same pragmas and write in one transaction, as the store does.
/// </summary>
[MemoryDiagnoser]
public class CardLogBenchmarks : IDisposable
{
    private const int BatchSize = 200;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "crampcds-cardlog-bench-" + Guid.NewGuid().ToString("N"));
    private string _connectionString = "";
    private FeedbackStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_directory);
        _connectionString = $"Data Source={Path.Combine(_directory, "store.db")}";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Feedback"] = _connectionString }).Build();
        _store = new FeedbackStore(new CrampCdsOptions(), configuration, TimeProvider.System);
        _store.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "Microsoft.Data.Sqlite command, bound by name")]
    public void BoundByName()
    {
        var cards = Batch();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";
            pragmas.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = FeedbackStore.InsertCardSql;
        string[] names = ["@card_uuid", "@service_id", "@rule_id", "@content_version", "@indicator", "@hook_instance", "@patient_hash", "@suggestion_uuids", "@issued_at"];
        var parameters = names.Select(name => command.Parameters.Add(name, SqliteType.Text)).ToArray();
        parameters[8].SqliteType = SqliteType.Integer;
        foreach (var card in cards)
        {
            parameters[0].Value = card.CardUuid;
            parameters[1].Value = card.ServiceId;
            parameters[2].Value = card.RuleId;
            parameters[3].Value = card.ContentVersion;
            parameters[4].Value = card.Indicator;
            parameters[5].Value = card.HookInstance;
            parameters[6].Value = card.PatientHash;
            parameters[7].Value = string.Join(',', card.SuggestionUuids);
            parameters[8].Value = card.IssuedAt.ToUnixTimeMilliseconds();
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    [Benchmark(Description = "the store (prepared once, bound by position)")]
    public Task Store() => _store.RecordCardsAsync(Batch(), CancellationToken.None);

    // Fresh uuids every batch, as the service issues them (a repeated uuid would be skipped by ON CONFLICT).
    private static IssuedCard[] Batch()
    {
        var now = DateTimeOffset.UtcNow;
        var cards = new IssuedCard[BatchSize];
        for (var i = 0; i < cards.Length; i++)
        {
            cards[i] = new IssuedCard(
                Guid.CreateVersion7(now).ToString(),
                "crampcds-order-select",
                i % 2 == 0 ? "baclofen-dose" : "baclofen-renal",
                "2026.11.0",
                "warning",
                "d1c4b7e2-5f0a-4c3e-9a51-3b8e2f6d7c90",
                "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
                [Guid.CreateVersion7(now).ToString()],
                now);
        }

        return cards;
    }
}
