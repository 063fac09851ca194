using CrampCds.Core.Hooks;

namespace CrampCds.Api.Hooks;

/// <summary>The error answers: problem+json naming what is wrong, or an OperationOutcome for 412.</summary>
public static class Problems
{
    public static IResult Invalid(IReadOnlyList<RequestError> errors) => TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The hook request is not valid",
        Detail = string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")),
        Extensions =
        {
            ["errors"] = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
        },
    });

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Unknown CDS service");

    public static IResult TooLarge(long maxBytes) => TypedResults.Problem(
        $"The request body is larger than {maxBytes} bytes (CrampCds:Limits:MaxBodyBytes).",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large");

    /// <summary>CDS Hooks: 412 when the service cannot obtain the data it needs; the 3.0 ballot asks for an OperationOutcome.</summary>
    public static IResult PreconditionFailed() => TypedResults.Json(
        new OperationOutcomeBody(
            "OperationOutcome",
            [
                new OperationOutcomeIssue(
                    "error",
                    "processing",
                    new OperationOutcomeText("No patient data could be read: nothing was prefetched and the FHIR server could not be used."),
                    "Prefetch the patient and clinical data, or send fhirServer (allowlisted) with fhirAuthorization."),
            ]),
        ApiJsonContext.Default.OperationOutcomeBody,
        contentType: "application/fhir+json",
        statusCode: StatusCodes.Status412PreconditionFailed);
}

public sealed record OperationOutcomeText(string Text);

public sealed record OperationOutcomeIssue(string Severity, string Code, OperationOutcomeText Details, string Diagnostics);

public sealed record OperationOutcomeBody(string ResourceType, IReadOnlyList<OperationOutcomeIssue> Issue);
