using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Authentication;
using Orchestrator.Api.Callbacks;
using Orchestrator.Api.Checkouts;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Limits;
using Orchestrator.Api.OpenApi;
using Orchestrator.Api.Operations;
using Orchestrator.Api.Webhooks;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Merchants;
using Orchestrator.Contracts.Webhooks;

namespace Orchestrator.Api;

/// <summary>
/// The API's entry points for its host: <see cref="AddOrchestratorApi"/> registers services,
/// <see cref="UseOrchestratorApi"/> adds the middleware (errors, authentication), <see cref="MapOrchestratorApi"/> maps
/// the endpoint groups and the OpenAPI document.
/// </summary>
public static class OrchestratorApiExtensions
{
    /// <summary>
    /// Registers what the endpoints need: options (Checkouts, Merchants), API-key authentication with the "merchant" and
    /// "operator" policies, rate limiting (<c>RateLimiting</c>), ProblemDetails and the exception handler, JSON settings,
    /// OpenAPI, and the <see cref="ICheckoutEventSerializer"/> the grains use for webhook bodies.
    /// </summary>
    public static IServiceCollection AddOrchestratorApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Options the endpoints check requests against. Merchants bind as a dictionary keyed by merchant id.
        services.AddOptions<CheckoutRulesOptions>().Bind(configuration.GetSection(CheckoutRulesOptions.SectionName));
        var merchants = configuration.GetSection(MerchantsOptions.SectionName);
        services.AddOptions<MerchantsOptions>().Configure(options => merchants.Bind(options.Merchants));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<MerchantsOptions>>(
            new ConfigurationChangeTokenSource<MerchantsOptions>(Options.DefaultName, merchants)));

        // JSON: the web defaults (camelCase) plus readable escaping ("+62…", not "\u002B62…"); the wire records carry
        // their own null-omission and strictness attributes, so hosted neighbours (the sandbox) are not affected.
        // A property that appears twice is refused rather than "last one wins": a proxy or a logger reading the first
        // would otherwise see another request than the one we act on. (Hosted neighbours too; none expects duplicates.)
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            options.SerializerOptions.AllowDuplicateProperties = false;
        });

        // A body that cannot be bound throws (in every environment) so the exception handler can name the field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        // Errors: RFC 9457 everywhere, our own type URIs, one exception handler.
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemTypes.Customize);
        services.AddExceptionHandler<OrchestratorExceptionHandler>();

        // Authentication: Bearer API keys, held as hashes.
        services.TryAddSingleton<ApiKeyRegistry>();
        services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(OrchestratorPolicies.Merchant, policy => policy.RequireClaim(OrchestratorClaims.MerchantId))
            .AddPolicy(OrchestratorPolicies.Operator, policy => policy.RequireRole(OrchestratorClaims.OperatorRole));

        // Token buckets per merchant, operator key, client address (no key) and NICEPAY address (Limits/).
        services.AddOrchestratorRateLimiting(configuration);

        services.AddOrchestratorOpenApi();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICheckoutEventSerializer, CheckoutEventSerializer>();
        return services;
    }

    /// <summary>
    /// Adds the middleware, in order: the exception handler, ProblemDetails for bare error statuses, authentication, rate
    /// limiting (after authentication, so that buckets are per merchant; before authorization, so that requests without
    /// a valid key are limited too), authorization, and request body limits. Call it before mapping endpoints.
    /// </summary>
    public static IApplicationBuilder UseOrchestratorApi(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseRequestBodyLimits();
        return app;
    }

    /// <summary>
    /// Maps the merchant API (<c>/v1/checkouts</c>), the operator API (<c>/ops/checkouts</c>, <c>/ops/stats</c>), the
    /// NICEPAY callback (<c>/callbacks/nicepay/{merchantId}</c>) and the OpenAPI document (<c>/openapi/v1.json</c>). The
    /// host registers an <c>ICheckoutSearch</c> for the operator search.
    /// </summary>
    public static IEndpointRouteBuilder MapOrchestratorApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi();
        endpoints.MapCheckoutsApi();
        endpoints.MapOperationsApi();
        endpoints.MapOperatorSearchApi();
        endpoints.MapNicepayCallbacksApi();
        return endpoints;
    }
}
