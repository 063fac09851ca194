namespace CrampCds.Api.Infrastructure;

/// <summary>
/// CORS for browser callers such as the CDS Hooks sandbox: preflight answered before authentication,
/// and the headers on every response, errors included (otherwise the browser hides the status).
/// </summary>
public static class CorsExtensions
{
    private const string AllowedHeaders = "Authorization, Content-Type, Accept";
    private const string AllowedMethods = "GET, POST, OPTIONS";

    public static WebApplication UseCrampCdsCors(this WebApplication app)
    {
        var origins = app.Services.GetRequiredService<CrampCdsOptions>().Cors.AllowedOrigins;
        if (origins.Count == 0)
        {
            return app;
        }

        var any = origins.Contains("*");
        var allowed = origins.Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        app.Use((context, next) =>
        {
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length == 0 || !(any || allowed.Contains(origin)))
            {
                return next(context);
            }

            var allowOrigin = any ? "*" : origin;
            if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.ContainsKey("Access-Control-Request-Method"))
            {
                SetHeaders(context.Response, allowOrigin, preflight: true);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            }

            context.Response.OnStarting(() =>
            {
                SetHeaders(context.Response, allowOrigin, preflight: false);
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    private static void SetHeaders(HttpResponse response, string origin, bool preflight)
    {
        response.Headers.AccessControlAllowOrigin = origin;
        if (origin != "*")
        {
            response.Headers.Vary = "Origin";
        }

        if (preflight)
        {
            response.Headers.AccessControlAllowHeaders = AllowedHeaders;
            response.Headers.AccessControlAllowMethods = AllowedMethods;
            response.Headers.AccessControlMaxAge = "600";
        }
        else
        {
            response.Headers.AccessControlExposeHeaders = "WWW-Authenticate, Retry-After";
        }
    }
}
