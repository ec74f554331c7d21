using System.Net.Sockets;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace CnsExchange.Api.Infrastructure;

/// <summary>RFC 9457 problem details with a stable <c>code</c> extension (API.md conventions).</summary>
public static class Problems
{
    public static ProblemDetails Create(HttpContext context, int status, string code, string title, string detail,
        IDictionary<string, string[]>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"urn:cns-exchange:problem:{code}",
            Title = title,
            Status = status,
            Detail = detail,
            Instance = context.Request.Path,
        };
        problem.Extensions["code"] = code;
        problem.Extensions["traceId"] = TraceId(context);
        if (errors is { Count: > 0 }) problem.Extensions["errors"] = errors;
        return problem;
    }

    /// <summary>The W3C trace id of the request's span (the one a traceparent header sent in), as in the log lines.</summary>
    public static string TraceId(HttpContext context) =>
        System.Diagnostics.Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString() : context.TraceIdentifier;

    public static async Task WriteAsync(HttpContext context, int status, string code, string title, string detail,
        IDictionary<string, string[]>? errors = null, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        var problem = Create(context, status, code, title, detail, errors);
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>()) problem.Extensions[name] = value;
        await context.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }

    public static IResult Result(HttpContext context, int status, string code, string title, string detail, IDictionary<string, string[]>? errors = null) =>
        Results.Json(Create(context, status, code, title, detail, errors), (JsonSerializerOptions?)null, "application/problem+json", status);
}

