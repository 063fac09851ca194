using CrampCds.Api.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;

namespace CrampCds.Api.Auth;

/// <summary>JWT authentication of every CDS Hooks route (discovery, hooks, feedback), per CDS Hooks 2.0.</summary>
public static class CdsHooksAuthentication
{
    /// <summary>HttpContext item holding the validated issuer (the rate limiter's partition).</summary>
    public const string IssuerItem = "crampcds.jwt.issuer";

    public const string SandboxIssuer = "https://sandbox.cds-hooks.org";

    public static IServiceCollection AddCdsHooksAuthentication(this IServiceCollection services)
    {
        services.AddHttpClient(JwksCache.HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<JwksCache>();
        services.AddSingleton<CdsHooksJwtValidator>();
        return services;
    }

    /// <summary>Checks the configuration (refusing to start without an issuer when tokens are required), then every call's token.</summary>
    public static WebApplication UseCdsHooksAuthentication(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<CrampCdsOptions>();
        var auth = options.Auth;
        if (auth.RequireJwt && auth.TrustedIssuers.Count == 0)
        {
            throw new InvalidOperationException("CrampCds:Auth:RequireJwt is on but no CrampCds:Auth:TrustedIssuers are configured: no EHR could call this service");
        }

        foreach (var issuer in auth.TrustedIssuers)
        {
            if (string.IsNullOrWhiteSpace(issuer.Issuer) || !Uri.TryCreate(issuer.JwksUrl, UriKind.Absolute, out _))
            {
                throw new InvalidOperationException("Every CrampCds:Auth:TrustedIssuers entry needs an Issuer and an absolute JwksUrl");
            }
        }

        if (!app.Environment.IsDevelopment() && auth.TrustedIssuers.Any(i => i.Issuer.TrimEnd('/') == SandboxIssuer))
        {
            app.Logger.SandboxTrusted();
        }

        if (!auth.RequireJwt)
        {
            app.Logger.JwtNotRequired();
        }

        if (auth.RequireJwt && string.IsNullOrWhiteSpace(options.PublicBaseUrl) && !app.Environment.IsDevelopment())
        {
            throw new InvalidOperationException("CrampCds:PublicBaseUrl is required when JWTs are required: it is the audience EHRs sign for");
        }

        app.Use(AuthenticateAsync);
        return app;
    }

    private static async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/cds-services", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var options = context.RequestServices.GetRequiredService<CrampCdsOptions>();
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            if (!options.Auth.RequireJwt)
            {
                await next(context);
                return;
            }

            await RefuseAsync(context, "missing");
            return;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(context, "scheme");
            return;
        }

        var validator = context.RequestServices.GetRequiredService<CdsHooksJwtValidator>();
        var check = await validator.ValidateAsync(header["Bearer ".Length..].Trim(), Audience(context, options), context.RequestAborted);
        if (!check.IsValid)
        {
            await RefuseAsync(context, check.Failure!);
            return;
        }

        context.Items[IssuerItem] = check.Issuer;
        await next(context);
    }

    /// <summary>The URL the caller addressed: PublicBaseUrl (behind a proxy) or the request's own, plus the path.</summary>
    private static string Audience(HttpContext context, CrampCdsOptions options) =>
        string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            ? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.Request.Path}"
            : options.PublicBaseUrl.TrimEnd('/') + context.Request.Path;

    // 401 with no detail for the caller; the reason goes to the log, never the token.
    private static Task RefuseAsync(HttpContext context, string reason)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CdsHooksAuthentication)).JwtRefused(context.Request.Path, reason);
        context.RequestServices.GetRequiredService<Observability.CrampCdsMetrics>().JwtRejections.Inc(reason);
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
