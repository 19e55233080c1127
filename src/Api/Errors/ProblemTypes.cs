using Microsoft.AspNetCore.Http;

namespace Orchestrator.Api.Errors;

/// <summary>
/// The <c>type</c> URIs of our ProblemDetails (RFC 9457). They identify the kind of problem; clients switch on them,
/// not on titles. Problems written without a type (status-code pages, framework errors) get one by status.
/// </summary>
public static class ProblemTypes
{
    private const string Base = "https://orchestrator.dev/problems/";

    /// <summary>The request body or parameters break a rule; <c>errors</c> names each field.</summary>
    public const string Validation = Base + "validation";

    /// <summary>The request could not be read (malformed body, wrong content type).</summary>
    public const string BadRequest = Base + "bad-request";

    /// <summary>No API key, or not a valid one.</summary>
    public const string Unauthorized = Base + "unauthorized";

    /// <summary>A valid key that may not use this endpoint.</summary>
    public const string Forbidden = Base + "forbidden";

    /// <summary>No such resource (or not yours).</summary>
    public const string NotFound = Base + "not-found";

    /// <summary>The method is not allowed on this resource.</summary>
    public const string MethodNotAllowed = Base + "method-not-allowed";

    /// <summary>The content type is not accepted.</summary>
    public const string UnsupportedMediaType = Base + "unsupported-media-type";

    /// <summary>The body is larger than allowed.</summary>
    public const string PayloadTooLarge = Base + "payload-too-large";

    /// <summary>The caller's request rate limit was reached; retry after <c>Retry-After</c> seconds.</summary>
    public const string TooManyRequests = Base + "too-many-requests";

    /// <summary>The referenceNo already belongs to a different checkout; <c>conflictingFields</c> names the differences.</summary>
    public const string CheckoutConflict = Base + "checkout-conflict";

    /// <summary>The Idempotency-Key was first used with a different request.</summary>
    public const string IdempotencyKeyReused = Base + "idempotency-key-reused";

    /// <summary>The checkout's status does not permit the action; <c>status</c> and <c>permittedActions</c> say what does.</summary>
    public const string TransitionNotPermitted = Base + "transition-not-permitted";

    /// <summary>Our cluster could not serve the request right now; retry after <c>Retry-After</c>.</summary>
    public const string ServiceUnavailable = Base + "service-unavailable";

    /// <summary>NICEPAY could not be reached; nothing changed; retry after <c>Retry-After</c>.</summary>
    public const string GatewayUnavailable = Base + "gateway-unavailable";

    /// <summary>An unexpected error; the response carries a traceId for support, never internals.</summary>
    public const string Internal = Base + "internal";

    /// <summary>Any other status.</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => BadRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => TooManyRequests,
        StatusCodes.Status500InternalServerError => Internal,
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable,
        _ => $"{Base}http-{status}",
    };

    /// <summary>Gives framework-written problems (which default to RFC links) one of our types.</summary>
    internal static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
        {
            problem.Type = problem is HttpValidationProblemDetails
                ? Validation
                : ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode);
        }
    }
}
