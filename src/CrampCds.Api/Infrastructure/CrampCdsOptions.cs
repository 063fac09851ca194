namespace CrampCds.Api.Infrastructure;

/// <summary>The <c>CrampCds</c> configuration section; defaults here are the Production defaults.</summary>
public sealed class CrampCdsOptions
{
    public const string SectionName = "CrampCds";

    public string? PublicBaseUrl { get; set; }
    public FhirOptions Fhir { get; set; } = new();
    public LimitsOptions Limits { get; set; } = new();
    public CardsOptions Cards { get; set; } = new();
    public RulesOptions Rules { get; set; } = new();
    public PatientViewOptions PatientView { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public CorsOptions Cors { get; set; } = new();
    public FeedbackOptions Feedback { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
}

public sealed class AdminOptions
{
    /// <summary>SHA-256 (hex) of the bearer tokens allowed on /analytics/*; none: analytics refused.</summary>
    public List<string> TokenHashes { get; set; } = [];
}

public sealed class FeedbackOptions
{
    /// <summary>"sqlite" (one replica) or "postgres" (several replicas share it). Connection: ConnectionStrings:Feedback.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Rows older than this are purged.</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>The HMAC key for the patient-id hash the card log keeps (never the id itself).</summary>
    public string? PatientHashKey { get; set; }

    /// <summary>How long an override with a snoozing reason silences the same rule for the same patient.</summary>
    public int SnoozeDays { get; set; } = 90;

    /// <summary>Longest a hook call waits on the store (snooze lookup, replay check) before carrying on without it.</summary>
    public int LookupTimeoutMs { get; set; } = 250;

    /// <summary>Cards buffered for the log before a request writes its own.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>How long the card-log writer gathers cards before writing them in one transaction (0: write at once).</summary>
    public int FlushIntervalMs { get; set; } = 100;
}

public sealed class AuthOptions
{
    /// <summary>Reject calls without a valid CDS Hooks JWT (a token that is sent is checked either way).</summary>
    public bool RequireJwt { get; set; } = true;

    public List<TrustedIssuerOptions> TrustedIssuers { get; set; } = [];

    /// <summary>Largest <c>exp - iat</c> accepted.</summary>
    public int MaxTokenLifetimeSeconds { get; set; } = 600;

    public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>Budget for one JWKS fetch.</summary>
    public int JwksTimeoutMs { get; set; } = 3000;

    /// <summary>Least time between two refetches of an issuer's JWKS for an unknown <c>kid</c>.</summary>
    public int JwksRefreshMinSeconds { get; set; } = 30;

    /// <summary>How long fetched keys are used before they are fetched again.</summary>
    public int JwksCacheMinutes { get; set; } = 60;
}

public sealed class TrustedIssuerOptions
{
    /// <summary>The exact <c>iss</c> accepted.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The issuer's JWKS URL: where keys come from, and the only <c>jku</c> accepted for it.</summary>
    public string JwksUrl { get; set; } = "";

    /// <summary>Optional local copy of the JWKS, read instead of fetching JwksUrl (networks that cannot reach it).</summary>
    public string? JwksPath { get; set; }
}

public sealed class CorsOptions
{
    /// <summary>Browser origins allowed ("*" for any); none: no CORS headers.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

public sealed class PatientViewOptions
{
    /// <summary>patient-view cards only for patients with cramp context (quinine-active and baclofen-active-renal always).</summary>
    public bool RequireCrampContext { get; set; } = true;
}

public sealed class FhirOptions
{
    /// <summary>FHIR base URLs the service may call (SSRF guard); compared on scheme, host, port and path prefix.</summary>
    public List<string> AllowedServers { get; set; } = [];

    public bool AllowHttp { get; set; }

    /// <summary>Budget for all FHIR fetches of one hook call.</summary>
    public int TimeoutMs { get; set; } = 2000;

    /// <summary>Most search pages followed per query (Bundle.link[next]).</summary>
    public int MaxPages { get; set; } = 5;

    /// <summary>Time one FHIR request may take before it is abandoned (and retried if the budget allows).</summary>
    public int AttemptTimeoutMs { get; set; } = 1500;

    /// <summary>Wait before the one retry of a transient failure (a Retry-After header overrides it).</summary>
    public int RetryDelayMs { get; set; } = 100;

    /// <summary>Failures seen in 30 s before a server's circuit may open.</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>How long an open circuit fails fast before it lets one request through.</summary>
    public int BreakDurationSeconds { get; set; } = 15;

    /// <summary>
    /// fhirServer as the EHR sends it -> the address this service reaches it at. Read from the
    /// ServerAliases section by <see cref="ServerAliasReader"/>, since URL keys contain ':'.
    /// </summary>
    public Dictionary<string, string> ServerAliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class LimitsOptions
{
    public long MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Requests per minute per JWT issuer (else per client IP); 0 switches the limit off.</summary>
    public int RequestsPerMinute { get; set; } = 600;
}

public sealed class CardsOptions
{
    /// <summary>The cds-cards folder; relative paths are taken from the content root. Unset: the nearest cds-cards folder above it.</summary>
    public string? Path { get; set; }
}

public sealed class RulesOptions
{
    public List<string> Disabled { get; set; } = [];
}
