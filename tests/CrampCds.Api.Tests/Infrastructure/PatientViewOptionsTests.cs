using System.Text.Json.Nodes;
using FluentAssertions;

namespace CrampCds.Api.Tests.Infrastructure;

public class PatientViewOptionsTests
{
    private static JsonObject LowPotassium() => JsonNode.Parse("""
        {"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Observation","id":"k","status":"final",
          "code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"effectiveDateTime":"DATE",
          "valueQuantity":{"value":3.2,"unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"}}}]}
        """.Replace("DATE", DateTimeOffset.UtcNow.AddDays(-5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))!.AsObject();

    [Fact]
    public async Task Patient_view_cards_need_a_cramp_diagnosis_by_default()
    {
        await using var app = new CrampCdsApplication();
        using var client = app.CreateClient();

        using var response = await HookCall.PatientView().WithCompletePrefetch().WithPrefetch("labs", LowPotassium()).PostAsync(client);

        (await response.ReadCardsAsync()).RuleIds().Should().NotContain("hypokalemia");
    }

    [Fact]
    public async Task Require_cramp_context_false_lets_patient_view_rules_run_for_every_patient()
    {
        await using var app = new CrampCdsApplication(null, ("CrampCds:PatientView:RequireCrampContext", "false"));
        using var client = app.CreateClient();

        using var response = await HookCall.PatientView().WithCompletePrefetch().WithPrefetch("labs", LowPotassium()).PostAsync(client);

        (await response.ReadCardsAsync()).RuleIds().Should().Contain("hypokalemia");
    }
}
