using System.Globalization;
using System.Threading.RateLimiting;
using CrampCds.Api.Auth;
using Microsoft.AspNetCore.RateLimiting;

namespace CrampCds.Api.Infrastructure;

/// <summary>CrampCds:Limits:RequestsPerMinute per JWT issuer (else per client IP) on the CDS Hooks routes: 429 with Retry-After.</summary>
public static class RateLimitExtensions
{
    public static IServiceCollection AddCrampCdsRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<CrampCdsOptions>().Limits.RequestsPerMinute;
                if (perMinute <= 0 || !context.Request.Path.StartsWithSegments("/cds-services", StringComparison.OrdinalIgnoreCase))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var key = context.Items[CdsHooksAuthentication.IssuerItem] is string issuer
                    ? "iss:" + issuer
                    : "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });
        return services;
    }
}
