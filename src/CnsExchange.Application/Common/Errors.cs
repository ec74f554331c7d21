namespace CnsExchange.Application.Common;

/// <summary>An error caused by the caller's input or state, mapped to an RFC 9457 problem with a stable code.</summary>
public abstract class AppException(int status, string code, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Title { get; } = title;
    public IDictionary<string, string[]>? Errors { get; init; }
    /// <summary>Further members of the problem, e.g. the id of the resource a conflict names (<c>claimId</c>).</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }
}

public sealed class NotFoundException(string what)
    : AppException(404, "not_found", "Not found", $"{what} was not found.");

public sealed class ForbiddenException(string detail)
    : AppException(403, "forbidden", "Forbidden", detail);

public sealed class ConflictException(string code, string detail)
    : AppException(409, code, "Conflict", detail);

/// <summary>Input that is well-formed but breaks a precondition (422).</summary>
public sealed class UnprocessableException(string code, string detail)
    : AppException(422, code, "Unprocessable request", detail);

/// <summary>Malformed input (400) naming the field.</summary>
public sealed class BadInputException : AppException
{
    public BadInputException(string field, string message, string code = "validation_failed")
        : base(400, code, "Invalid request", message) =>
        Errors = new Dictionary<string, string[]> { [field] = [message] };
}

public sealed class PayloadTooLargeException(string field, string detail)
    : AppException(413, "payload_too_large", "Payload too large", detail)
{
    public string Field { get; } = field;
}

/// <summary>The sandbox's stored bytes (scans and billing files) would pass its quota.</summary>
public sealed class SandboxQuotaExceededException(long quotaBytes)
    : AppException(413, "sandbox_quota_exceeded", "Sandbox storage quota exceeded",
        $"This sandbox may store at most {quotaBytes / (1024 * 1024)} MiB of scans and files: delete it and start a new one, or ask the operator.");

/// <summary>An upload that did not end within its deadline (408); nothing of it is kept.</summary>
public sealed class UploadTimeoutException(string detail)
    : AppException(408, "upload_timeout", "Request timeout", detail);

public sealed class UnsupportedMediaTypeException(string field, string detail)
    : AppException(415, "unsupported_media_type", "Unsupported media type", detail)
{
    public string Field { get; } = field;
}

/// <summary>The resource exists, but in none of the representations the Accept header asks for (406).</summary>
public sealed class NotAcceptableException(string detail)
    : AppException(406, "not_acceptable", "Not acceptable", detail);

public sealed class IdempotencyKeyReusedException()
    : AppException(422, "idempotency_key_reused", "Idempotency key reused", "This Idempotency-Key was already used with a different request body.");

/// <summary>
/// The same Idempotency-Key and body again, for a create whose answer held a secret shown once (an API key, a signing
/// secret) and not kept: nothing is created again, and the 409 names what the first request created (<c>resource</c>).
/// </summary>
public static class IdempotentReplay
{
    public static ConflictException WithoutSecret(string resource) =>
        new("idempotent_replay_without_secret",
            $"This Idempotency-Key already created {resource}. Its answer held a secret shown once and not kept, so it is not sent again: read the resource there, or delete it and create another.")
        {
            Extensions = new Dictionary<string, object?> { ["resource"] = resource },
        };
}

/// <summary>
/// The database refused a unit of work because a concurrent one won a unique key (a VAL-14 fingerprint). The owner of the
/// transaction rolls it back and decides again from the start, now seeing the winner; if nobody does, it is a 409.
/// </summary>
public sealed class LostRaceException(Exception cause)
    : AppException(409, "concurrent_change", "Conflict", "A concurrent request changed the data this one was decided on; send it again.")
{
    /// <summary>A decision made again sees the winner, so one more attempt settles it; the bound stops a pathological loop.</summary>
    public const int MaxAttempts = 3;

    public Exception Cause { get; } = cause;
}
