namespace CnsExchange.Domain.Billing;

/// <summary>
/// BIL-15: pending → upheld | overturned; or lapsed, when no reviewer decided before the memoir's last payment run
/// that could still pay it on time (PAY-01): the line is then paid as adjudicated and reported; or withdrawn, when its
/// provider voided or replaced the memoir first (LIF-02, LIF-03): the line is released, so nothing is left to decide.
/// </summary>
public enum ContestationStatus
{
    Pending,
    Upheld,
    Overturned,
    Lapsed,
    Withdrawn,
}

public enum ContestationDecision
{
    Uphold,
    Overturn,
}

/// <summary>A provider's contestation of a refused or reduced fee memoir line (BIL-15); at most one per line.</summary>
public sealed class LineContestation
{
    public Guid Id { get; set; }
    public Guid LineId { get; set; }
    public Guid MemoirId { get; set; }
    public Guid ProviderId { get; set; }
    /// <summary>The reason code of the line that is contested.</summary>
    public required string Code { get; set; }
    public required string Text { get; set; }
    public ContestationStatus Status { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionNote { get; set; }
    /// <summary>Payable amount of the line before and after the decision.</summary>
    public decimal PayableBefore { get; set; }
    public decimal? PayableAfter { get; set; }
}
