using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CrampCds.Api.Tests.Auth;
using CrampCds.Api.Tests.Fhir;
using FluentAssertions;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrampCds.Api.Tests.Infrastructure;

/// <summary>
/// No tokens and no PHI in the logs: a full hook call (JWT, fhirAuthorization, prefetched Patient with name and birth
/// date, a FHIR fetch for the missing keys) leaves none of them in any message, structured value, scope or exception;
/// a refused JWT leaves its reason, never the token.
/// </summary>
public sealed class LoggingTests
{
    private const string AccessToken = "secret-access-token-123";
    private const string PatientId = "pat-8c1f2";
    private const string GivenName = "Zebulon";
    private const string FamilyName = "Quackenbush";
    private const string BirthDate = "1947-11-23";

    private static JsonObject Patient() => new()
    {
        ["resourceType"] = "Patient",
        ["id"] = PatientId,
        ["gender"] = "male",
        ["birthDate"] = BirthDate,
        ["name"] = new JsonArray { new JsonObject { ["family"] = FamilyName, ["given"] = new JsonArray(GivenName) } },
    };

    private static void ShouldHoldNone(string text, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            text.Should().NotContain(secret);
        }
    }

    [Fact]
    public async Task A_full_hook_call_logs_no_token_and_no_PHI()
    {
        await using var fhir = await FhirStub.StartAsync();
        fhir.Add(FhirResources.HypertensionCondition("htn-1", PatientId));
        await using var issuer = await TestIssuer.StartAsync();
        var logs = new LogCapture();
        await using var service = SecuredService.Create([issuer], logs: logs, fhirServer: fhir.BaseUrl);
        var token = issuer.ValidToken(SecuredService.OrderSignPath);
        var call = HookCall.OrderSign(PatientId, FhirResources.DraftMedicationRequest("draft-quinine", FhirResources.QuinineConcept(), PatientId))
            .WithFhirServer(fhir.BaseUrl, AccessToken)
            .WithPrefetch("patient", Patient())
            .WithPrefetch("medicationRequests", FhirResources.Bundle())
            .WithPrefetch("medicationStatements", FhirResources.Bundle());

        using var response = await service.Client.SendRawAsync(HttpMethod.Post, SecuredService.OrderSignPath, "Bearer " + token, call);
        using var metrics = await service.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

        (await response.ReadCardsAsync()).RuleIds().Should().Contain(Answers.QuinineRule);
        fhir.Requests.Should().NotBeEmpty("the labs and conditions were fetched from the FHIR server")
            .And.OnlyContain(r => r.Authorization == "Bearer " + AccessToken);
        logs.Entries.Should().Contain(e => e.EventId.Id == 10, "the cards issued are logged (so the capture saw the call)");
        logs.Entries.Should().Contain(e => e.EventId.Id == 20, "the data gathering is logged");
        logs.Entries.Should().NotContain(e => e.Level >= LogLevel.Error, "nothing failed");
        var segments = token.Split('.');
        ShouldHoldNone(logs.AllText, AccessToken, token, segments[1], segments[2], PatientId, GivenName, FamilyName, BirthDate);
        ShouldHoldNone(await metrics.Content.ReadAsStringAsync(), AccessToken, token, segments[2], PatientId, GivenName, FamilyName, BirthDate);
    }

    /// <summary>An operator turning every level down to Trace while debugging still gets no token or patient id (the HttpClient loggers are removed).</summary>
    [Fact]
    public async Task Even_with_every_category_at_Trace_no_token_or_patient_id_is_logged()
    {
        await using var fhir = await FhirStub.StartAsync();
        fhir.Add(Patient(), FhirResources.HypertensionCondition("htn-1", PatientId));
        await using var issuer = await TestIssuer.StartAsync();
        var logs = new LogCapture();
        await using var service = SecuredService.Create(
            [issuer],
            [("Logging:LogLevel:Default", "Trace"), ("Logging:LogLevel:Microsoft.AspNetCore", "Trace"), ("Logging:LogLevel:System.Net.Http.HttpClient", "Trace")],
            logs: logs,
            fhirServer: fhir.BaseUrl);
        var token = issuer.ValidToken(SecuredService.OrderSignPath);
        var call = HookCall.OrderSign(PatientId, FhirResources.DraftMedicationRequest("draft-quinine", FhirResources.QuinineConcept(), PatientId))
            .WithFhirServer(fhir.BaseUrl, AccessToken);

        using var response = await service.Client.SendRawAsync(HttpMethod.Post, SecuredService.OrderSignPath, "Bearer " + token, call);

        (await response.ReadCardsAsync()).RuleIds().Should().Contain(Answers.QuinineRule);
        fhir.Requests.Should().Contain(r => r.Path == "/Patient/" + PatientId, "the Patient was read from the FHIR server");
        var segments = token.Split('.');
        ShouldHoldNone(logs.AllText, AccessToken, token, segments[2], PatientId, GivenName, FamilyName, BirthDate);
    }

    [Fact]
    public async Task FHIR_server_errors_are_logged_by_host_without_the_token_or_the_patient()
    {
        await using var fhir = await FhirStub.StartAsync();
        fhir.RespondWithStatus("/Condition", HttpStatusCode.InternalServerError);
        fhir.RespondWithStatus("/Observation", HttpStatusCode.Unauthorized);
        fhir.RespondWithBody("/MedicationRequest", "not fhir at all " + PatientId);
        var logs = new LogCapture();
        await using var app = new CrampCdsApplication(fhir.BaseUrl);
        await using var capturing = app.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(logs)));
        using var client = capturing.CreateClient();
        var call = HookCall.OrderSign(PatientId, FhirResources.DraftMedicationRequest("draft-quinine", FhirResources.QuinineConcept(), PatientId))
            .WithFhirServer(fhir.BaseUrl, AccessToken)
            .WithPrefetch("patient", Patient());

        using var response = await call.PostAsync(client);

        (await response.ReadCardsAsync()).RuleIds().Should().Contain(Answers.DataUnavailableRule);
        logs.Entries.Should().Contain(e => e.EventId.Id == 22, "a FHIR status is logged");
        logs.Entries.Should().Contain(e => e.EventId.Id == 21, "each data gap is logged");
        ShouldHoldNone(logs.AllText, AccessToken, PatientId, GivenName, FamilyName, BirthDate);
    }

    [Fact]
    public async Task A_request_refused_as_invalid_logs_field_names_not_its_content()
    {
        var logs = new LogCapture();
        await using var app = new CrampCdsApplication();
        await using var capturing = app.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(logs)));
        using var client = capturing.CreateClient();
        var body = HookCall.OrderSign(PatientId, FhirResources.QuinineDraft())
            .WithPrefetch("patient", Patient())
            .With(b => b["context"]!["draftOrders"] = $"{FamilyName} {BirthDate}")
            .With(b => b["fhirAuthorization"] = new JsonObject { ["access_token"] = AccessToken, ["token_type"] = 42 });

        using var response = await client.PostAsync(
            new Uri("/cds-services/" + HookCall.OrderSignId, UriKind.Relative),
            new StringContent(body.Body.ToJsonString(), Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        logs.Entries.Should().Contain(e => e.EventId.Id == 12);
        ShouldHoldNone(logs.AllText, AccessToken, PatientId, GivenName, FamilyName, BirthDate);
    }

    [Fact]
    public async Task A_refused_JWT_logs_its_reason_but_never_the_token()
    {
        await using var issuer = await TestIssuer.StartAsync();
        var logs = new LogCapture();
        await using var service = SecuredService.Create([issuer], logs: logs);
        using var stranger = TestKey.Ec(kid: issuer.Key.Kid);
        var forged = issuer.Token(SecuredService.OrderSignPath).With("patient", PatientId).SignWith(stranger);
        var expired = issuer.ValidToken(SecuredService.OrderSignPath, DateTimeOffset.UtcNow.AddHours(-2));

        using var first = await service.Client.OrderSignAsync(forged);
        using var second = await service.Client.OrderSignAsync(expired);
        using var third = await service.Client.SendRawAsync(HttpMethod.Get, SecuredService.DiscoveryPath, "Bearer not.a.jwt-" + AccessToken);

        await first.ShouldBeRefusedAsync();
        await second.ShouldBeRefusedAsync();
        await third.ShouldBeRefusedAsync();
        var reasons = logs.Entries.Where(e => e.EventId.Id == 30)
            .Select(e => e.State.Single(kv => kv.Key == "Reason").Value)
            .ToArray();
        reasons.Should().Equal("signature", "expired", "malformed");
        foreach (var token in new[] { forged, expired })
        {
            var segments = token.Split('.');
            ShouldHoldNone(logs.AllText, token, segments[0], segments[1], segments[2]);
        }

        ShouldHoldNone(logs.AllText, AccessToken, PatientId, "not.a.jwt");
    }
}
