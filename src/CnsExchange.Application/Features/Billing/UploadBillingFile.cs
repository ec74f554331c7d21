using CnsExchange.Application.Behaviors;

namespace CnsExchange.Application.Features.Billing;

/// <summary>
/// A billing file uploaded as a request body: the content is streamed into the store (at most
/// <c>billing.file.max_bytes</c>), registered (<see cref="SubmitBillingFile"/>, which answers a replayed
/// Idempotency-Key with the first upload) and queued for the background job. Content not registered is deleted.
/// </summary>
/// <param name="ContentType">The request's Content-Type: XML or CSV.</param>
/// <param name="ContentLength">The announced length, refused early when above the maximum; the store enforces it anyway.</param>
/// <param name="UploadDeadline">A wall-clock bound on the client's sending (not business time): past it the upload is dropped, 408.</param>
public sealed record UploadBillingFile(Guid ProviderId, Stream Body, string? ContentType, long? ContentLength, string? FileName, string? IdempotencyKey,
    TimeSpan UploadDeadline) : ICommand<BillingFileDto>
{
    public const string MaxBytesParameter = "billing.file.max_bytes";

    public static BillingFileFormat? FormatOf(string? contentType)
    {
        if (!System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return null;
        return media.MediaType?.ToLowerInvariant() switch
        {
            "application/xml" or "text/xml" => BillingFileFormat.Xml,
            "text/csv" => BillingFileFormat.Csv,
            _ => null,
        };
    }
}

public sealed class UploadBillingFileHandler(ISender sender, IBillingFileStore store, IBillingFileQueue queue, IReferenceData reference,
    TimeProvider clock, IdempotencyContext idempotency) : ICommandHandler<UploadBillingFile, BillingFileDto>
{
    public async ValueTask<BillingFileDto> Handle(UploadBillingFile command, CancellationToken ct)
    {
        var format = UploadBillingFile.FormatOf(command.ContentType)
                     ?? throw new UnsupportedMediaTypeException("file", "Send the billing file as the request body with Content-Type application/xml or text/csv.");
        if (command.FileName is { Length: > 200 }) throw new BadInputException("fileName", "fileName may have at most 200 characters.");
        TextInput.Check("fileName", command.FileName);
        var maxBytes = (long)reference.Catalog.Parameter(UploadBillingFile.MaxBytesParameter, LuxembourgCalendar.LocalDate(clock.GetUtcNow()));
        if (command.ContentLength > maxBytes)
            throw new PayloadTooLargeException("file", $"A billing file may have at most {maxBytes / (1024 * 1024)} MiB.");

        // The system clock, whatever the sandbox says: this bounds the client's sending, not business time.
        using var deadline = new CancellationTokenSource(command.UploadDeadline, TimeProvider.System);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        StoredContent stored;
        try
        {
            stored = await store.SaveAsync(command.Body, maxBytes, linked.Token);
        }
        catch (Exception) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new UploadTimeoutException($"The upload did not end within {(int)command.UploadDeadline.TotalSeconds} s; nothing was kept. Send the file again.");
        }
        BillingFileDto file;
        try
        {
            if (stored.SizeBytes == 0) throw new BadInputException("file", "The billing file is empty.");
            file = await sender.Send(new SubmitBillingFile(command.ProviderId, stored, format, command.FileName, command.IdempotencyKey), ct);
        }
        catch
        {
            await store.DeleteAsync(stored.ContentId, CancellationToken.None);
            throw;
        }
        // A replay answers the first upload; this copy of the content is not needed.
        if (idempotency.Replayed) await store.DeleteAsync(stored.ContentId, CancellationToken.None);
        queue.Enqueue(file.Id);
        return file;
    }
}
