using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace CrampCds.Api.Tests.Feedback;

public class StoreUnavailableTests
{
    [Fact]
    public async Task Without_a_reachable_store_cards_are_still_served_readiness_holds_and_the_fallback_is_counted()
    {
        await using var app = new CrampCdsApplication(null, ("ConnectionStrings:Feedback", "Data Source=/proc/crampcds-no-such-dir/store.db"));
        using var client = app.CreateClient();

        using var hook = await HookCall.OrderSign(FhirResources.QuinineDraft()).WithCompletePrefetch().PostAsync(client);
        using var ready = await client.GetAsync("/health/ready");

        (await hook.ReadCardsAsync()).ShouldFlagQuinine();
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        var checks = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["checks"]!;
        ((string)checks["store"]!["status"]!).Should().Be("Degraded");
        ((string)checks["cds-cards"]!["status"]!).Should().Be("Healthy");

        string metrics = "";
        for (var attempt = 0; attempt < 50 && !metrics.Contains("card-log-buffered", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
            metrics = await client.GetStringAsync("/metrics");
        }

        metrics.Should().Contain("crampcds_store_fallbacks_total{purpose=\"card-log-buffered\"}");
    }
}
