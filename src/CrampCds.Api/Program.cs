using CrampCds.Api.Discovery;
using CrampCds.Api.Hooks;
using CrampCds.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddCrampCdsOptions(builder.Configuration);
builder.Services.AddClinicalContent();
builder.Services.AddHookServices();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.LoadClinicalContent();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCollapsedSlashes();
app.UseRouting();
app.MapDiscovery();
app.MapHooks();

app.Run();
