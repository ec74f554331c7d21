namespace CnsExchange.Domain.Billing;

/// <summary>
/// A dry run of a fee memoir: the full adjudication ran and was rolled back, so nothing was consumed. Confirming it
/// adjudicates the same lines again against the state of that moment.
/// </summary>
public sealed class FeeMemoirSimulation
{
    public Guid Id { get; set; }
    public Guid ProviderId { get; set; }
    public required string MemoirReference { get; set; }
    /// <summary>The memoir lines as sent (JSON).</summary>
    public required string RequestJson { get; set; }
    /// <summary>The simulated line results (JSON), to compare with the confirmed adjudication.</summary>
    public required string ResultJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? ConfirmedMemoirId { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
}
