namespace Orchestrator.Silo.Extensions;

internal static class HttpLimitsExtensions
{
    /// <summary>The largest request body Kestrel reads on any path: 1 MiB (its own default is 30 MB).</summary>
    public const long MaxRequestBodySize = 1024 * 1024;

    /// <summary>The configuration section whose values override Kestrel's limits.</summary>
    public const string LimitsSection = "Kestrel:Limits";

    /// <summary>
    /// Kestrel's limits for every path: bodies up to <see cref="MaxRequestBodySize"/> (the API's endpoints declare
    /// less, see <c>RequestBodyLimits</c> in src/Api); everything else stays at Kestrel's defaults, which include its
    /// slow-client protections: request line 8 KiB, headers 32 KiB in at most 100 fields, all headers within 30 s,
    /// request bodies and responses at 240 bytes/s at least after a 5 s grace, idle keep-alive 130 s. Values under
    /// <c>Kestrel:Limits</c> override these (<c>Kestrel:Limits:MaxRequestBodySize</c>); the minimum data rates have no
    /// setters, so configuration cannot switch them off.
    /// </summary>
    public static WebApplicationBuilder AddHttpLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodySize;
            context.Configuration.GetSection(LimitsSection).Bind(kestrel.Limits);
        });
        return builder;
    }
}
