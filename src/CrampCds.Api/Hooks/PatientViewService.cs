using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;

namespace CrampCds.Api.Hooks;

/// <summary>crampcds-patient-view: the chart is opened; review the whole patient.</summary>
public sealed class PatientViewService(HookPipeline pipeline) : IHookService
{
    public string ServiceId => "crampcds-patient-view";
    public string Hook => HookNames.PatientView;

    public Task<HookResult> HandleAsync(HookRequest request, CancellationToken cancellationToken) =>
        pipeline.RunAsync(ServiceId, request, cancellationToken);
}
