using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Orchestrator.Api.OpenApi;

/// <summary>
/// The OpenAPI document <c>/openapi/v1.json</c>: the merchant, operator and callback endpoints only (the development
/// sandbox and demo endpoints share the host but are not part of the API), with the Bearer scheme.
/// </summary>
internal static class OrchestratorOpenApi
{
    public const string DocumentName = "v1";
    public const string SecuritySchemeName = "Bearer";

    /// <summary>Marks endpoints that belong in the document.</summary>
    public static TBuilder WithOrchestratorDocument<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(DocumentMarker.Instance);

    public static IServiceCollection AddOrchestratorOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description =>
                description.ActionDescriptor.EndpointMetadata.Contains(DocumentMarker.Instance);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Orchestrator API",
                    Version = DocumentName,
                    Description = "Cash payments at Indonesian convenience stores (Indomaret, Alfa group) through NICEPAY. "
                        + "Merchant endpoints take a merchant API key, operator endpoints an operator key, both as "
                        + "'Authorization: Bearer <key>'. Errors are RFC 9457 ProblemDetails.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A merchant API key (for /v1) or an operator key (for /ops).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [],
                    });
                }

                return Task.CompletedTask;
            });
        });

    private sealed class DocumentMarker
    {
        public static readonly DocumentMarker Instance = new();
    }
}