/// <summary>The one place where exceptions become problem details. Caller mistakes are never a 500.</summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case AppException app:
                await Problems.WriteAsync(context, app.Status, app.Code, app.Title, app.Message, app.Errors, app.Extensions);
                return true;
            case ValidationException validation:
                var errors = validation.Errors
                    .GroupBy(e => CamelPath(e.PropertyName))
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
                await Problems.WriteAsync(context, 400, "validation_failed", "Invalid request",
                    "One or more fields are invalid: " + string.Join(", ", errors.Keys) + ".", errors);
                return true;
            case BadHttpRequestException bad:
                await WriteBadRequestAsync(context, bad);
                return true;
            case JsonException json:
                await WriteJsonErrorAsync(context, json);
                return true;
            case InvalidDataException data when IsFormLengthLimit(data):
                await WriteFormTooLargeAsync(context);
                return true;
            case InvalidDataException data:
                await Problems.WriteAsync(context, 400, "malformed_request", "Malformed request", data.Message);
                return true;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                context.Response.StatusCode = 499;
                return true;
        }

        if (CnsExchange.Infrastructure.Sandbox.SandboxStorageQuota.IsExceeded(exception))
        {
            var refused = new SandboxQuotaExceededException(context.RequestServices.GetRequiredService<CnsExchange.Infrastructure.Sandbox.SandboxStorageQuota>().QuotaBytes);
            await Problems.WriteAsync(context, refused.Status, refused.Code, refused.Title, refused.Message);
            return true;
        }
        if (exception is Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException)
        {
            // A row this request read was changed or deleted by another one before it wrote: nothing of it was kept.
            await Problems.WriteAsync(context, 409, "concurrent_update", "Changed concurrently",
                "The resource was changed at the same time by another request and nothing of this one was kept; read it again and resend.");
            return true;
        }
        if (exception.IsUniqueViolation())
        {
            await Problems.WriteAsync(context, 409, "conflict", "Conflict", "The resource already exists or was changed concurrently.");
            return true;
        }
        if (IsConcurrencyFailure(exception))
        {
            context.Response.Headers.RetryAfter = "1";
            await Problems.WriteAsync(context, 503, "concurrency_retry", "Busy",
                "The request collided with a concurrent one and was rolled back; send it again (with the same Idempotency-Key).");
            return true;
        }
        if (IsDatabaseUnavailable(exception))
        {
            logger.LogWarning("Database unavailable: {Error}", exception.GetType().Name);
            context.Response.Headers.RetryAfter = "5";
            // A command that ran past its timeout is no unreachable database (stop 57: a sandbox's deletion said so).
            await Problems.WriteAsync(context, 503, "service_unavailable", "Service unavailable", IsTimeout(exception)
                ? "The database did not finish this request's work in time; retry in a few seconds."
                : "The database is not reachable right now; retry in a few seconds.");
            return true;
        }

        logger.LogError(exception, "Unhandled error on {Path}", context.Request.Path);
        await Problems.WriteAsync(context, 500, "internal_error", "Internal error",
            "An unexpected error occurred. Quote the traceId when reporting it.");
        return true;
    }

    private static Task WriteBadRequestAsync(HttpContext context, BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json) return WriteJsonErrorAsync(context, json);
        if (bad.InnerException is InvalidDataException data && IsFormLengthLimit(data)) return WriteFormTooLargeAsync(context);
        if (bad.StatusCode is 413) return Problems.WriteAsync(context, 413, "payload_too_large", "Payload too large", Sanitize(bad.Message));
        if (bad.StatusCode is 415) return Problems.WriteAsync(context, 415, "unsupported_media_type", "Unsupported media type", UnsupportedMediaType(context));
        // ASP.NET's words for a missing or JSON-null body name its own binding ("Implicit body inferred… Did you mean to use a Service?").
        var message = bad.Message.Contains("no body was provided", StringComparison.Ordinal)
            ? "The request has no body, or its body is JSON null, for parameter \"body\": send the JSON object this operation takes."
            : Sanitize(bad.Message) + DateFormatHint(bad);
        // Binding errors name the parameter (without its .NET type), so the caller knows which field to fix.
        var parameter = BoundParameter().Match(message);
        return Problems.WriteAsync(context, 400, "malformed_request", "Malformed request", message,
            parameter.Success ? new Dictionary<string, string[]> { [parameter.Groups["name"].Value] = [message] } : null);
    }

    /// <summary>
    /// Which content types the operation takes and what was sent. Routing answers 415 itself when no endpoint of the path
    /// accepts the content type, so the endpoints of the path and method are looked up here for their accepts metadata.
    /// </summary>
    internal static string UnsupportedMediaType(HttpContext context)
    {
        var path = context.Request.Path;
        var method = context.Request.Method;
        var expected = context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.Contains(method) == true
                        && new Microsoft.AspNetCore.Routing.Template.TemplateMatcher(
                            Microsoft.AspNetCore.Routing.Template.TemplateParser.Parse(e.RoutePattern.RawText ?? ""), new RouteValueDictionary())
                            .TryMatch(path, new RouteValueDictionary()))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes ?? [])
            .Where(t => t != "application/x-www-form-urlencoded").Distinct().ToList();
        var sent = string.IsNullOrEmpty(context.Request.ContentType) ? "no Content-Type" : $"'{Sanitize(context.Request.ContentType)}'";
        if (expected.Count == 0) return $"The request's content type ({sent}) is not accepted by this operation.";
        var hint = expected.Contains("multipart/form-data") ? " (a JSON 'request' part and a 'scan' file part)" : "";
        return $"This operation expects Content-Type {string.Join(" or ", expected)}{hint}; the request was sent with {sent}.";
    }

    /// <summary>The code of a body that names a field its operation does not have (the schemas say <c>additionalProperties: false</c>).</summary>
    internal const string UnknownFieldCode = "unknown_field";

    /// <summary>
    /// A body field that maps to nothing (<see cref="System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow"/>, <see cref="JsonDefaults.ConfigureInput"/>):
    /// the message that names it at <paramref name="field"/>, or null for any other JSON error. A misspelt optional field would
    /// otherwise be dropped without a word (e.g. a replacement sent as a new memoir).
    /// </summary>
    internal static string? UnknownField(JsonException e, string field) =>
        e.Message.StartsWith("The JSON property '", StringComparison.Ordinal) && e.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? $"'{field}' is not a field of this body: check its name against the operation's schema (names are camelCase)."
            : null;

    /// <summary>A date or date-time that does not parse: say the format expected (ISO 8601).</summary>
    internal static string DateFormatHint(Exception e)
    {
        return DateFormatHint(string.Concat(e.AndInner().Select(x => x.Message + " ")));
    }

    private static string DateFormatHint(string frameworkMessage) =>
        frameworkMessage.Contains("DateOnly", StringComparison.Ordinal) ? " Dates are written YYYY-MM-DD (ISO 8601), e.g. 2026-11-23."
        : frameworkMessage.Contains("DateTimeOffset", StringComparison.Ordinal) || frameworkMessage.Contains("DateTime", StringComparison.Ordinal)
            ? " Instants are written in ISO 8601 with an offset, e.g. 2026-11-23T09:00:00+01:00."
            : "";

    /// <summary>A form value or multipart section over the operation's limit (FormOptions): 413 like any body too large.</summary>
    private static bool IsFormLengthLimit(InvalidDataException e) =>
        e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("Multipart body length", StringComparison.OrdinalIgnoreCase);

    private static Task WriteFormTooLargeAsync(HttpContext context) =>
        Problems.WriteAsync(context, 413, "payload_too_large", "Payload too large", "A form value of the request is larger than allowed (the 'request' part: at most 64 KiB).");

    private static Task WriteJsonErrorAsync(HttpContext context, JsonException json)
    {
        var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
        if (json is ControlCharacterException control)
            return Problems.WriteAsync(context, 400, TextInput.Code, "Invalid request", control.MessageFor(field),
                new Dictionary<string, string[]> { [field] = [control.MessageFor(field)] });
        if (UnknownField(json, field) is { } unknown)
            return Problems.WriteAsync(context, 400, UnknownFieldCode, "Unknown field", unknown, new Dictionary<string, string[]> { [field] = [unknown] });
        var message = json.Path is null
            ? "The body is not valid JSON."
            : $"The value at '{field}' is not valid JSON or has the wrong type." + DateFormatHint(json);
        return Problems.WriteAsync(context, 400, "malformed_json", "Malformed JSON", message,
            new Dictionary<string, string[]> { [field] = [message] });
    }

    /// <summary>Framework messages without .NET type names (<c>parameter "Guid id"</c> → <c>parameter "id"</c>), at most 300 characters.</summary>
    internal static string Sanitize(string message)
    {
        message = TypedParameter().Replace(message, "\"${name}\"");
        message = DotNetTypeName().Replace(message, "value");
        message = TextInput.Printable(message);
        return message.Length > 300 ? message[..300] : message;
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"(?:[A-Za-z_][\\w.]*(?:<[^\"]*>)?(?:\\[\\])?\\??\\s+)(?<name>[A-Za-z_]\\w*)\"")]
    private static partial System.Text.RegularExpressions.Regex TypedParameter();

    [System.Text.RegularExpressions.GeneratedRegex("parameter \"(?<name>[A-Za-z_]\\w*)\"")]
    private static partial System.Text.RegularExpressions.Regex BoundParameter();

    [System.Text.RegularExpressions.GeneratedRegex("\\b(?:System|Microsoft|CnsExchange)(?:\\.[A-Za-z_]\\w*)+(?:`\\d+)?(?:\\[[^\\]]*\\])?")]
    private static partial System.Text.RegularExpressions.Regex DotNetTypeName();

    private static string CamelPath(string path) =>
        string.Join('.', path.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));

    /// <summary>Deadlock or serialization failure (SQLSTATE 40P01, 40001): nothing was stored; a retry succeeds.</summary>
    internal static bool IsConcurrencyFailure(Exception e) => e.IsDeadlockOrSerializationFailure();

    private static bool IsTimeout(Exception e) => e.AndInner().Any(x => x is TimeoutException);

    internal static bool IsDatabaseUnavailable(Exception e) => e.AndInner().Any(x => x switch
    {
        PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" => true,
        NpgsqlException { IsTransient: true } or SocketException or TimeoutException => true,
        _ => false,
    });
}
