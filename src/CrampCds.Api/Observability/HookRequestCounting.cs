using System.Collections.Frozen;
using System.Globalization;
using CrampCds.Api.Hooks;

namespace CrampCds.Api.Observability;

public static class HookRequestCounting
{
    /// <summary>
    /// Counts every hook call by its final status, outermost so that the answers given before the endpoint runs
    /// (401 from authentication, 429 from the rate limiter, 500 from the exception handler) are counted too.
    /// </summary>
    public static IApplicationBuilder UseHookRequestCounting(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices.GetRequiredService<FrozenDictionary<string, IHookService>>();
        var metrics = app.ApplicationServices.GetRequiredService<CrampCdsMetrics>();
        return app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method)
                || !context.Request.Path.StartsWithSegments("/cds-services", out var rest)
                || rest.Value is not { Length: > 1 } id
                || id.IndexOf('/', 1) >= 0)
            {
                await next(context);
                return;
            }

            try
            {
                await next(context);
            }
            finally
            {
                // Ids nobody serves share one series, so that callers cannot grow the metric without bound.
                var (service, hook) = services.TryGetValue(id[1..], out var known) ? (known.ServiceId, known.Hook) : ("unknown", "unknown");
                var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
                metrics.HookRequests.Inc(service, hook, status.ToString(CultureInfo.InvariantCulture));
            }
        });
    }
}
