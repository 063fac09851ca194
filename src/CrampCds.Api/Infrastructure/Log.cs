using CrampCds.Core.Data;

namespace CrampCds.Api.Infrastructure;

/// <summary>Every log line the service writes. Rule ids, counts, hosts and timings only: never PHI or tokens.</summary>
internal static partial class Log
{
    private static readonly Func<ILogger, string, string, string, IDisposable?> HookCallScope =
        LoggerMessage.DefineScope<string, string, string>("{ServiceId} {Hook} {HookInstance}");

    /// <summary>Every line written while a hook call is answered carries its service, hook and hookInstance.</summary>
    public static IDisposable? HookCall(this ILogger logger, string serviceId, string hook, string hookInstance) =>
        HookCallScope(logger, serviceId, hook, hookInstance);

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "cds-cards could not be loaded: {Problem}")]
    public static partial void ContentInvalid(this ILogger logger, string problem);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Service}: {CardCount} cards [{RuleIds}] in {ElapsedMs} ms")]
    public static partial void CardsIssued(this ILogger logger, string service, int cardCount, string ruleIds, long elapsedMs);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "{Service}: no patient data readable, answering 412")]
    public static partial void PreconditionFailed(this ILogger logger, string service);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "{Service}: request refused: {Fields}")]
    public static partial void RequestInvalid(this ILogger logger, string service, string fields);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Gathered data for {Hook}: {FetchCount} fetches, {GapCount} gaps, {ElapsedMs} ms")]
    public static partial void DataGathered(this ILogger logger, string hook, int fetchCount, int gapCount, long elapsedMs);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "{Category} could not be read: {Reason}")]
    public static partial void DataGap(this ILogger logger, DataCategory category, DataGapReason reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "FHIR server {Host} answered {Status}")]
    public static partial void FhirStatus(this ILogger logger, string host, int status);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "FHIR server {Host} sent unreadable FHIR")]
    public static partial void FhirUnreadable(this ILogger logger, string host);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "FHIR server {Host} could not be reached: {Error}")]
    public static partial void FhirUnreachable(this ILogger logger, string host, string error);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "JWT refused on {Path}: {Reason}")]
    public static partial void JwtRefused(this ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "JWKS of {Issuer}: {KeyCount} signing keys")]
    public static partial void JwksFetched(this ILogger logger, string issuer, int keyCount);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "JWKS of {Issuer} could not be read: {Error}")]
    public static partial void JwksUnavailable(this ILogger logger, string issuer, string error);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "The CDS Hooks sandbox issuer is trusted outside Development: its private key is public, so anyone can sign as it")]
    public static partial void SandboxTrusted(this ILogger logger);

    [LoggerMessage(EventId = 34, Level = LogLevel.Warning, Message = "JWT validation is off (CrampCds:Auth:RequireJwt=false): calls without a token are accepted")]
    public static partial void JwtNotRequired(this ILogger logger);

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "FHIR circuit for {Server} is {State}")]
    public static partial void CircuitChanged(this ILogger logger, string server, string state);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "Rule {RuleId} failed ({ErrorType}); its cards were left out. {StackTrace}")]
    public static partial void RuleFailed(this ILogger logger, string ruleId, string errorType, string stackTrace);

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Card log queue full: {CardCount} cards written on the request path")]
    public static partial void CardLogOverflow(this ILogger logger, int cardCount);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "The store is unavailable for the {Purpose}: {Error}")]
    public static partial void StoreUnavailable(this ILogger logger, string purpose, string error);

    [LoggerMessage(EventId = 52, Level = LogLevel.Information, Message = "Feedback for {Service}: {Items} items, {Stored} new, {UnknownCards} for unknown cards")]
    public static partial void FeedbackStored(this ILogger logger, string service, int items, int stored, int unknownCards);

    [LoggerMessage(EventId = 53, Level = LogLevel.Information, Message = "Store ready ({Provider})")]
    public static partial void StoreReady(this ILogger logger, string provider);

    [LoggerMessage(EventId = 54, Level = LogLevel.Information, Message = "Retention: {Rows} rows older than {Days} days purged")]
    public static partial void Purged(this ILogger logger, int rows, int days);
}
