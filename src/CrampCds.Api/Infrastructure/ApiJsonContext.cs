using System.Text.Json.Serialization;
using CrampCds.Api.Discovery;
using CrampCds.Api.Hooks;

namespace CrampCds.Api;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DiscoveryResponse))]
[JsonSerializable(typeof(OperationOutcomeBody))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
