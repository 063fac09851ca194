using System.Collections.Concurrent;
using CrampCds.Api.Infrastructure;

namespace CrampCds.Api.Auth;

/// <summary>Remembers each token's <c>jti</c> until it expires, so no token is accepted twice.</summary>
public interface IReplayCache
{
    /// <summary>False when this issuer's <paramref name="jti"/> was already seen and has not expired.</summary>
    ValueTask<bool> TryRegisterAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}

/// <summary>The replica's own memory (the feedback store takes over when several replicas share one).</summary>
public sealed class InMemoryReplayCache(TimeProvider time) : IReplayCache
{
    public ValueTask<bool> TryRegisterAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryRegister(issuer, jti, expiresAt));

    private const int SweepEvery = 1024;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private int _registrations;

    public bool TryRegister(string issuer, string jti, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        if (Interlocked.Increment(ref _registrations) % SweepEvery == 0)
        {
            foreach (var (seen, expiry) in _seen)
            {
                if (expiry < now)
                {
                    _seen.TryRemove(seen, out _);
                }
            }
        }

        var key = issuer + "\n" + jti;
        while (true)
        {
            if (_seen.TryAdd(key, expiresAt))
            {
                return true;
            }

            if (!_seen.TryGetValue(key, out var existing) || existing >= now)
            {
                return false;
            }

            // The earlier token has expired: its jti may be used again.
            if (_seen.TryUpdate(key, expiresAt, existing))
            {
                return true;
            }
        }
    }
}

/// <summary>
/// The replay cache in the shared store, so a token replayed to another replica is refused too; the
/// replica's memory takes over while the store is unreachable (and still checks what it has seen).
/// </summary>
public sealed class StoreReplayCache(
    Feedback.FeedbackStore store, InMemoryReplayCache memory, CrampCdsOptions options, TimeProvider time, Observability.CrampCdsMetrics metrics, ILogger<StoreReplayCache> logger)
    : IReplayCache
{
    public async ValueTask<bool> TryRegisterAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var fresh = memory.TryRegister(issuer, jti, expiresAt);
        // A store still migrating or stalled gets the lookup budget, no more; then this replica's memory decides.
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(options.Feedback.LookupTimeoutMs), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            return await store.TryRegisterJtiAsync(issuer, jti, expiresAt, linked.Token) && fresh;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.StoreUnavailable("JWT replay cache", ex.GetType().Name);
            metrics.StoreFallbacks.Inc("replay-cache");
            return fresh;
        }
    }
}
