using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Authentication;

namespace Orchestrator.SecurityTests.Infrastructure;

/// <summary>Who may call an endpoint.</summary>
public enum Access
{
    /// <summary>A merchant key (the "merchant" policy).</summary>
    Merchant,

    /// <summary>An operator key (the "operator" policy).</summary>
    Operator,

    /// <summary>Anyone: must be listed in <see cref="EndpointCatalog.AnonymousAllowList"/> with the reason.</summary>
    Anonymous,
}

/// <summary>One mapped route: method, pattern, who may call it, and the protections it declares.</summary>
public sealed record ApiEndpoint(string Method, RoutePattern Pattern, Access Access, string? RateLimitPolicy, long? BodyLimit)
{
    public string Route => Pattern.RawText ?? "?";

    /// <summary>The path with the route parameters filled in; an unknown parameter fails the test with what to add.</summary>
    public string Path(string merchantId = "demo", string referenceNo = "ORD-1")
    {
        var path = new StringBuilder();
        foreach (var segment in Pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => parameter.Name switch
                    {
                        "merchantId" => Uri.EscapeDataString(merchantId),
                        "referenceNo" => Uri.EscapeDataString(referenceNo),
                        "page" => "1",
                        _ when parameter.IsCatchAll => "x",
                        _ => throw new InvalidOperationException(
                            $"The access matrix has no sample value for '{{{parameter.Name}}}' in {Route}: add one in EndpointCatalog.Path."),
                    },
                    _ => throw new InvalidOperationException($"Unexpected route part in {Route}."),
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    public override string ToString() => $"{Method} {Route}";
}

/// <summary>
/// Every endpoint the Silo maps, read from <see cref="EndpointDataSource"/>, so a new endpoint is in the access matrix
/// the moment it exists: it either requires the merchant or the operator policy, or it is listed here as anonymous.
/// </summary>
public static class EndpointCatalog
{
    /// <summary>
    /// The endpoints anyone may call, with the reason: exact routes, or (ending in '/') the prefix of a development-only
    /// mount. Everything else must require a key.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> AnonymousAllowList = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/callbacks/nicepay/{merchantId}"] = "NICEPAY sends no credentials; the grain verifies the notification's merchant token",
        ["/health/live"] = "liveness probe",
        ["/health/ready"] = "readiness probe",
        ["/openapi/{documentName}.json"] = "the public API description",
        ["/nicepay/direct/v2/"] = "development only: the in-process NICEPAY sandbox",
        ["/sandbox/"] = "development only: the sandbox's store counter, faults and ledger",
        ["/demo/webhooks/"] = "development only: the demo webhook receiver",
    };

    public static IReadOnlyList<ApiEndpoint> Read(SecurityHost host)
    {
        _ = host.Server;
        var endpoints = new List<ApiEndpoint>();
        foreach (var endpoint in host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get];
            var access = Classify(endpoint);
            var rateLimit = endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
            var bodyLimit = endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
            endpoints.AddRange(methods.Select(method => new ApiEndpoint(method, endpoint.RoutePattern, access, rateLimit, bodyLimit)));
        }

        return endpoints;
    }

    /// <summary>The allow-list entry an anonymous endpoint falls under, or null.</summary>
    public static string? AllowedAnonymouslyBecause(ApiEndpoint endpoint) =>
        AnonymousAllowList.FirstOrDefault(entry => entry.Key.EndsWith('/')
            ? endpoint.Route.StartsWith(entry.Key, StringComparison.Ordinal)
            : endpoint.Route == entry.Key).Value;

    private static Access Classify(RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return Access.Anonymous;
        }

        var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy).ToHashSet();
        return policies switch
        {
            { Count: 0 } => Access.Anonymous,
            _ when policies.SetEquals([OrchestratorPolicies.Merchant]) => Access.Merchant,
            _ when policies.SetEquals([OrchestratorPolicies.Operator]) => Access.Operator,
            _ => throw new InvalidOperationException(
                $"{endpoint.RoutePattern.RawText} requires [{string.Join(", ", policies)}]: teach the access matrix about it."),
        };
    }
}
