using System.Collections.Concurrent;
using CrampCds.Api.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace CrampCds.Api.Auth;

/// <summary>
/// Each trusted issuer's signing keys, from its configured JWKS URL (or local copy), cached; fetched again
/// when a token names an unknown <c>kid</c>, at most once per JwksRefreshMinSeconds per issuer.
/// </summary>
public sealed class JwksCache(IHttpClientFactory httpClients, CrampCdsOptions options, TimeProvider time, ILogger<JwksCache> logger)
{
    public const string HttpClientName = "jwks";

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>The issuer's keys; <paramref name="unknownKid"/> asks for a refetch (rate-limited) because a token named a key not held.</summary>
    public async Task<IReadOnlyList<SecurityKey>> GetKeysAsync(TrustedIssuerOptions issuer, bool unknownKid, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(issuer.Issuer, out var cached) && !NeedsFetch(cached, unknownKid, now))
        {
            return cached.Keys;
        }

        var gate = _locks.GetOrAdd(issuer.Issuer, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_entries.TryGetValue(issuer.Issuer, out cached) && !NeedsFetch(cached, unknownKid, now))
            {
                return cached.Keys;
            }

            var keys = await FetchAsync(issuer, cancellationToken);
            if (keys is null)
            {
                // Keep serving the keys we had; note the attempt so a failing host is not hammered.
                var kept = cached?.Keys ?? [];
                _entries[issuer.Issuer] = new Entry(kept, cached?.FetchedAt ?? DateTimeOffset.MinValue, time.GetUtcNow());
                return kept;
            }

            _entries[issuer.Issuer] = new Entry(keys, time.GetUtcNow(), time.GetUtcNow());
            return keys;
        }
        finally
        {
            gate.Release();
        }
    }

    private bool NeedsFetch(Entry entry, bool unknownKid, DateTimeOffset now)
    {
        var sinceAttempt = now - entry.AttemptedAt;
        if (unknownKid)
        {
            return sinceAttempt >= TimeSpan.FromSeconds(options.Auth.JwksRefreshMinSeconds);
        }

        return entry.Keys.Count == 0
            ? sinceAttempt >= TimeSpan.FromSeconds(options.Auth.JwksRefreshMinSeconds)
            : now - entry.FetchedAt >= TimeSpan.FromMinutes(options.Auth.JwksCacheMinutes);
    }

    private async Task<IReadOnlyList<SecurityKey>?> FetchAsync(TrustedIssuerOptions issuer, CancellationToken cancellationToken)
    {
        try
        {
            string json;
            if (!string.IsNullOrWhiteSpace(issuer.JwksPath))
            {
                json = await File.ReadAllTextAsync(issuer.JwksPath, cancellationToken);
            }
            else
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(options.Auth.JwksTimeoutMs), time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                var client = httpClients.CreateClient(HttpClientName);
                json = await client.GetStringAsync(new Uri(issuer.JwksUrl), linked.Token);
            }

            var keys = new JsonWebKeySet(json).GetSigningKeys();
            logger.JwksFetched(issuer.Issuer, keys.Count);
            return keys.ToList();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or ArgumentException or OperationCanceledException or UnauthorizedAccessException
            && !cancellationToken.IsCancellationRequested)
        {
            logger.JwksUnavailable(issuer.Issuer, ex.GetType().Name);
            return null;
        }
    }

    private sealed record Entry(IReadOnlyList<SecurityKey> Keys, DateTimeOffset FetchedAt, DateTimeOffset AttemptedAt);
}
