using CrampCds.Core.Data;
using CrampCds.Core.Hooks;
using FluentAssertions;

namespace CrampCds.Core.Tests.Data;

public class PrefetchPlannerTests
{
    private static readonly IReadOnlyDictionary<string, string> Templates =
        TestContent.Catalog.ServicesById["crampcds-patient-view"].Prefetch;

    [Fact]
    public void Tokens_are_filled_from_the_context()
    {
        var context = new HookContext { PatientId = "p1", TokenValues = new Dictionary<string, string> { ["patientId"] = "p-1.2" } };

        PrefetchPlanner.Expand("Condition?patient={{context.patientId}}&x={{ context.patientId }}", context)
            .Should().Be("Condition?patient=p-1.2&x=p-1.2");
    }

    [Fact]
    public void A_template_with_an_unknown_token_cannot_be_fetched()
    {
        var context = new HookContext { PatientId = "p1", TokenValues = new Dictionary<string, string> { ["patientId"] = "p1" } };

        PrefetchPlanner.Expand("Encounter/{{context.encounterId}}", context).Should().BeNull();
        PrefetchPlanner.Expand("Practitioner/{{userPractitionerId}}", context).Should().BeNull();
    }

    [Fact]
    public void Present_keys_are_used_null_keys_mean_no_data_and_the_rest_are_fetched()
    {
        var json = """
            {"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"},
             "prefetch":{"patient":{"resourceType":"Patient","id":"p1"},"conditions":null,
                         "labs":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception"}]}}}
            """;
        var request = Requests.Parse(json, HookNames.PatientView);

        var plans = PrefetchPlanner.Plan(request, Templates).ToDictionary(p => p.Category);

        plans[DataCategory.Patient].NeedsFetch.Should().BeFalse();
        plans[DataCategory.Patient].Prefetched.Should().NotBeNull();
        plans[DataCategory.Conditions].NeedsFetch.Should().BeFalse();
        plans[DataCategory.Conditions].NoData.Should().BeTrue();
        plans[DataCategory.Labs].Query.Should().StartWith("Observation?patient=p1&code=");
        plans[DataCategory.MedicationRequests].Query.Should().Be("MedicationRequest?patient=p1&status=active,on-hold");
        plans[DataCategory.MedicationStatements].NeedsFetch.Should().BeTrue();
    }

    [Fact]
    public void A_searchset_carrying_an_error_outcome_is_fetched_again()
    {
        var json = """
            {"hook":"patient-view","hookInstance":"1","context":{"patientId":"p1"},
             "prefetch":{"conditions":{"resourceType":"Bundle","type":"searchset","entry":[
                {"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"too-costly"}]}}]}}}
            """;

        var plans = PrefetchPlanner.Plan(Requests.Parse(json, HookNames.PatientView), Templates);

        plans.Single(p => p.Category == DataCategory.Conditions).NeedsFetch.Should().BeTrue();
    }
}
