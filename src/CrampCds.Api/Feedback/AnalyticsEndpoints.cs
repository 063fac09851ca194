using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using CrampCds.Api.Hooks;
using CrampCds.Api.Infrastructure;
using CrampCds.Core.Feedback;
using CrampCds.Core.Hooks;
using Microsoft.AspNetCore.Diagnostics;

namespace CrampCds.Api.Feedback;

public static class AnalyticsEndpoints
{
    /// <summary>GET /analytics/rules?from=&amp;to=: per-rule card and feedback figures, for an admin bearer token (not the EHR's JWT).</summary>
    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/analytics/rules", HandleAsync).WithName("RuleReport");
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, string? from, string? to, FeedbackStore store, CrampCdsOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!IsAdmin(context.Request.Headers.Authorization.ToString(), options.Admin.TokenHashes))
        {
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var errors = new List<RequestError>();
        var end = Instant(to, "to", errors) ?? time.GetUtcNow();
        var start = Instant(from, "from", errors) ?? end.AddDays(-30);
        if (errors.Count == 0 && start >= end)
        {
            errors.Add(new("from", "must be before to"));
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var report = RuleReportBuilder.Build(start, end, await store.CardOutcomesAsync(start, end, cancellationToken));
        return TypedResults.Json(report, AnalyticsJsonContext.Default.RuleReport);
    }

    /// <summary>The bearer token's SHA-256 must be one of CrampCds:Admin:TokenHashes (compared in constant time).</summary>
    public static bool IsAdmin(string authorization, IReadOnlyList<string> tokenHashes)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || tokenHashes.Count == 0)
        {
            return false;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(authorization["Bearer ".Length..].Trim()));
        var admitted = false;
        foreach (var expected in tokenHashes)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromHexString(expected.Trim());
            }
            catch (FormatException)
            {
                continue;
            }

            admitted |= CryptographicOperations.FixedTimeEquals(hash, bytes);
        }

        return admitted;
    }

    private static DateTimeOffset? Instant(string? value, string field, List<RequestError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant;
        }

        errors.Add(new(field, "must be an ISO 8601 date or instant"));
        return null;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RuleReport))]
internal sealed partial class AnalyticsJsonContext : JsonSerializerContext;
