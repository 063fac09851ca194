using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CrampCds.Api.Feedback;

/// <summary>
/// Writes a batch of the card log into SQLite through one statement prepared for the batch and bound by position.
/// Microsoft.Data.Sqlite binds every parameter by its name again on every execute, about a quarter of the writer's time
/// under load. SQLite's I/O is synchronous whichever way it is called; this runs on the card-log writer, in its transaction.
/// </summary>
internal static class SqliteCardRows
{
    public static void Insert(SqliteConnection connection, IReadOnlyList<IssuedCard> cards, CancellationToken cancellationToken)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        Check(db, raw.sqlite3_prepare_v2(db, FeedbackStore.InsertCardSql, out var statement));
        using (statement)
        {
            foreach (var card in cards)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Check(db, raw.sqlite3_bind_text(statement, 1, card.CardUuid));
                Check(db, raw.sqlite3_bind_text(statement, 2, card.ServiceId));
                Check(db, raw.sqlite3_bind_text(statement, 3, card.RuleId));
                Check(db, raw.sqlite3_bind_text(statement, 4, card.ContentVersion));
                Check(db, raw.sqlite3_bind_text(statement, 5, card.Indicator));
                Check(db, raw.sqlite3_bind_text(statement, 6, card.HookInstance));
                Check(db, raw.sqlite3_bind_text(statement, 7, card.PatientHash));
                Check(db, raw.sqlite3_bind_text(statement, 8, string.Join(',', card.SuggestionUuids)));
                Check(db, raw.sqlite3_bind_int64(statement, 9, card.IssuedAt.ToUnixTimeMilliseconds()));
                var step = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (step != raw.SQLITE_DONE)
                {
                    Check(db, step);
                }
            }
        }
    }

    // As Microsoft.Data.Sqlite reports a failure: a SqliteException (a DbException, so the store counts it as unavailable).
    private static void Check(sqlite3 db, int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), result);
        }
    }
}
