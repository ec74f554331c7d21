using CnsExchange.Application.Behaviors;
using CnsExchange.Domain.Lifecycle;
using CnsExchange.Domain.Cures;

namespace CnsExchange.Application.Features.Attachments;

/// <summary>An attached document as it is listed (its bytes at <see cref="Url"/>).</summary>
public sealed record AttachmentDto(Guid Id, DocumentPurpose Purpose, string ContentType, string Sha256, long SizeBytes, string? FileName,
    DateTimeOffset UploadedAt, string UploadedBy, string Url);

public sealed record AttachmentFile(byte[] Content, string ContentType, string FileName);

/// <summary>A document to store for an owner: its bytes are checked like a prescription scan (VAL-18) by the store.</summary>
public sealed record NewAttachment(AttachmentOwnerKind OwnerKind, Guid OwnerId, Guid? ProviderId, DocumentPurpose Purpose, byte[]? Content, string? FileName,
    string Field = AttachmentStoreLimits.Field);

public static class AttachmentStoreLimits
{
    /// <summary>The multipart field of the document.</summary>
    public const string Field = "file";

    /// <summary>Documents per owner: enough for a report, forms and answers; the sandbox quota bounds the bytes.</summary>
    public const int MaxPerOwner = 20;
}

/// <summary>
/// Where attached documents live, whatever they belong to (requests, contestations; reimbursement claims and cure
/// interruptions next): content checks and size limit of a scan, the sandbox storage quota, list and read by owner.
/// Who may attach to or read an owner is the caller's business (<see cref="AttachmentOwners"/>).
/// </summary>
public interface IAttachmentStore
{
    /// <summary>Checks the bytes (400/413/415), charges the quota and adds the attachment to the unit of work (saved with it).</summary>
    Task<Attachment> AddAsync(NewAttachment attachment, string uploadedBy, CancellationToken ct);

    /// <summary>The owner's attachments, oldest first, without their bytes.</summary>
    Task<IReadOnlyList<AttachmentDto>> ListAsync(AttachmentOwnerKind kind, Guid ownerId, CancellationToken ct);

    /// <summary>One attachment's bytes, or null when the owner has no such attachment.</summary>
    Task<AttachmentFile?> ReadAsync(AttachmentOwnerKind kind, Guid ownerId, Guid attachmentId, CancellationToken ct);

    /// <summary>Where an attachment is read (/api/v1/...).</summary>
    static string Url(AttachmentOwnerKind kind, Guid ownerId, Guid attachmentId) => $"{AttachmentOwners.Route(kind)}/{ownerId}/attachments/{attachmentId}";
}

/// <summary>What an owner of attachments is to the caller: its provider, whether it still takes documents, and its request if it is one.</summary>
/// <param name="Only">The one purpose a decided owner still takes (a cure's medical certificate, CUR-10), or null.</param>
public sealed record AttachmentOwner(AttachmentOwnerKind Kind, Guid Id, Guid ProviderId, string? ClosedCode, string? ClosedMessage, CareRequest? Request,
    DocumentPurpose? Only = null);

