using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;

namespace CrampCds.Api.Hooks;

/// <summary>
/// crampcds-order-select: judges the selected orders. The sandbox fires this as soon as an order form
/// opens and on every edit, so a draft with no medication yet is answered at once with no cards.
/// </summary>
public sealed class OrderSelectService(HookPipeline pipeline) : IHookService
{
    public string ServiceId => "crampcds-order-select";
    public string Hook => HookNames.OrderSelect;

    public Task<HookResult> HandleAsync(HookRequest request, CancellationToken cancellationToken) =>
        pipeline.RunAsync(ServiceId, request, cancellationToken);
}
