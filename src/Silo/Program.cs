using Orchestrator.Api;
using Orchestrator.Grains;
using Orchestrator.Silo.Commands;
using Orchestrator.Silo.Extensions;

// Commands (migrate, reindex): do their work and exit without starting the silo (Commands/).
if (SiloCommands.IsCommand(args))
{
    return await SiloCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

// Development profile: NICEPAY and our public address follow the address we listen on.
builder.AddDevelopmentAddressDefaults();

// Kestrel's limits: small bodies, its slow-client protections on.
builder.AddHttpLimits();

// The Orleans silo, co-hosted, with its storage profile: PostgreSQL when ConnectionStrings:Orleans is set, in memory
// in Development without it; anywhere else start-up stops with what to configure.
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

await app.RunAsync();
return 0;
