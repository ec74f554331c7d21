using CnsExchange.Domain.Billing;

namespace CnsExchange.Domain.Reimbursement;

/// <summary>What a reimbursement claim asks the competent fund to refund (RULES.md §8).</summary>
public enum ClaimKind
{
    /// <summary>INS-03/04: physiotherapy sessions under a voucher, paid by the insured.</summary>
    Physiotherapy,
    /// <summary>INS-06: cure stay allowance on the lodging invoice.</summary>
    CureStay,
    /// <summary>INS-07: stay costs of a cure abroad (S2).</summary>
    S2Stay,
    /// <summary>INS-07: stay costs of the person accompanying a curist under 18.</summary>
    AccompanyingPerson,
    /// <summary>INS-08: doctors' fees for hospital care the doctor may not bill directly (HOS-05).</summary>
    DoctorFees,
}

public enum ClaimStatus
{
    /// <summary>Every line decided; accepted and reduced lines wait for a payment run (INS-05).</summary>
    Adjudicated,
    /// <summary>At least one line waits for a reviewer who must read a document.</summary>
    Pending,
    /// <summary>Refused as a whole (INVOICE_MISSING): no line adjudicated.</summary>
    Refused,
    /// <summary>Paid by a payment run (INS-05).</summary>
    Paid,
}

public enum ClaimLineOutcome
{
    Accepted,
    Reduced,
    Refused,
    Pending,
}

