using Orchestrator.Silo.Configuration;

namespace Orchestrator.Silo.Extensions;

internal static class AddressDefaultsExtensions
{
    internal const string NicepayBaseUrlKey = "Nicepay:BaseUrl";
    internal const string PublicBaseUrlKey = "Orchestrator:PublicBaseUrl";

    /// <summary>
    /// Development profile, nothing configured: NICEPAY's base URL (the in-process sandbox) and our public base URL
    /// (NICEPAY's dbProcessUrl, the demo webhook receiver) follow the address the server listens on, so
    /// <c>--urls http://127.0.0.1:5123</c> just works. A merchant's relative WebhookUrl (<c>/demo/webhooks/demo</c>) is
    /// resolved against the public base URL. Runs before services are built; configured values always win.
    /// </summary>
    public static WebApplicationBuilder AddDevelopmentAddressDefaults(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            return builder;
        }

        var configuration = builder.Configuration;
        var listening = ListenAddress.FirstCallableUrl(configuration[WebHostDefaults.ServerUrlsKey]);
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(configuration[NicepayBaseUrlKey]))
        {
            defaults[NicepayBaseUrlKey] = listening;
        }

        var publicBaseUrl = configuration[PublicBaseUrlKey];
        if (string.IsNullOrWhiteSpace(publicBaseUrl))
        {
            defaults[PublicBaseUrlKey] = publicBaseUrl = listening;
        }

        foreach (var merchant in configuration.GetSection("Merchants").GetChildren())
        {
            var webhookUrl = merchant["WebhookUrl"];
            if (webhookUrl is not null && webhookUrl.StartsWith('/'))
            {
                defaults[$"{merchant.Path}:WebhookUrl"] = publicBaseUrl.TrimEnd('/') + webhookUrl;
            }
        }

        configuration.AddInMemoryCollection(defaults);
        return builder;
    }
}
