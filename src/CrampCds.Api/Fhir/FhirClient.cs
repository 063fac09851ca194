using System.Net;
using System.Net.Http.Headers;
using CrampCds.Api.Infrastructure;
using CrampCds.Api.Observability;
using CrampCds.Core.Cards;
using CrampCds.Core.Data;
using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CrampCds.Api.Fhir;

/// <summary>
/// A hook call's budget for its FHIR reads: the deadline as an instant (for retry decisions) and as a token (to stop
/// waiting), and the caller's own token: cut off while the caller still waits is the deadline's doing (a timeout).
/// </summary>
public readonly record struct FetchBudget(DateTimeOffset At, CancellationToken Token, CancellationToken CallerAborted);

/// <summary>The outcome of one FHIR read or search: a resource, nothing (404), or why it failed.</summary>
public readonly record struct FetchResult(Resource? Resource, DataGapReason? Failure)
{
    public static FetchResult NotFound => new(null, null);
}

/// <summary>
/// Reads from the EHR's FHIR server with the hook's bearer token, leaving out what no rule reads (see
/// <see cref="CardCatalog.ReadOptions"/>). Callers check the URL against the policy first.
/// </summary>
public sealed class FhirClient(HttpClient http, CardCatalog catalog, CrampCdsMetrics metrics, TimeProvider time, ILogger<FhirClient> logger)
{
    public const string HttpClientName = "fhir";

    public async Task<FetchResult> GetAsync(Uri url, FhirAuthorization? authorization, FetchBudget budget)
    {
        var started = time.GetTimestamp();
        string? outcome = null;
        try
        {
            var result = await SendAsync(url, authorization, budget.At, budget.Token);
            outcome = result.Failure?.ToString() ?? (result.Resource is null ? "NotFound" : "Ok");
            return result;
        }
        finally
        {
            // Cut off while the caller still waits is the deadline (as the data card says); otherwise the caller went away.
            outcome ??= budget.CallerAborted.IsCancellationRequested ? "cancelled" : nameof(DataGapReason.Timeout);
            metrics.FhirFetches.Inc(outcome);
            metrics.FhirFetchDuration.Observe(time.GetElapsedTime(started).TotalSeconds, outcome);
        }
    }

    private async Task<FetchResult> SendAsync(Uri url, FhirAuthorization? authorization, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(FhirResilience.Deadline, deadline);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.9));
        if (authorization is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", authorization.AccessToken);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                return FetchResult.NotFound;
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.FhirStatus(url.Host, (int)response.StatusCode);
                return new(null, response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    ? DataGapReason.Unauthorized
                    : DataGapReason.ServerError);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var resource = await FhirJson.ParseAsync(body, catalog.ReadOptions, cancellationToken);
            return resource is OperationOutcome ? new(null, DataGapReason.ServerError) : new(resource, null);
        }
        catch (FhirParseException)
        {
            logger.FhirUnreadable(url.Host);
            return new(null, DataGapReason.Unreadable);
        }
        catch (HttpRequestException ex)
        {
            logger.FhirUnreachable(url.Host, ex.HttpRequestError.ToString());
            return new(null, DataGapReason.ServerError);
        }
        catch (BrokenCircuitException)
        {
            logger.FhirUnreachable(url.Host, "circuit open");
            return new(null, DataGapReason.ServerError);
        }
        catch (TimeoutRejectedException)
        {
            return new(null, DataGapReason.Timeout);
        }
        catch (IOException)
        {
            logger.FhirUnreachable(url.Host, "connection dropped");
            return new(null, DataGapReason.ServerError);
        }
    }
}
