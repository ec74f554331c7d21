using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Calendar;

namespace CnsExchange.Api.Endpoints;

/// <summary>
/// A submission as multipart: a JSON <c>request</c> part and one document (a prescription scan, an invoice), set up and
/// read the same way wherever it is accepted.
/// </summary>
internal static class MultipartSubmission
{
    /// <summary>
    /// No anti-forgery (API-key clients); the body is cut at the document, the <c>request</c> part and the framing, and a
    /// <c>request</c> sent as a plain form field at 64 KiB too; answered 201 or one of the problems listed here.
    /// </summary>
    public static RouteHandlerBuilder AcceptsRequestAndDocument<TCreated>(this RouteHandlerBuilder route) =>
        route.DisableAntiforgery()
            .WithBodyLimit(ValidationEndpoints.ScanAndRequestBytes)
            .WithFormOptions(valueLengthLimit: ValidationEndpoints.RequestPartBytes)
            .Produces<TCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>The parsed <c>request</c> part, its text (stored as sent) and the document's bytes (null when it is missing).</summary>
    public static async Task<(T? Input, string Json, byte[]? Document)> ReadAsync<T>(string? request, IFormFile? document, string documentPart,
        HttpRequest http, IReferenceData reference, TimeProvider clock, CancellationToken ct) where T : class
    {
        TextInput.Check(documentPart, document?.FileName);
        var json = request ?? await ValidationEndpoints.ReadTextPartAsync(http.Form.Files.GetFile("request"), ct);
        var input = ValidationEndpoints.Parse<T>(json);
        if (document is null) return (input, json ?? "", null);

        ScanIntake.CheckLength(document.Length, ScanIntake.MaxBytes(reference.Catalog, LuxembourgCalendar.LocalDate(clock.GetUtcNow())));
        // Read once into an array of the exact size: the bytes that are hashed and stored, no intermediate copy.
        var bytes = new byte[document.Length];
        await using var stream = document.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, ct);
        return (input, json ?? "", bytes);
    }
}
