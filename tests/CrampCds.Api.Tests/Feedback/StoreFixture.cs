using CrampCds.Api.Feedback;
using CrampCds.Api.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CrampCds.Api.Tests.Feedback;

/// <summary>
/// A store of its own for one test: a SQLite file, or (when CRAMPCDS_TEST_POSTGRES names a server) a fresh
/// PostgreSQL schema. `.ci/run` starts a PostgreSQL on loopback and sets the variable.
/// </summary>
public sealed class StoreFixture : IAsyncDisposable
{
    public const string PostgresVariable = "CRAMPCDS_TEST_POSTGRES";

    private readonly Func<Task> _cleanup;

    private StoreFixture(string provider, string connectionString, Func<Task> cleanup)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _cleanup = cleanup;
    }

    public string Provider { get; }
    public string ConnectionString { get; }

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    /// <summary>"sqlite" always; "postgres" too when a server is configured.</summary>
    public static TheoryData<string> Providers()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (PostgresServer is not null)
        {
            data.Add("postgres");
        }

        return data;
    }

    public static async Task<StoreFixture> CreateAsync(string provider)
    {
        if (provider == "sqlite")
        {
            var file = Path.Combine(Path.GetTempPath(), $"crampcds-store-{Guid.NewGuid():N}.db");
            return new StoreFixture(provider, $"Data Source={file}", () =>
            {
                SqliteConnection.ClearAllPools();
                foreach (var path in new[] { file, file + "-wal", file + "-shm" })
                {
                    File.Delete(path);
                }

                return Task.CompletedTask;
            });
        }

        var server = PostgresServer ?? throw new InvalidOperationException($"{PostgresVariable} is not set");
        var schema = $"t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new StoreFixture(provider, $"{server};Search Path={schema}", async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        });
    }

    /// <summary>A raw connection to the fixture's database, for a test that writes what the store would not.</summary>
    public System.Data.Common.DbConnection Connect() =>
        Provider == "postgres" ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);

    /// <summary>A store over this fixture's database (a second one reads what the first wrote: a restart).</summary>
    public FeedbackStore Open(TimeProvider? time = null)
    {
        var options = new CrampCdsOptions { Feedback = new FeedbackOptions { Provider = Provider } };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Feedback"] = ConnectionString }).Build();
        return new FeedbackStore(options, configuration, time ?? TimeProvider.System);
    }

    public async ValueTask DisposeAsync() => await _cleanup();
}

/// <summary>A fact that needs a real PostgreSQL; skipped, visibly, when CRAMPCDS_TEST_POSTGRES is not set.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (StoreFixture.PostgresServer is null)
        {
            Skip = $"no PostgreSQL configured ({StoreFixture.PostgresVariable} unset): the store suite ran on SQLite only";
        }
    }
}
