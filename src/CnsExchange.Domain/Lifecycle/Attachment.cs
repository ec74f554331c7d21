namespace CnsExchange.Domain.Lifecycle;

/// <summary>What an attachment belongs to (the API's path segment names it). Another kind is added here with its owner.</summary>
public enum AttachmentOwnerKind
{
    ValidationRequest,
    CureAuthorisation,
    RehabilitationAuthorisation,
    Contestation,
    /// <summary>The receipted invoice of a reimbursement claim (INS-03): no provider sees it.</summary>
    ReimbursementClaim,
}

/// <summary>
/// A document attached to a request or a contestation: the same content checks and size limit as a prescription scan
/// (VAL-18: PDF, JPEG, PNG or TIFF by content, non-empty, at most scan.max_bytes), stored with its SHA-256. Its provider
/// and CNS staff read it.
/// </summary>
public sealed class Attachment
{
    public Guid Id { get; set; }
    public AttachmentOwnerKind OwnerKind { get; set; }
    public Guid OwnerId { get; set; }
    /// <summary>The provider the owner belongs to: the only provider that sees it; none for a reimbursement claim's invoice.</summary>
    public Guid? ProviderId { get; set; }
    public DocumentPurpose Purpose { get; set; }
    public required string ContentType { get; set; }
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public string? FileName { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
    public required byte[] Content { get; set; }
}
