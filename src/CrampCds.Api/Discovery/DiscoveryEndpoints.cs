using CrampCds.Core.Cards;

namespace CrampCds.Api.Discovery;

public static class DiscoveryEndpoints
{
    /// <summary>GET /cds-services: the three services with their prefetch templates, from cds-cards/services.json.</summary>
    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cds-services", (CardCatalog catalog) => TypedResults.Json(
                new DiscoveryResponse(catalog.Services.Select(s => new DiscoveredService(s.Hook, s.Id, s.Title, s.Description, s.UsageRequirements, s.Prefetch)).ToArray()),
                ApiJsonContext.Default.DiscoveryResponse))
            .WithName("Discovery");
        return app;
    }
}

public sealed record DiscoveredService(
    string Hook,
    string Id,
    string Title,
    string Description,
    string? UsageRequirements,
    IReadOnlyDictionary<string, string> Prefetch);

public sealed record DiscoveryResponse(IReadOnlyList<DiscoveredService> Services);
