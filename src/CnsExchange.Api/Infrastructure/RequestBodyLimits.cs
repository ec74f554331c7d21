using CnsExchange.Infrastructure.IO;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CnsExchange.Api.Infrastructure;

/// <summary>Endpoint metadata: the largest body the operation can hold, worked out per request (null: the endpoint enforces its own).</summary>
public sealed class RequestBodyLimit(Func<HttpContext, long?> bytes)
{
    public long? For(HttpContext context) => bytes(context);
}

/// <summary>
/// Per-endpoint body limits (issue 15): a body larger than the operation can hold is answered 413 payload_too_large
/// from its Content-Length before any of it is read, and a body without a length (chunked) is cut off at the limit.
/// Operations without <see cref="RequestBodyLimit"/> metadata take <see cref="DefaultBytes"/>.
/// </summary>
public static class RequestBodyLimits
{
    /// <summary>Enough for any JSON operation but fee memoirs, whose limit is their own.</summary>
    public const long DefaultBytes = 256 * 1024;

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(_ => bytes));

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, Func<HttpContext, long?> bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(bytes));

    /// <summary>
    /// Documents, on every operation that takes a body, the answers any body can get: 400 (malformed, control
    /// characters), 413 (over the operation's limit) and 415 (a content type, or a charset, it does not read:
    /// <see cref="RequestCharset"/>).
    /// </summary>
    public static TBuilder WithBodyProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<Microsoft.AspNetCore.Routing.HttpMethodMetadata>().SelectMany(m => m.HttpMethods);
            if (!methods.Any(m => m is "POST" or "PUT" or "PATCH")) return;
            foreach (var status in new[] { StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType })
            {
                if (endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(p => p.StatusCode == status)) continue;
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
            }
        });
        return builder;
    }

    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>();
        if ((metadata is null ? DefaultBytes : metadata.For(context)) is not { } max)
        {
            await next(context);
            return;
        }
        if (context.Request.ContentLength > max)
        {
            // The body stays unread; the connection closes after the answer rather than draining it.
            context.Response.Headers.Connection = "close";
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Payload too large", TooLarge(max));
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = max;
        // The operation's limit on a form value: ASP.NET Core applies ValueLengthLimit to url-encoded forms only, and
        // would read a multipart field of any size into memory.
        if (context.GetEndpoint()?.Metadata.GetMetadata<IFormOptionsMetadata>() is { ValueLengthLimit: { } valueLimit } && context.Request.HasFormContentType)
            context.Features.Set<IFormFeature>(new BoundedFormFeature(context.Request, valueLimit));
        if (context.Request.ContentLength is null) context.Request.Body = new LimitedBodyStream(context.Request.Body, max);
        await next(context);
    });

    public static string TooLarge(long max) => $"The body of this operation may have at most {Describe(max)}.";

    private static string Describe(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    /// <summary>
    /// Reads a multipart form with every field (a section without a file name) cut at <paramref name="valueLimit"/>
    /// characters: past it, <see cref="InvalidDataException"/> (answered 413). Files are buffered as ASP.NET Core does
    /// (memory up to 64 KiB, then a temporary file). Url-encoded forms are read by the framework's own reader.
    /// </summary>
    private sealed class BoundedFormFeature(HttpRequest request, int valueLimit) : IFormFeature
    {
        // Not request.HasFormContentType: that asks this feature.
        public bool HasFormContentType =>
            Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            && (media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                || media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase));

        public IFormCollection? Form { get; set; }

        public IFormCollection ReadForm() => ReadFormAsync(CancellationToken.None).GetAwaiter().GetResult();

        public async Task<IFormCollection> ReadFormAsync(CancellationToken cancellationToken)
        {
            if (Form is not null) return Form;
            if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
                || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                return Form = await new FormFeature(request, new FormOptions { ValueLengthLimit = valueLimit }).ReadFormAsync(cancellationToken);

            var boundary = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(media.Boundary).Value;
            if (string.IsNullOrEmpty(boundary)) throw new InvalidDataException("Missing content-type boundary.");
            var reader = new Microsoft.AspNetCore.WebUtilities.MultipartReader(boundary, request.Body);
            var fields = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(StringComparer.OrdinalIgnoreCase);
            var files = new FormFileCollection();
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    var buffered = new Microsoft.AspNetCore.WebUtilities.FileBufferingReadStream(section.Body, 64 * 1024);
                    request.HttpContext.Response.RegisterForDisposeAsync(buffered);
                    await buffered.DrainAsync(cancellationToken);
                    buffered.Position = 0;
                    files.Add(new FormFile(buffered, 0, buffered.Length, name, disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value! : Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "")
                    {
                        Headers = new HeaderDictionary(section.Headers),
                    });
                }
                else if (disposition.IsFormDisposition())
                {
                    var value = await ReadFieldAsync(section.Body, valueLimit, cancellationToken);
                    fields[name] = Microsoft.Extensions.Primitives.StringValues.Concat(fields.GetValueOrDefault(name), value);
                }
            }
            return Form = new FormCollection(fields, files);
        }

        /// <summary>
        /// A field's text, read in pieces of 4 KiB characters and cut at <paramref name="valueLimit"/>: a buffer of the
        /// limit's size (64 Ki characters, 128 KiB) went to the large object heap on every request, and its churn kept
        /// the API's memory high under load (benchmark P4).
        /// </summary>
        private static async Task<string> ReadFieldAsync(Stream body, int valueLimit, CancellationToken cancellationToken)
        {
            using var text = new StreamReader(body, System.Text.Encoding.UTF8);
            var chunk = System.Buffers.ArrayPool<char>.Shared.Rent(4096);
            try
            {
                var value = new System.Text.StringBuilder();
                int read;
                while ((read = await text.ReadAsync(chunk.AsMemory(0, 4096), cancellationToken)) > 0)
                {
                    if (value.Length + read > valueLimit) throw new InvalidDataException($"Form value length limit {valueLimit} exceeded.");
                    value.Append(chunk, 0, read);
                }
                return value.ToString();
            }
            finally
            {
                System.Buffers.ArrayPool<char>.Shared.Return(chunk);
            }
        }
    }

    /// <summary>Throws 413 as soon as more than <paramref name="max"/> bytes were read (servers without their own limit, e.g. in tests).</summary>
    private sealed class LimitedBodyStream(Stream inner, long max) : ForwardReadStream
    {
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        private int Count(int read)
        {
            Advance(read);
            if (Position > max) throw new BadHttpRequestException(TooLarge(max), StatusCodes.Status413PayloadTooLarge);
            return read;
        }
    }
}