public static class AttachmentOwners
{
    public static string Route(AttachmentOwnerKind kind) => kind switch
    {
        AttachmentOwnerKind.ValidationRequest => "/api/v1/validation-requests",
        AttachmentOwnerKind.CureAuthorisation => "/api/v1/cure-authorisations",
        AttachmentOwnerKind.RehabilitationAuthorisation => "/api/v1/rehabilitation-authorisations",
        AttachmentOwnerKind.Contestation => "/api/v1/contestations",
        AttachmentOwnerKind.ReimbursementClaim => "/api/v1/reimbursement-claims",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Name(AttachmentOwnerKind kind) => kind switch
    {
        AttachmentOwnerKind.ValidationRequest => "Validation request",
        AttachmentOwnerKind.CureAuthorisation => "Cure authorisation",
        AttachmentOwnerKind.RehabilitationAuthorisation => "Rehabilitation authorisation",
        AttachmentOwnerKind.ReimbursementClaim => "Reimbursement claim",
        _ => "Contestation",
    };

    private static RequestKind? RequestKindOf(AttachmentOwnerKind kind) => kind switch
    {
        AttachmentOwnerKind.ValidationRequest => RequestKind.PhysioValidation,
        AttachmentOwnerKind.CureAuthorisation => RequestKind.CureAuthorisation,
        AttachmentOwnerKind.RehabilitationAuthorisation => RequestKind.RehabilitationAuthorisation,
        _ => null,
    };

    /// <summary>
    /// The owner as the caller may see it: its provider or CNS staff; anyone else gets "not found" (no existence leak).
    /// <paramref name="forChange"/> loads a request whole (history) and tracked, to change it.
    /// </summary>
    public static async Task<AttachmentOwner> LoadAsync(IAppDbContext db, ICurrentCaller caller, AttachmentOwnerKind kind, Guid id, bool forChange,
        CancellationToken ct)
    {
        AttachmentOwner? owner;
        if (RequestKindOf(kind) is { } requestKind)
        {
            var requests = forChange ? db.Set<CareRequest>() : db.Set<CareRequest>().AsNoTracking();
            var request = await requests.SingleOrDefaultAsync(r => r.Id == id && r.Kind == requestKind, ct);
            // A decided cure still takes the certificate of a medical interruption that waits for it (CUR-10, LIF-07), and only it.
            DocumentPurpose? only = request is CureAuthorisation { AwaitsDecision: false } cure && MedicalInterruption.AwaitsCertificate(cure)
                ? DocumentPurpose.MedicalCertificate : null;
            owner = request is null ? null : new AttachmentOwner(kind, id, request.ProviderId,
                request.AwaitsDecision || only is not null ? null : "request_already_decided",
                $"The request is {RequestViews.StatusCode(request.Status)}: documents are attached while it awaits a decision.", request, only);
        }
        else
        {
            var contestation = await db.Set<LineContestation>().AsNoTracking().Where(c => c.Id == id)
                .Select(c => new { c.ProviderId, c.Status }).SingleOrDefaultAsync(ct);
            owner = contestation is null ? null : new AttachmentOwner(kind, id, contestation.ProviderId,
                contestation.Status == ContestationStatus.Pending ? null : "contestation_already_decided",
                $"The contestation is {contestation.Status.ToString().ToLowerInvariant()}: documents are attached while it is pending.", null);
        }
        if (owner is null || (!caller.IsStaff() && owner.ProviderId != caller.ProviderId)) throw new NotFoundException(Name(kind));
        return owner;
    }

    /// <summary>The purpose as the API writes it (snake_case).</summary>
    public static DocumentPurpose? ParsePurpose(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        foreach (var p in Enum.GetValues<DocumentPurpose>())
            if (JsonNamingPolicy.SnakeCaseLower.ConvertName(p.ToString()) == text.Trim()) return p;
        throw new BadInputException("purpose", "purpose is one of " +
            string.Join(", ", Enum.GetValues<DocumentPurpose>().Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.ToString()))) + ".");
    }
}

/// <summary>
/// POST …/{id}/attachments: the owner's provider attaches a document while the owner awaits a decision. Without
/// <c>purpose</c>, a request missing a required document takes it as that document (LIF-07), a request waiting for
/// information as part of the answer, anything else as <c>other</c>. The required document releases the request.
/// </summary>
public sealed record AddAttachment(AttachmentOwnerKind OwnerKind, Guid OwnerId, string? Purpose, byte[]? Content, string? FileName,
    Guid ProviderId, string? IdempotencyKey = null) : ICommand<AttachmentDto>, IIdempotentCommand
{
    public string IdempotencyScope => $"{ProviderId:N}:{AttachmentOwners.Route(OwnerKind)}/{OwnerId:N}/attachments";

    /// <summary>The document's bytes (by their SHA-256), its name and purpose.</summary>
    public string RequestFingerprint => Fingerprint.Of(new { Purpose, FileName, Content = Content is null ? null : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Content)) });
}

