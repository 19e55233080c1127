using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Api.Errors;

/// <summary>
/// The one place exceptions become answers: a request that could not be bound → 400 naming the field; the cluster or its
/// storage unavailable → 503 with Retry-After; anything else → 500 without internals. Expected outcomes (not found,
/// conflicts, validation) never get here: the endpoints return them as typed results.
/// </summary>
internal sealed partial class OrchestratorExceptionHandler(IProblemDetailsService problemDetails, ILogger<OrchestratorExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>Seconds a client should wait before retrying after a 503.</summary>
    internal const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return true;
        }

        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => InvalidJson(json),
            BadHttpRequestException badRequest => BadRequest(badRequest),
            _ when ClusterUnavailability.IsTransient(exception) => Unavailable(httpContext, exception),
            _ => Internal(exception),
        };

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static HttpValidationProblemDetails InvalidJson(JsonException exception)
    {
        var (field, message) = JsonBindingErrors.Describe(exception);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.Validation,
            Title = "The request body is not valid",
            Detail = $"'{field}': {message}",
        };
    }

    private static ProblemDetails BadRequest(BadHttpRequestException exception) => new()
    {
        Status = exception.StatusCode,
        Type = ProblemTypes.ForStatus(exception.StatusCode),
        Title = exception.StatusCode == StatusCodes.Status400BadRequest ? "The request could not be read" : null,

        // The framework's messages describe the request (content type, size), not our internals; the one for a missing
        // body speaks to developers of the server ("did you mean a service?"), so it is rephrased for merchants.
        Detail = exception.Message.Contains("no body was provided", StringComparison.Ordinal)
            || exception.Message.Contains("was not provided from body", StringComparison.Ordinal)
            ? "The request needs a JSON body."
            : exception.Message,
    };

    private ProblemDetails Unavailable(HttpContext httpContext, Exception exception)
    {
        LogUnavailable(logger, exception.GetType().Name, httpContext.Request.Path, exception);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.ServiceUnavailable,
            Title = "Temporarily unavailable",
            Detail = $"The checkout service cannot answer right now. Nothing was lost; retry in {RetryAfterSeconds} seconds.",
        };
    }

    private ProblemDetails Internal(Exception exception)
    {
        LogUnhandled(logger, exception);
        return new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Type = ProblemTypes.Internal,
            Title = "Unexpected error",
            Detail = "The request failed unexpectedly. Quote the traceId when you contact support.",
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unavailable ({ExceptionType}) while serving {Path}; answered 503")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, PathString path, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception; answered 500")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);
}
