using System.Collections.Frozen;
using CrampCds.Core.Fhir;

namespace CrampCds.Core.Hooks;

/// <summary>The hooks this service answers, by their CDS Hooks names.</summary>
public static class HookNames
{
    public const string PatientView = "patient-view";
    public const string OrderSelect = "order-select";
    public const string OrderSign = "order-sign";

    public static bool IsOrderHook(string hook) => hook is OrderSelect or OrderSign;
}

/// <summary>The OAuth bearer token the EHR grants for its FHIR server.</summary>
public sealed record FhirAuthorization(string AccessToken, string TokenType, string? Scope, string? Subject, string? Patient)
{
    // Never let a token reach a log through a record's generated ToString.
    public override string ToString() => $"FhirAuthorization {{ TokenType = {TokenType}, Scope = {Scope} }}";
}

/// <summary>What arrived for one prefetch key.</summary>
public enum PrefetchState
{
    /// <summary>The key carried a resource (a Bundle or a single resource).</summary>
    Present,

    /// <summary>The key was <c>null</c>: the EHR ran the query and there is no data.</summary>
    NoData,

    /// <summary>The key carried an OperationOutcome or something unreadable: fetch it ourselves.</summary>
    Failed,
}

public readonly record struct PrefetchValue(PrefetchState State, Resource? Resource);

/// <summary>The hook's context, as far as the rules read it.</summary>
public sealed record HookContext
{
    public required string PatientId { get; init; }
    public string? UserId { get; init; }
    public string? EncounterId { get; init; }

    /// <summary>order-select: the "Type/id" references of the orders just selected.</summary>
    public IReadOnlyList<string> Selections { get; init; } = [];

    /// <summary>order-select / order-sign: the draft orders, resolved from the context's Bundle.</summary>
    public IReadOnlyList<Resource> DraftOrders { get; init; } = [];

    /// <summary>
    /// Each draft order's JSON as sent, by "Type/id": a suggestion that updates a draft rewrites only what it
    /// changes and keeps the rest (requester, dispense, notes) the read model does not hold. UTF-8 slices of the
    /// request body, which the request keeps alive.
    /// </summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>> DraftJson { get; init; } = FrozenDictionary<string, ReadOnlyMemory<byte>>.Empty;

    /// <summary>Root-level primitive context fields, the only ones prefetch tokens may name.</summary>
    public IReadOnlyDictionary<string, string> TokenValues { get; init; } = FrozenDictionary<string, string>.Empty;
}

/// <summary>A validated CDS Hooks call.</summary>
public sealed record HookRequest
{
    public required string Hook { get; init; }
    public required string HookInstance { get; init; }
    public Uri? FhirServer { get; init; }
    public FhirAuthorization? FhirAuthorization { get; init; }
    public required HookContext Context { get; init; }
    public IReadOnlyDictionary<string, PrefetchValue> Prefetch { get; init; } = FrozenDictionary<string, PrefetchValue>.Empty;
}
