using Orchestrator.Api;
using Orchestrator.Grains;
using Orchestrator.Silo.Extensions;

var builder = WebApplication.CreateBuilder(args);

// Development profile: NICEPAY and our public address follow the address we listen on.
builder.AddDevelopmentAddressDefaults();

// The Orleans silo, co-hosted: in-memory in development; outside it, start-up stops with what to configure.
builder.AddOrchestratorSilo();

// The checkout grains and the HTTP API that calls them.
builder.Services.AddCheckoutGrains(builder.Configuration);
builder.Services.AddOrchestratorApi(builder.Configuration);

// Configuration checked at start-up, with messages naming the keys to fix.
builder.Services.AddOrchestratorConfigurationValidation();

// Liveness and readiness.
builder.Services.AddOrchestratorHealthChecks();

// Development only: the NICEPAY sandbox in-process and a demo webhook receiver.
builder.AddDevelopmentDemo();

var app = builder.Build();

app.UseOrchestratorApi();
app.MapOrchestratorApi();
app.MapOrchestratorHealthChecks();
app.MapOrleansDashboardForOperators();
app.MapDevelopmentDemo();
app.WarnThatStateIsNotDurable();

app.Run();
