using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Orchestrator.Api.Errors;

namespace Orchestrator.Api.Limits;

/// <summary>
/// The largest request bodies the API reads. Each endpoint group declares its limit as
/// <see cref="IRequestSizeLimitMetadata"/>, which endpoint routing hands to Kestrel; <see cref="UseRequestBodyLimits"/>
/// answers a declared <c>Content-Length</c> over the limit with 413 before the endpoint runs (so even an endpoint that
/// never reads its body does nothing), and enforces the limit itself on servers that cannot (the test server). It also
/// answers 415 to a body in a character set .NET cannot decode, which the JSON reader would otherwise throw on.
/// </summary>
public static class RequestBodyLimits
{
    /// <summary>
    /// <c>/v1</c> and <c>/ops</c>: 128 KiB. The largest valid create request (20 metadata entries of 40 + 500 characters,
    /// every text field full) is about 67 KB even when a client escapes every character as <c>\uXXXX</c>, 12 KB as
    /// plain UTF-8.
    /// </summary>
    public const long Api = 128 * 1024;

    /// <summary>The NICEPAY callback: 64 KiB, some 30 times a real notification (about 30 short form fields).</summary>
    public const long NicepayCallback = 64 * 1024;

    /// <summary>Declares the largest body an endpoint (or every endpoint of a group) accepts.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(bytes));

    /// <summary>
    /// Enforces the endpoint's <see cref="IRequestSizeLimitMetadata"/>: 413 ProblemDetails for a declared length over it,
    /// and for a body that turns out longer while it is read. Call it after routing and authentication.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize is not { } limit)
        {
            return next(context);
        }

        if (context.Request.ContentLength > limit)
        {
            return WriteTooLargeAsync(context, limit);
        }

        if (UnknownCharset(context.Request) is { } charset)
        {
            return WriteProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The character set is not supported", $"The charset '{charset}' is not one this server can decode; send UTF-8.");
        }

        // Kestrel enforces the limit endpoint routing gave it; a server without a writable size feature gets a counting
        // stream instead, which fails the read the same way Kestrel does.
        var server = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (server?.MaxRequestBodySize is not { } enforced || enforced > limit)
        {
            context.Request.Body = new LengthLimitedStream(context.Request.Body, limit);
        }

        return next(context);
    });

    private static Task WriteTooLargeAsync(HttpContext context, long limit) =>
        WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "The request body is too large",
            $"This endpoint accepts bodies of at most {limit.ToString(CultureInfo.InvariantCulture)} bytes.");

    private static Task WriteProblemAsync(HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail },
        }).AsTask();
    }

    /// <summary>The declared charset when .NET has no encoding by that name; null when none is declared or it is known.</summary>
    private static string? UnknownCharset(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            && mediaType.Charset is { HasValue: true, Length: > 0 } charset
            && mediaType.Encoding is null
            ? charset.Value
            : null;

    private sealed class RequestBodyLimit(long bytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => bytes;
    }

    /// <summary>Reads through, failing with a 413 <see cref="BadHttpRequestException"/> past the limit.</summary>
    private sealed class LengthLimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
            {
                throw new BadHttpRequestException(
                    $"Request body too large. The max request body size is {limit.ToString(CultureInfo.InvariantCulture)} bytes.",
                    StatusCodes.Status413PayloadTooLarge);
            }

            return read;
        }
    }
}
