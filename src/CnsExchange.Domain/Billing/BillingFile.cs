using System.Linq.Expressions;

namespace CnsExchange.Domain.Billing;

public enum BillingFileFormat
{
    Xml,
    Csv,
}

public enum BillingFileStatus
{
    Received,
    Processing,
    Processed,
    Rejected,
}

/// <summary>
/// A billing file still to process: received, or processing when a run stopped. The start-up queues these again, a run
/// starts only on one of these, and the partial index on file statuses holds only these.
/// </summary>
public static class UnfinishedFiles
{
    /// <summary>The statuses, in the order the index predicate lists them.</summary>
    public static readonly IReadOnlyList<BillingFileStatus> Statuses = [BillingFileStatus.Received, BillingFileStatus.Processing];

    public static bool Is(BillingFileStatus status) => Statuses.Contains(status);

    /// <summary>The same predicate as <see cref="Is"/> for queries.</summary>
    public static readonly Expression<Func<BillingFile, bool>> File =
        f => f.Status == BillingFileStatus.Received || f.Status == BillingFileStatus.Processing;
}

/// <summary>An error of a billing file, with the line of the file it was found on (BIL-14).</summary>
public sealed record BillingFileError(int Line, string? Field, string Message)
{
    /// <summary>BIL-14: a malformed file or line is bad input; the file is rejected whole with line numbers and imports nothing.</summary>
    public const string Rule = "BIL-14";
}

/// <summary>
/// A billing file (many fee memoirs, XML or CSV) received from a provider and processed in the background. The
/// content is stored as it was received; a malformed file is rejected whole (BIL-14) and imports nothing.
/// </summary>
public sealed class BillingFile
{
    public Guid Id { get; set; }
    public Guid ProviderId { get; set; }
    public BillingFileFormat Format { get; set; }
    public string? FileName { get; set; }
    public Guid ContentId { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public BillingFileStatus Status { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ProcessingStartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int Attempts { get; set; }
    public int MemoirCount { get; set; }
    public int LineCount { get; set; }
    public int AcceptedCount { get; set; }
    public int ReducedCount { get; set; }
    public int RefusedCount { get; set; }
    public decimal CnsTotal { get; set; }
    /// <summary>The first errors found (capped); <see cref="ErrorCount"/> counts all of them.</summary>
    public List<BillingFileError> Errors { get; set; } = [];
    public int ErrorCount { get; set; }
}
