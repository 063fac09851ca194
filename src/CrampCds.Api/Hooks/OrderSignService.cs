using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;

namespace CrampCds.Api.Hooks;

/// <summary>crampcds-order-sign: judges every draft medication order before signing; other drafts get no cards.</summary>
public sealed class OrderSignService(HookPipeline pipeline) : IHookService
{
    public string ServiceId => "crampcds-order-sign";
    public string Hook => HookNames.OrderSign;

    public Task<HookResult> HandleAsync(HookRequest request, CancellationToken cancellationToken) =>
        pipeline.RunAsync(ServiceId, request, cancellationToken);
}
