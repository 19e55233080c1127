using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Errors;

namespace Orchestrator.Api.Authentication;

/// <summary>The authentication scheme of the API: <c>Authorization: Bearer &lt;API key&gt;</c>.</summary>
public static class ApiKeyDefaults
{
    /// <summary>The scheme name.</summary>
    public const string Scheme = "ApiKey";
}

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the hashed keys of <see cref="ApiKeyRegistry"/>.
/// Challenges answer 401 ProblemDetails with <c>WWW-Authenticate: Bearer</c>; a valid key of the wrong kind (a merchant
/// key on <c>/ops</c>, an operator key on <c>/v1</c>) answers 403. Keys are never logged.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRegistry registry,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";
    private const string Realm = "orchestrator";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var header = headers.Count == 1 ? headers[0] : null;
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("The Authorization header is not a single Bearer credential."));
        }

        var owner = registry.Find(header[BearerPrefix.Length..].Trim());
        if (owner is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var claims = new List<Claim>
        {
            new(OrchestratorClaims.Role, owner.Kind == ApiKeyOwnerKind.Operator ? OrchestratorClaims.OperatorRole : OrchestratorClaims.MerchantRole),
            new(OrchestratorClaims.KeyId, owner.KeyId),
        };
        if (owner.MerchantId is not null)
        {
            claims.Add(new Claim(OrchestratorClaims.MerchantId, owner.MerchantId));
        }

        var identity = new ClaimsIdentity(claims, Scheme.Name, nameType: OrchestratorClaims.MerchantId, roleType: OrchestratorClaims.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // RFC 6750 §3: name the error only when a credential was presented.
        var presented = Request.Headers.Authorization.Count > 0;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = presented
            ? $"Bearer realm=\"{Realm}\", error=\"invalid_token\""
            : $"Bearer realm=\"{Realm}\"";

        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Type = ProblemTypes.Unauthorized,
                Title = "Authentication required",
                Detail = presented
                    ? "The API key is not valid. Send it as 'Authorization: Bearer <key>'."
                    : "Send your API key as 'Authorization: Bearer <key>'.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Type = ProblemTypes.Forbidden,
                Title = "Forbidden",
                Detail = "This API key may not use this endpoint: merchant keys open /v1, operator keys open /ops and /dashboard.",
            },
        });
    }
}