public sealed record ListAttachments(AttachmentOwnerKind OwnerKind, Guid OwnerId) : IQuery<IReadOnlyList<AttachmentDto>>;

public sealed record GetAttachment(AttachmentOwnerKind OwnerKind, Guid OwnerId, Guid AttachmentId) : IQuery<AttachmentFile>;

public sealed class AttachmentHandlers(IAppDbContext db, ICurrentCaller caller, IAttachmentStore store, RequestPipeline pipeline, ICareRequestLocks locks) :
    ICommandHandler<AddAttachment, AttachmentDto>,
    IQueryHandler<ListAttachments, IReadOnlyList<AttachmentDto>>,
    IQueryHandler<GetAttachment, AttachmentFile>
{
    public async ValueTask<AttachmentDto> Handle(AddAttachment command, CancellationToken ct)
    {
        var providerId = command.ProviderId;
        var parsed = AttachmentOwners.ParsePurpose(command.Purpose);
        return await db.InTransactionAsync(async () =>
        {
            // Two documents arriving at once for one request: the second sees what the first decided.
            if (command.OwnerKind != AttachmentOwnerKind.Contestation) await locks.LockRequestAsync(command.OwnerId, ct);
            var owner = await AttachmentOwners.LoadAsync(db, caller, command.OwnerKind, command.OwnerId, forChange: true, ct);
            if (owner.ClosedCode is { } closed) throw new ConflictException(closed, owner.ClosedMessage!);
            if ((await store.ListAsync(owner.Kind, owner.Id, ct)).Count >= AttachmentStoreLimits.MaxPerOwner)
                throw new UnprocessableException("too_many_attachments", $"At most {AttachmentStoreLimits.MaxPerOwner} documents can be attached to one {AttachmentOwners.Name(owner.Kind).ToLowerInvariant()}.");
            var purpose = parsed ?? owner.Only ?? DefaultPurpose(owner.Request);
            if (owner.Only is { } only && purpose != only)
                throw new ConflictException("request_already_decided",
                    $"The request is {RequestViews.StatusCode(owner.Request!.Status)}: it takes only the certificate of its medical interruption (purpose medical_certificate).");
            var attachment = await store.AddAsync(new NewAttachment(owner.Kind, owner.Id, providerId, purpose, command.Content, command.FileName), caller.Actor, ct);
            if (owner.Request is { } request) await pipeline.DocumentArrivedAsync(request, purpose, attachment.Id, ct);
            await pipeline.SaveChangeAsync(ct);
            return new AttachmentDto(attachment.Id, attachment.Purpose, attachment.ContentType, attachment.Sha256, attachment.SizeBytes, attachment.FileName,
                attachment.UploadedAt, attachment.UploadedBy, IAttachmentStore.Url(owner.Kind, owner.Id, attachment.Id));
        }, ct);
    }

    private static DocumentPurpose DefaultPurpose(CareRequest? request) => request switch
    {
        not null when RequiredDocuments.IsMissing(request) && RequiredDocuments.For(request) is { } required => required,
        { Status: RequestStatus.InformationRequested } => DocumentPurpose.InformationAnswer,
        _ => DocumentPurpose.Other,
    };

    public async ValueTask<IReadOnlyList<AttachmentDto>> Handle(ListAttachments query, CancellationToken ct)
    {
        await AttachmentOwners.LoadAsync(db, caller, query.OwnerKind, query.OwnerId, forChange: false, ct);
        return await store.ListAsync(query.OwnerKind, query.OwnerId, ct);
    }

    public async ValueTask<AttachmentFile> Handle(GetAttachment query, CancellationToken ct)
    {
        await AttachmentOwners.LoadAsync(db, caller, query.OwnerKind, query.OwnerId, forChange: false, ct);
        return await store.ReadAsync(query.OwnerKind, query.OwnerId, query.AttachmentId, ct) ?? throw new NotFoundException("Attachment");
    }
}
