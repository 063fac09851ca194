using CrampCds.Api.Fhir;
using CrampCds.Core.Cards;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;

namespace CrampCds.Api.Hooks;

/// <summary>One CDS service: the id in its URL, the hook it answers, and its flow.</summary>
public interface IHookService
{
    string ServiceId { get; }
    string Hook { get; }
    Task<HookResult> HandleAsync(HookRequest request, CancellationToken cancellationToken);
}

/// <summary>The flow every service shares: gather the patient's data, run the rules, render cards.</summary>
public sealed class HookPipeline(PatientDataGatherer gatherer, HookEvaluator evaluator, CardCatalog catalog, Feedback.Snooze snooze)
{
    public async Task<HookResult> RunAsync(string serviceId, HookRequest request, CancellationToken cancellationToken)
    {
        // An order hook with no medication drafts yet (the sandbox's empty order form) needs no data at all.
        if (HookNames.IsOrderHook(request.Hook) && HookEvaluator.JudgedMedicationOrders(request).Count == 0)
        {
            return HookResult.NoCards;
        }

        Core.Data.PatientData data;
        using (var gather = Core.Telemetry.HookActivities.Source.StartActivity("gather"))
        {
            data = await gatherer.GatherAsync(request, catalog.ServicesById[serviceId], cancellationToken);
            gather?.SetTag("crampcds.gaps", data.Gaps.Count);
        }

        return await snooze.ApplyAsync(evaluator.Evaluate(request, data), request.Context.PatientId, cancellationToken);
    }
}