/// <summary>
/// A reimbursement claim (insured's route, RULES.md §8): submitted by the insured channel for an insured who paid in full,
/// with the receipted invoice attached; adjudicated line by line at once and paid to the insured by the competent fund.
/// </summary>
public sealed class ReimbursementClaim
{
    public Guid Id { get; set; }
    /// <summary>The insured-channel key that submitted it: the only caller that reads it besides CNS staff.</summary>
    public Guid SubmittedByKeyId { get; set; }
    public required string Matricule { get; set; }
    public Guid? InsuredId { get; set; }
    /// <summary>INS-05: copied from the insured at submission (CNS, CMFEP, CMFEC, EMCFL); null when the matricule is unknown (the claim is refused).</summary>
    public string? CompetentFund { get; set; }
    public ClaimKind Kind { get; set; }
    public ClaimStatus Status { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    /// <summary>Luxembourg date of the sandbox clock at submission.</summary>
    public DateOnly SubmittedOn { get; set; }
    public string? VoucherNumber { get; set; }
    public Guid? VoucherId { get; set; }
    public string? ProviderCode { get; set; }
    public Guid? ProviderId { get; set; }
    /// <summary>INS-06/07: the cure authorisation behind the claim's voucher (a cure voucher of this insured).</summary>
    public Guid? CureAuthorisationId { get; set; }
    /// <summary>INS-08: the hospital stay the doctor's fees are for.</summary>
    public Guid? HospitalStayId { get; set; }
    public string? InvoiceNumber { get; set; }
    /// <summary>INS-06/07: the name the invoice is made out to.</summary>
    public string? InvoiceIssuedTo { get; set; }
    public DateOnly? InvoiceDate { get; set; }
    public string? InvoiceIssuer { get; set; }
    /// <summary>SHA-256 of the receipted invoice file; null when it is missing (INVOICE_MISSING).</summary>
    public string? InvoiceSha256 { get; set; }
    public Guid? InvoiceAttachmentId { get; set; }
    /// <summary>fr, de or en: the language of the insured's statement.</summary>
    public required string StatementLanguage { get; set; }
    public decimal PaidTotal { get; set; }
    public decimal ReimbursedTotal { get; set; }
    /// <summary>Reasons about the claim as a whole (INVOICE_MISSING).</summary>
    public List<Reason> Reasons { get; set; } = [];
    /// <summary>The claim as submitted (JSON), for the reviewer and the statement.</summary>
    public string? SourceJson { get; set; }
    /// <summary>INS-05 (filled by payment runs).</summary>
    public Guid? PaymentRunId { get; set; }
    public DateOnly? PaidOn { get; set; }
    public List<ReimbursementClaimLine> Lines { get; set; } = [];

    /// <summary>Totals and status from the lines.</summary>
    public void Complete()
    {
        PaidTotal = Lines.Sum(l => l.AmountPaid);
        ReimbursedTotal = Lines.Sum(l => l.ReimbursedAmount);
        Status = Reasons.Any(r => r.Severity == ReasonSeverity.Refusal) ? ClaimStatus.Refused
            : Lines.Any(l => l.Outcome == ClaimLineOutcome.Pending) ? ClaimStatus.Pending
            : ClaimStatus.Adjudicated;
    }
}

/// <summary>One line of a claim: a session, a night, a stay or a fee, with what was paid and what is reimbursed.</summary>
public sealed class ReimbursementClaimLine
{
    public Guid Id { get; set; }
    public Guid ClaimId { get; set; }
    public int LineNumber { get; set; }
    /// <summary>Date of the session, night or care (first night for a stay line).</summary>
    public DateOnly ServiceDate { get; set; }
    /// <summary>Last night / day of a stay line; null for a single session.</summary>
    public DateOnly? ServiceDateTo { get; set; }
    public string? ActCode { get; set; }
    /// <summary>INS-04: the voucher the session is paid under (physiotherapy); with <see cref="ServiceDate"/> the session key shared with memoir lines.</summary>
    public Guid? VoucherId { get; set; }
    public Guid? VoucherServiceId { get; set; }
    public int Quantity { get; set; } = 1;
    public decimal AmountPaid { get; set; }
    public decimal? TariffAmount { get; set; }
    public decimal? RatePercent { get; set; }
    public decimal ReimbursedAmount { get; set; }
    public ClaimLineOutcome Outcome { get; set; }
    public List<Reason> Reasons { get; set; } = [];
    /// <summary>INS-05: the payment run that took the line (once: a run takes only lines no run took).</summary>
    public Guid? PaymentRunId { get; set; }
    /// <summary>INS-05: what the run paid for the line (its reimbursed amount, 0 for a refused line); null until the run marks it.</summary>
    public decimal? PaidAmount { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    /// <summary>INS-06/07: the insured whose night the line is (the curist, also for an accompanying person's night).</summary>
    public Guid? InsuredId { get; set; }
    /// <summary>INS-06/07: whose night the line pays; null for a line that is no night. With <see cref="InsuredId"/> and <see cref="ServiceDate"/> the key a night is paid once by.</summary>
    public NightHolder? NightHolder { get; set; }
    /// <summary>INS-08: the hospital stay of a doctor's fee; with <see cref="ProviderId"/>, <see cref="ServiceDate"/> and <see cref="ActCode"/> the key shared with memoir lines.</summary>
    public Guid? HospitalStayId { get; set; }
    /// <summary>INS-08: the doctor of the fee.</summary>
    public Guid? ProviderId { get; set; }
    /// <summary>A pending line: what the fund pays once a reviewer agrees (then <see cref="ReimbursedAmount"/>).</summary>
    public decimal? AmountIfAgreed { get; set; }
    /// <summary>The reviewer who decided a pending line, and when.</summary>
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The fund pays something for the line (it holds its session, INS-04).</summary>
    public bool Paid => Outcome is ClaimLineOutcome.Accepted or ClaimLineOutcome.Reduced;

    /// <summary>The same predicate as <see cref="Paid"/> for queries.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<ReimbursementClaimLine, bool>> PaidLine =
        c => c.Outcome == ClaimLineOutcome.Accepted || c.Outcome == ClaimLineOutcome.Reduced;

    /// <summary>The line holds its night (paid, or waiting for a reviewer): no other line may pay it (INS-06/07).</summary>
    public bool HoldsNight => NightHolder is not null && Outcome is ClaimLineOutcome.Accepted or ClaimLineOutcome.Reduced or ClaimLineOutcome.Pending;

    /// <summary>The outcomes with which a night line holds its night, in the order the index predicate lists them.</summary>
    public static readonly IReadOnlyList<ClaimLineOutcome> NightHoldingOutcomes = [ClaimLineOutcome.Accepted, ClaimLineOutcome.Reduced, ClaimLineOutcome.Pending];

    /// <summary>
    /// A reviewer agrees a pending line after reading the document: it is paid what it would have been (<see
    /// cref="AmountIfAgreed"/>), reduced if a reduction stands; the pending reasons give way to REVIEWER_AGREED.
    /// </summary>
    public void Agree(string actor, DateTimeOffset now, string? note)
    {
        RequirePending();
        var rule = Reasons.First(r => r.Severity == ReasonSeverity.Pending).Rule;
        var kept = Reasons.Where(r => r.Severity != ReasonSeverity.Pending).ToList();
        ReimbursedAmount = AmountIfAgreed ?? 0m;
        Outcome = kept.Any(r => r.Severity == ReasonSeverity.Reduction) ? ClaimLineOutcome.Reduced : ClaimLineOutcome.Accepted;
        Reasons = [.. kept, Reason.Information(ReimbursementReasonCodes.ReviewerAgreed, rule, null, string.IsNullOrWhiteSpace(note) ? null : note.Trim()),
            Reason.Information(ReimbursementReasonCodes.Reimbursed, rule, "reimbursedAmount", Dates.Amount(ReimbursedAmount))];
        AmountIfAgreed = null;
        DecidedBy = actor;
        DecidedAt = now;
    }

    /// <summary>A reviewer refuses a pending line with reasons (codes and/or the note): nothing is paid and its night is free again.</summary>
    public void Refuse(IReadOnlyList<Reason> reasons, string actor, DateTimeOffset now)
    {
        RequirePending();
        Reasons = [.. Reasons.Where(r => r.Severity != ReasonSeverity.Pending), .. reasons];
        Outcome = ClaimLineOutcome.Refused;
        ReimbursedAmount = 0m;
        AmountIfAgreed = null;
        DecidedBy = actor;
        DecidedAt = now;
    }

    private void RequirePending()
    {
        if (Outcome != ClaimLineOutcome.Pending) throw new InvalidOperationException($"Line {LineNumber} is not pending.");
    }

    public static ClaimLineOutcome OutcomeOf(LineOutcome outcome) => outcome switch
    {
        LineOutcome.Accepted => ClaimLineOutcome.Accepted,
        LineOutcome.Reduced => ClaimLineOutcome.Reduced,
        _ => ClaimLineOutcome.Refused,
    };
}
