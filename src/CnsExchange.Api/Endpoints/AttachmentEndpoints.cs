using CnsExchange.Application.Features.Attachments;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Lifecycle;
using Microsoft.AspNetCore.Mvc;

namespace CnsExchange.Api.Endpoints;

/// <summary>
/// Documents attached to validation requests, cure and rehabilitation requests (information answers included) and
/// contestations: upload by the owner's provider, list and download by it and CNS staff (LIF-07).
/// </summary>
public sealed class AttachmentEndpoints : IEndpointGroup
{
    public const string Tag = "Attachments";

    public void Map(RouteGroupBuilder api)
    {
        // A reimbursement claim's invoice comes with the claim, from the insured channel: no provider route attaches to it.
        foreach (var kind in Enum.GetValues<AttachmentOwnerKind>().Where(k => k != AttachmentOwnerKind.ReimbursementClaim))
            MapFor(api.MapGroup(AttachmentOwners.Route(kind)["/api/v1".Length..] + "/{id:guid}/attachments").WithTags(Tag), kind);
    }

    private static void MapFor(RouteGroupBuilder g, AttachmentOwnerKind kind)
    {
        var name = AttachmentOwners.Name(kind).ToLowerInvariant();
        g.MapPost("", async (IMediator m, ICurrentCaller caller, Guid id, IFormFile? file, [FromForm(Name = "purpose")] string? purpose, IReferenceData reference,
                TimeProvider clock, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
            {
                TextInput.Check(AttachmentStoreLimits.Field, file?.FileName);
                var content = await ReadAsync(file, reference, clock, ct);
                var attachment = await m.Send(new AddAttachment(kind, id, purpose, content, file?.FileName, caller.RequireProvider(), idempotencyKey), ct);
                return Results.Created(attachment.Url, attachment);
            })
            .RequireAuthorization(Policies.Provider)
            .DisableAntiforgery()
            .WithBodyLimit(FileBytes)
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<AttachmentDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary($"Attach a document to your {name}: multipart `file` (PDF, JPEG, PNG or TIFF, at most 10 MiB, checked like a scan) and optional `purpose`.")
            .WithDescription("""
                `purpose`: medical_report (geriatric ambulatory rehabilitation), reasoned_request (Colpach), s2_reasoned_form (cure abroad),
                medical_certificate (a cure's medical interruption, CUR-10), information_answer (goes with the answer to a reviewer's
                question), other. Without it, a request waiting for a required document takes the file as that document, a request
                waiting for information as part of the answer, anything else as other.
                A request held `pending` with `DOCUMENT_MISSING` (LIF-07) takes its normal path when its document arrives: agreed with its
                voucher, or pending for a reviewer. Documents are attached while the request or contestation awaits a decision
                (409 `request_already_decided` / `contestation_already_decided` after), at most 20 each; an agreed cure whose medical
                interruption waits for its certificate takes that certificate, and only it. Send an `Idempotency-Key` to retry
                safely: the same key, file and purpose answer the first upload.
                """);

        g.MapGet("", (IMediator m, Guid id, CancellationToken ct) => m.Send(new ListAttachments(kind, id), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .Produces<IReadOnlyList<AttachmentDto>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary($"The documents attached to a {name}, oldest first (its provider, or CNS staff).");

        g.MapGet("/{attachmentId:guid}", async (IMediator m, Guid id, Guid attachmentId, CancellationToken ct) =>
            {
                var file = await m.Send(new GetAttachment(kind, id, attachmentId), ct);
                return Results.File(file.Content, file.ContentType, file.FileName);
            })
            .RequireAuthorization(Policies.ProviderOrStaff)
            .Produces(StatusCodes.Status200OK, null, "application/pdf", "image/jpeg", "image/png", "image/tiff")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary($"One document attached to a {name}, as it was sent (its provider, or CNS staff).");
    }

    private const int FormOverheadBytes = 16 * 1024;

    private static long? FileBytes(HttpContext context)
    {
        var catalog = context.RequestServices.GetRequiredService<IReferenceData>().Catalog;
        var today = LuxembourgCalendar.LocalDate(context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        return ScanIntake.MaxBytes(catalog, today) + FormOverheadBytes;
    }

    private static async Task<byte[]?> ReadAsync(IFormFile? file, IReferenceData reference, TimeProvider clock, CancellationToken ct)
    {
        if (file is null) return null;
        ScanIntake.CheckLength(file.Length, ScanIntake.MaxBytes(reference.Catalog, LuxembourgCalendar.LocalDate(clock.GetUtcNow())), AttachmentStoreLimits.Field);
        var bytes = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }
}
