using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using CrampCds.Api.Infrastructure;
using CrampCds.Core.Cards;

namespace CrampCds.Api.Feedback;

/// <summary>The keyed hash the store keeps instead of the patient id (HMAC-SHA256 with CrampCds:Feedback:PatientHashKey).</summary>
/// <remarks>
/// Keyed HMAC contexts are reused from a small pool: the one-shot <see cref="HMACSHA256.HashData(byte[], byte[])"/> sets
/// OpenSSL's MAC up afresh (a provider lookup by name) on every call, which made it the costliest step of logging a card.
/// </remarks>
public sealed class PatientHasher(CrampCdsOptions options) : IDisposable
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Feedback.PatientHashKey ?? "");
    private readonly ConcurrentBag<IncrementalHash> _contexts = [];

    public string Hash(string patientId)
    {
        var hmac = _contexts.TryTake(out var pooled) ? pooled : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        Span<byte> digest = stackalloc byte[32];
        try
        {
            hmac.AppendData(Encoding.UTF8.GetBytes(patientId));
            hmac.GetHashAndReset(digest);
        }
        catch
        {
            hmac.Dispose();
            throw;
        }

        _contexts.Add(hmac);
        return Convert.ToHexString(digest);
    }

    public void Dispose()
    {
        while (_contexts.TryTake(out var hmac))
        {
            hmac.Dispose();
        }
    }
}

/// <summary>
/// The issued-card log, off the request's hot path: cards go to a bounded queue that a background writer
/// drains in batches. When the queue is full the request writes its own cards, so none is dropped.
/// </summary>
public sealed class CardLog(FeedbackStore store, PatientHasher hasher, CrampCdsOptions options, TimeProvider time, Observability.CrampCdsMetrics metrics, ILogger<CardLog> logger)
{
    private readonly Channel<IssuedCard> _queue = Channel.CreateBounded<IssuedCard>(new BoundedChannelOptions(Math.Max(1, options.Feedback.QueueCapacity))
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    public ChannelReader<IssuedCard> Reader => _queue.Reader;

    public async Task RecordAsync(string serviceId, string hookInstance, string patientId, IReadOnlyList<Card> cards, CancellationToken cancellationToken)
    {
        if (cards.Count == 0)
        {
            return;
        }

        var hash = hasher.Hash(patientId);
        var now = time.GetUtcNow();
        List<IssuedCard>? overflow = null;
        foreach (var card in cards)
        {
            var issued = new IssuedCard(
                card.Uuid,
                serviceId,
                card.RuleId,
                card.Extension?.GetValueOrDefault(CardRenderer.ContentVersionExtension) ?? "",
                card.Indicator,
                hookInstance,
                hash,
                SuggestionUuids(card),
                now);
            if (!_queue.Writer.TryWrite(issued))
            {
                (overflow ??= []).Add(issued);
            }
        }

        if (overflow is not null)
        {
            logger.CardLogOverflow(overflow.Count);
            try
            {
                await store.RecordCardsAsync(overflow, cancellationToken);
            }
            catch (Exception ex) when (FeedbackStore.IsUnavailable(ex))
            {
                // The cards are still served; only their log entries are lost, and said so.
                logger.StoreUnavailable("card log (queue full)", ex.GetType().Name);
                metrics.StoreFallbacks.Inc("card-log-lost");
            }
        }
    }

    private static string[] SuggestionUuids(Card card)
    {
        if (card.Suggestions is not { Count: > 0 } suggestions)
        {
            return [];
        }

        var uuids = new string[suggestions.Count];
        for (var i = 0; i < uuids.Length; i++)
        {
            uuids[i] = suggestions[i].Uuid;
        }

        return uuids;
    }

    /// <summary>No more cards will come (shutdown): the writer drains what is left.</summary>
    public void Complete() => _queue.Writer.TryComplete();
}

/// <summary>
/// Drains the card log into the store in batches; keeps a batch that failed and tries it again. Once cards arrive it
/// gathers for CrampCds:Feedback:FlushIntervalMs, so a busy service writes a few transactions a second instead of
/// waking the writer for every card.
/// </summary>
public sealed class CardLogWriter(CardLog log, FeedbackStore store, CrampCdsOptions options, TimeProvider time, Observability.CrampCdsMetrics metrics, ILogger<CardLogWriter> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private readonly List<IssuedCard> _batch = new(BatchSize);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = _batch;
        var reader = log.Reader;
        try
        {
            var interval = TimeSpan.FromMilliseconds(Math.Max(0, options.Feedback.FlushIntervalMs));
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                if (interval > TimeSpan.Zero)
                {
                    await Task.Delay(interval, time, stoppingToken);
                }

                do
                {
                    while (batch.Count < BatchSize && reader.TryRead(out var card))
                    {
                        batch.Add(card);
                    }

                    await WriteAsync(batch, stoppingToken);
                }
                while (reader.Count > 0);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: StopAsync drains the rest.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        log.Complete();
        await base.StopAsync(cancellationToken);
        var rest = new List<IssuedCard>(_batch);
        _batch.Clear();
        while (log.Reader.TryRead(out var card))
        {
            rest.Add(card);
        }

        if (rest.Count > 0)
        {
            try
            {
                await store.RecordCardsAsync(rest, cancellationToken);
            }
            catch (Exception ex) when (FeedbackStore.IsUnavailable(ex) || ex is OperationCanceledException)
            {
                logger.StoreUnavailable($"card log at shutdown ({rest.Count} cards not written)", ex.GetType().Name);
            }
        }
    }

    private async Task WriteAsync(List<IssuedCard> batch, CancellationToken stoppingToken)
    {
        while (batch.Count > 0)
        {
            try
            {
                await store.RecordCardsAsync(batch, stoppingToken);
                batch.Clear();
            }
            catch (Exception ex) when (FeedbackStore.IsUnavailable(ex))
            {
                // The store is unreachable: keep the batch (the queue buffers the rest) and try again shortly.
                logger.StoreUnavailable("card log", ex.GetType().Name);
                metrics.StoreFallbacks.Inc("card-log-buffered");
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }
}
