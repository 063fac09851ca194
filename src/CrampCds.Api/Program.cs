using CrampCds.Api.Auth;
using CrampCds.Api.Discovery;
using CrampCds.Api.Feedback;
using CrampCds.Api.Hooks;
using CrampCds.Api.Infrastructure;
using CrampCds.Api.Observability;

if (HealthProbe.IsProbe(args))
{
    return await HealthProbe.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddCrampCdsLogging();
builder.Services.AddCrampCdsOptions(builder.Configuration);
builder.Services.AddClinicalContent();
builder.Services.AddHookServices();
builder.Services.AddCdsHooksAuthentication();
builder.Services.AddFeedback();
builder.Services.AddCrampCdsRateLimits();
builder.Services.AddCrampCdsObservability(builder.Configuration);
builder.Services.AddProblemDetails();

var app = builder.Build();

app.LoadClinicalContent();
app.UseHookRequestCounting();
app.UseCrampCdsCors();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCollapsedSlashes();
app.UseCdsHooksAuthentication();
app.UseRateLimiter();
app.UseRouting();
app.MapObservability();
app.MapDiscovery();
app.MapHooks();
app.MapFeedback();
app.MapAnalytics();

await app.RunAsync();
return 0;
