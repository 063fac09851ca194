using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using CrampCds.Core.Hooks;

namespace CrampCds.Core.Feedback;

/// <summary>One feedback item (CDS Hooks 2.0): what the clinician did with a card.</summary>
public sealed record FeedbackItem
{
    public required string CardUuid { get; init; }

    /// <summary>"accepted" or "overridden".</summary>
    public required string Outcome { get; init; }
    public IReadOnlyList<string> AcceptedSuggestions { get; init; } = [];
    public string? ReasonSystem { get; init; }
    public string? ReasonCode { get; init; }
    public string? ReasonDisplay { get; init; }

    /// <summary>Clinician free text: stored, covered by retention, never shown by reports or logs.</summary>
    public string? UserComment { get; init; }
    public required DateTimeOffset OutcomeTimestamp { get; init; }

    public override string ToString() => $"FeedbackItem {{ CardUuid = {CardUuid}, Outcome = {Outcome} }}";
}

/// <summary>Binds and checks a feedback body; every problem names its field (feedback[0].outcome).</summary>
public static class FeedbackParser
{
    private const int MaxCommentLength = 4000;

    public static (IReadOnlyList<FeedbackItem>? Items, IReadOnlyList<RequestError> Errors) Parse(ReadOnlyMemory<byte> body)
    {
        // A UTF-8 byte order mark is allowed before JSON (some clients send one); the reader does not skip it.
        if (body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        if (!Utf8.IsValid(body.Span))
        {
            return (null, [new RequestError("body", "is not valid UTF-8")]);
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            return Bind(document.RootElement);
        }
        catch (JsonException ex)
        {
            return (null, [new RequestError("body", $"is not valid JSON ({ex.Message})")]);
        }
    }

    private static (IReadOnlyList<FeedbackItem>?, IReadOnlyList<RequestError>) Bind(JsonElement root)
    {
        var errors = new List<RequestError>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, [new RequestError("body", "must be a JSON object")]);
        }

        if (!root.TryGetProperty("feedback", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return (null, [new RequestError("feedback", "must be a non-empty array")]);
        }

        var items = new List<FeedbackItem>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var prefix = $"feedback[{index++}]";
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new(prefix, "must be an object"));
                continue;
            }

            var card = String(element, "card");
            if (card is null || card.Length > 128)
            {
                errors.Add(new($"{prefix}.card", "is required: the uuid of the card"));
            }

            var outcome = String(element, "outcome");
            if (outcome is not ("accepted" or "overridden"))
            {
                errors.Add(new($"{prefix}.outcome", "must be 'accepted' or 'overridden'"));
            }

            var timestamp = String(element, "outcomeTimestamp");
            DateTimeOffset when = default;
            if (timestamp is null || !DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out when))
            {
                errors.Add(new($"{prefix}.outcomeTimestamp", "is required: an ISO 8601 instant"));
            }

            var suggestions = new List<string>();
            if (element.TryGetProperty("acceptedSuggestions", out var accepted) && accepted.ValueKind != JsonValueKind.Null)
            {
                if (accepted.ValueKind != JsonValueKind.Array)
                {
                    errors.Add(new($"{prefix}.acceptedSuggestions", "must be an array of {\"id\": ...}"));
                }
                else
                {
                    var i = 0;
                    foreach (var suggestion in accepted.EnumerateArray())
                    {
                        if (suggestion.ValueKind == JsonValueKind.Object && String(suggestion, "id") is { Length: <= 128 } id)
                        {
                            suggestions.Add(id);
                        }
                        else
                        {
                            errors.Add(new($"{prefix}.acceptedSuggestions[{i}].id", "is required"));
                        }

                        i++;
                    }
                }
            }

            string? system = null, code = null, display = null, comment = null;
            if (element.TryGetProperty("overrideReason", out var reason) && reason.ValueKind != JsonValueKind.Null)
            {
                if (reason.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new($"{prefix}.overrideReason", "must be an object"));
                }
                else
                {
                    if (reason.TryGetProperty("reason", out var coding) && coding.ValueKind == JsonValueKind.Object)
                    {
                        system = String(coding, "system");
                        code = String(coding, "code");
                        display = String(coding, "display");
                        if (code is null)
                        {
                            errors.Add(new($"{prefix}.overrideReason.reason.code", "is required in a reason"));
                        }
                    }
                    else if (reason.TryGetProperty("reason", out var bad) && bad.ValueKind != JsonValueKind.Null)
                    {
                        errors.Add(new($"{prefix}.overrideReason.reason", "must be a Coding"));
                    }

                    comment = String(reason, "userComment");
                    if (comment?.Length > MaxCommentLength)
                    {
                        errors.Add(new($"{prefix}.overrideReason.userComment", $"is longer than {MaxCommentLength} characters"));
                    }
                }
            }

            if (outcome == "accepted" && (system is not null || code is not null))
            {
                errors.Add(new($"{prefix}.overrideReason", "is only for an overridden card"));
            }

            if (card is not null && outcome is "accepted" or "overridden" && timestamp is not null && errors.Count == 0)
            {
                items.Add(new FeedbackItem
                {
                    CardUuid = card,
                    Outcome = outcome!,
                    AcceptedSuggestions = suggestions,
                    ReasonSystem = system,
                    ReasonCode = code,
                    ReasonDisplay = display,
                    UserComment = comment,
                    OutcomeTimestamp = when,
                });
            }
        }

        return errors.Count > 0 ? (null, errors) : (items, errors);
    }

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;
}
