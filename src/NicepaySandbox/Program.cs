namespace Orchestrator.NicepaySandbox;

/// <summary>The standalone sandbox: <c>dotnet run --project src/NicepaySandbox --urls http://127.0.0.1:5199</c>.</summary>
public static class Program
{
    /// <summary>Builds the app; <paramref name="configure"/> runs after the sandbox's services are added (tests swap TimeProvider there).</summary>
    public static WebApplication CreateApp(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Errors from the sandbox's own endpoints are RFC 9457 problems.
        builder.Services.AddProblemDetails();

        // The simulator: options, ledger, faults, notification dispatcher.
        builder.Services.AddNicepaySandbox(builder.Configuration.GetSection(SandboxOptions.SectionName));

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // NICEPAY's endpoints and the sandbox controls.
        app.MapNicepaySandbox();
        return app;
    }

    public static void Main(string[] args) => CreateApp(args).Run();
}
