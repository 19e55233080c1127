using Orchestrator.NicepaySandbox;
using Orchestrator.Silo.Configuration;
using Orchestrator.Silo.Demo;

namespace Orchestrator.Silo.Extensions;

internal static partial class DevelopmentDemoExtensions
{
    /// <summary>
    /// Development only: the NICEPAY sandbox in-process (configured from <c>Sandbox</c>, served at the paths it has
    /// standalone: <c>/nicepay/direct/v2/…</c>, <c>/sandbox/…</c>) and the demo webhook receiver.
    /// </summary>
    public static WebApplicationBuilder AddDevelopmentDemo(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddNicepaySandbox(builder.Configuration.GetSection(SandboxOptions.SectionName));
            builder.Services.AddSingleton<DemoWebhookInbox>();
        }

        return builder;
    }

    /// <summary>Development only: maps the sandbox and the demo webhook receiver (<c>/demo/webhooks</c>).</summary>
    public static WebApplication MapDevelopmentDemo(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.MapNicepaySandbox();
            app.MapDemoWebhookReceiver();
        }

        return app;
    }

    /// <summary>
    /// Says loudly, once the server listens, that the in-memory profile keeps nothing across restarts (not said when a
    /// connection string selects PostgreSQL in Development).
    /// </summary>
    public static WebApplication WarnThatStateIsNotDurable(this WebApplication app)
    {
        if (app.Environment.IsDevelopment() && !SiloProfile.SelectsPostgres(app.Configuration))
        {
            app.Lifetime.ApplicationStarted.Register(() => LogNotDurable(
                app.Logger,
                app.Configuration[AddressDefaultsExtensions.NicepayBaseUrlKey],
                app.Configuration[AddressDefaultsExtensions.PublicBaseUrlKey]));
        }

        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "DEVELOPMENT PROFILE: checkouts, reminders and webhook deliveries are kept IN MEMORY and are LOST when this process stops. "
        + "Not for real payments. NICEPAY base URL: {NicepayBaseUrl}; public base URL (NICEPAY callbacks): {PublicBaseUrl}.")]
    private static partial void LogNotDurable(ILogger logger, string? nicepayBaseUrl, string? publicBaseUrl);
}
