namespace CnsExchange.Domain.Payments;

/// <summary>
/// The steps of a payment run, in order (PAY-06). Each step is one database transaction that starts by locking the run
/// and checking this status, so a step done is never done again and a step interrupted is simply done again.
/// </summary>
public enum PaymentRunStatus
{
    /// <summary>Created for its slot; nothing taken yet.</summary>
    Created,
    /// <summary>Every line it pays or reports is taken (payment_run_id set); its memoirs are in_payment_run.</summary>
    LinesClaimed,
    /// <summary>One payment order per provider with something to pay, with the provider's account captured.</summary>
    OrdersBuilt,
    /// <summary>The pain.001 file and the return files are stored with their content hashes.</summary>
    FilesWritten,
    /// <summary>Lines paid and reported, memoirs paid. The run and its files never change again.</summary>
    Closed,
}

/// <summary>A payment run (RULES.md §4): what CNS pays and reports at one instant.</summary>
public sealed class PaymentRun
{
    public Guid Id { get; set; }
    /// <summary>PR-2026-0001: year of the execution date and a number from a database sequence.</summary>
    public required string Number { get; set; }
    /// <summary>weekly:2026-11-30, extra:2026-12-03 or manual:&lt;id&gt;; unique, so a slot never gives two runs.</summary>
    public required string SlotKey { get; set; }
    public PaymentRunTrigger Trigger { get; set; }
    /// <summary>The run takes the lines of memoirs received on or before this instant (the slot instant for scheduled runs).</summary>
    public DateTimeOffset AsOf { get; set; }
    /// <summary>Requested execution date of the credit transfers: a Luxembourg working day.</summary>
    public DateOnly ExecutionDate { get; set; }
    public PaymentRunStatus Status { get; set; }
    /// <summary>Who started it: "scheduler" or the administrator's key.</summary>
    public required string StartedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LinesClaimedAt { get; set; }
    public DateTimeOffset? OrdersBuiltAt { get; set; }
    public DateTimeOffset? FilesWrittenAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    public int MemoirCount { get; set; }
    public int LineCount { get; set; }
    /// <summary>Lines paid more than 0.</summary>
    public int PaidLineCount { get; set; }
    /// <summary>Lines reported with nothing paid (refused, PAY-07).</summary>
    public int UnpaidLineCount { get; set; }
    public int ProviderCount { get; set; }
    public int OrderCount { get; set; }
    /// <summary>Sum of the payment orders (the pain.001 control sum).</summary>
    public decimal TotalAmount { get; set; }
    public int FileCount { get; set; }

    /// <summary>Times a step failed; the step is retried from the stored status.</summary>
    public int FailedAttempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }
}

/// <summary>One credit transfer of a run: all a run pays one provider (PAY-03), with the account captured at run time.</summary>
public sealed class PaymentRunOrder : RunTransfer
{
    public Guid ProviderId { get; set; }
    public required string ProviderCode { get; set; }
    public required string ProviderName { get; set; }
}

/// <summary>
/// One credit transfer of a payment run (to a provider: <see cref="PaymentRunOrder"/>; to an insured: <c>ClaimPaymentOrder</c>),
/// with the account captured at run time.
/// </summary>
public abstract class RunTransfer
{
    public Guid Id { get; set; }
    public Guid RunId { get; set; }
    public required string Iban { get; set; }
    public required string Bic { get; set; }
    public decimal Amount { get; set; }
    /// <summary>Lines paid more than 0 by this transfer.</summary>
    public int LineCount { get; set; }
    /// <summary>Reaches the creditor's bank statement unchanged (PR-2026-0001-PHY0001 for a provider, the claim id for an insured).</summary>
    public required string EndToEndId { get; set; }
    public required string RemittanceText { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The return file of one provider in one run (PAY-05, PAY-07): the lines not paid or paid in part, a summary of the
/// lines paid in full. Its contents are stored per format and language in <see cref="StoredPaymentFile"/>.
/// </summary>
public sealed class ProviderReturnFile
{
    public Guid Id { get; set; }
    public Guid RunId { get; set; }
    public Guid ProviderId { get; set; }
    public required string ProviderCode { get; set; }
    public required string ProviderName { get; set; }
    /// <summary>The provider's credit transfer in the run; null when nothing is paid to it.</summary>
    public Guid? PaymentOrderId { get; set; }
    public string? EndToEndId { get; set; }
    /// <summary>Every line the file covers: the listed ones and the accepted ones it summarises.</summary>
    public int LineCount { get; set; }
    /// <summary>Lines listed one by one: reduced or refused at adjudication.</summary>
    public int ListedLineCount { get; set; }
    /// <summary>Lines paid more than 0 in the run, listed or not.</summary>
    public int PaidLineCount { get; set; }
    public decimal ClaimedAmount { get; set; }
    /// <summary>The CNS share at adjudication (the memoir lines' <c>cnsAmount</c>).</summary>
    public decimal CnsAmount { get; set; }
    public decimal PaidAmount { get; set; }
    /// <summary>The run's as-of instant: the creation instant written in the file.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

public enum PaymentFileKind
{
    Pain001,
    ReturnFile,
}

/// <summary>The bytes of a file of a run, as written once; with its SHA-256 so anyone can check it (PAY-06).</summary>
public sealed class StoredPaymentFile : RunFile
{
    /// <summary>Null for the pain.001 of the run.</summary>
    public Guid? ProviderId { get; set; }
    public Guid? ReturnFileId { get; set; }
    public PaymentFileKind Kind { get; set; }
}

/// <summary>
/// The bytes of a file a payment run wrote (the providers' route: <see cref="StoredPaymentFile"/>; the insured's route:
/// <c>ClaimPaymentFile</c>), written once with its SHA-256 so anyone can check it (PAY-06).
/// </summary>
public abstract class RunFile
{
    public Guid Id { get; set; }
    public Guid RunId { get; set; }
    /// <summary>xml (pain.001), json, csv or html.</summary>
    public required string Format { get; set; }
    /// <summary>fr, de or en for the files a person reads (return files, statements); null for a pain.001.</summary>
    public string? Language { get; set; }
    public required string FileName { get; set; }
    public required string MediaType { get; set; }
    public required byte[] Content { get; set; }
    public required string Sha256 { get; set; }
    public long Length { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>How far the scheduler has looked at run opportunities (one row): the tick looks from here to now.</summary>
public sealed class PaymentSchedulerState
{
    public int Id { get; set; }
    public DateTimeOffset EvaluatedThrough { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// LIF-05: what a run nets for one provider — the debt brought forward from earlier runs, the reversals and recoveries it
/// takes, the amounts of the lines it pays — and what it transfers and carries forward. Written once when the run builds
/// its orders; the next run that includes the provider brings <see cref="CarriedForward"/> forward.
/// </summary>
public sealed class PaymentRunNetting
{
    public Guid Id { get; set; }
    public Guid RunId { get; set; }
    public Guid ProviderId { get; set; }
    public decimal BroughtForward { get; set; }
    public decimal Debts { get; set; }
    public decimal Accepted { get; set; }
    public decimal OrderAmount { get; set; }
    public decimal CarriedForward { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
