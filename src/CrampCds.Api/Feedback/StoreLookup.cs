using CrampCds.Api.Infrastructure;
using CrampCds.Api.Observability;

namespace CrampCds.Api.Feedback;

/// <summary>
/// A store call on the request path: it gets CrampCds:Feedback:LookupTimeoutMs and no more (a store still
/// migrating, stalled or down must not hold up the answer); past that, the caller's fallback, logged and counted.
/// </summary>
public sealed class StoreLookup(CrampCdsOptions options, TimeProvider time, CrampCdsMetrics metrics, ILogger<StoreLookup> logger)
{
    /// <param name="purpose">What the store was asked for: the log's wording and the fallback metric's label.</param>
    public async Task<T> RunAsync<T>(string purpose, Func<CancellationToken, Task<T>> lookup, T fallback, CancellationToken cancellationToken)
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(options.Feedback.LookupTimeoutMs), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            return await lookup(linked.Token);
        }
        catch (Exception ex) when (FeedbackStore.IsUnavailable(ex) || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.StoreUnavailable(purpose, ex.GetType().Name);
            metrics.StoreFallbacks.Inc(purpose);
            return fallback;
        }
    }
}
