using System.Security.Cryptography;
using CnsExchange.Application.Features.Attachments;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Lifecycle;
using CnsExchange.Domain.Physio.Rules;

namespace CnsExchange.Infrastructure.Attachments;

/// <summary>Attachments in the database (bytea), beside what they belong to: saved, and counted in the quota, with it.</summary>
internal sealed class AttachmentStore(AppDbContext db, IReferenceData reference, TimeProvider clock, ISandboxStorageQuota quota) : IAttachmentStore
{
    public async Task<Attachment> AddAsync(NewAttachment attachment, string uploadedBy, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var contentType = ScanIntake.Inspect(attachment.Content, ScanIntake.MaxBytes(reference.Catalog, LuxembourgCalendar.LocalDate(now)), attachment.Field);
        var content = attachment.Content!;
        var fileName = string.IsNullOrWhiteSpace(attachment.FileName) ? null : Path.GetFileName(attachment.FileName);
        if (fileName?.Length > 200) throw new BadInputException(attachment.Field, "The file name must have at most 200 characters.");
        await quota.ChargeAsync(db, content.LongLength, ct); // in the caller's transaction: counted only if the attachment is saved
        var stored = new Attachment
        {
            Id = Guid.CreateVersion7(), OwnerKind = attachment.OwnerKind, OwnerId = attachment.OwnerId, ProviderId = attachment.ProviderId,
            Purpose = attachment.Purpose, ContentType = contentType, Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            SizeBytes = content.LongLength, FileName = fileName,
            UploadedAt = now, UploadedBy = uploadedBy, Content = content,
        };
        db.Set<Attachment>().Add(stored);
        return stored;
    }

    public async Task<IReadOnlyList<AttachmentDto>> ListAsync(AttachmentOwnerKind kind, Guid ownerId, CancellationToken ct)
    {
        var rows = await db.Set<Attachment>().AsNoTracking().Where(a => a.OwnerKind == kind && a.OwnerId == ownerId)
            .OrderBy(a => a.UploadedAt).ThenBy(a => a.Id)
            .Select(a => new { a.Id, a.Purpose, a.ContentType, a.Sha256, a.SizeBytes, a.FileName, a.UploadedAt, a.UploadedBy })
            .ToListAsync(ct);
        return rows.Select(a => new AttachmentDto(a.Id, a.Purpose, a.ContentType, a.Sha256, a.SizeBytes, a.FileName, a.UploadedAt, a.UploadedBy,
            IAttachmentStore.Url(kind, ownerId, a.Id))).ToList();
    }

    public async Task<AttachmentFile?> ReadAsync(AttachmentOwnerKind kind, Guid ownerId, Guid attachmentId, CancellationToken ct)
    {
        var a = await db.Set<Attachment>().AsNoTracking().Where(x => x.Id == attachmentId && x.OwnerKind == kind && x.OwnerId == ownerId)
            .Select(x => new { x.Content, x.ContentType, x.FileName }).SingleOrDefaultAsync(ct);
        return a is null ? null : new AttachmentFile(a.Content, a.ContentType, a.FileName ?? $"attachment-{attachmentId}{ScanFormat.Extension(a.ContentType)}");
    }
}
