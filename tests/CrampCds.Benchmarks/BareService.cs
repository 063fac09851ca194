using System.Text.Json;

namespace CrampCds.Benchmarks;

/// <summary>
/// The load test's baseline: a bare minimal API that reads the same body, parses it once and returns a
/// fixed card. The ratio of CrampCds's throughput to this one is the figure reported.
/// </summary>
public static class BareService
{
    private const string FixedCard = """{"cards":[{"uuid":"00000000-0000-0000-0000-000000000001","summary":"Fixed card","indicator":"info","source":{"label":"bare"}}]}""";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/cds-services/{id}", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            return document.RootElement.TryGetProperty("hook", out _) ? Results.Text(FixedCard, "application/json") : Results.BadRequest();
        });
        await app.RunAsync();
        return 0;
    }
}
