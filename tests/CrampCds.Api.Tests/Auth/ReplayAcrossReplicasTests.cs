namespace CrampCds.Api.Tests.Auth;

/// <summary>The jti replay cache lives in the shared store: a token accepted by one replica is refused by another.</summary>
public sealed class ReplayAcrossReplicasTests
{
    [Fact]
    public async Task A_token_accepted_by_one_replica_is_refused_by_another_sharing_the_store()
    {
        var database = Path.Combine(Path.GetTempPath(), $"crampcds-replay-{Guid.NewGuid():N}.db");
        try
        {
            await using var issuer = await TestIssuer.StartAsync();
            // A generous lookup budget: this is about sharing, not about a slow store (FhirResilienceTests covers that).
            (string, string?)[] shared = [("ConnectionStrings:Feedback", $"Data Source={database}"), ("CrampCds:Feedback:LookupTimeoutMs", "10000")];
            await using var first = SecuredService.Create([issuer], shared);
            _ = first.Client;
            await using var second = SecuredService.Create([issuer], shared);
            var token = issuer.ValidToken(SecuredService.OrderSignPath);

            using var accepted = await first.Client.OrderSignAsync(token);
            using var replayed = await second.Client.OrderSignAsync(token);

            await accepted.ShouldBeAcceptedAsync();
            await replayed.ShouldBeRefusedAsync("the other replica registered its jti in the shared store");
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
