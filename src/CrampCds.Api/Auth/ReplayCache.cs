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
public sealed class StoreReplayCache(Feedback.FeedbackStore store, InMemoryReplayCache memory, Feedback.StoreLookup lookup) : IReplayCache
{
    public async ValueTask<bool> TryRegisterAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var fresh = memory.TryRegister(issuer, jti, expiresAt);

        // Without the store in time, this replica's memory decides.
        return await lookup.RunAsync("replay-cache", token => store.TryRegisterJtiAsync(issuer, jti, expiresAt, token), fresh, cancellationToken) && fresh;
    }
}
