namespace CnsExchange.Application.Features.Events;

// The small snapshots events carry (`data`): enough to act on without reading the resource; the resource's URL has the rest.
// No matricule or name: the resource, read with the provider's key, has them.

/// <summary>data of validation_request.decided, cure_authorisation.decided and rehabilitation_authorisation.decided.</summary>
public sealed record RequestDecidedData(string Status, string? VoucherNumber, DateTimeOffset? DecidedAt, string? DecidedBy, IReadOnlyList<string> ReasonCodes);

/// <summary>data of request.information_requested: the kind of request (physio_validation, cure_authorisation, rehabilitation_authorisation) and the question.</summary>
public sealed record InformationRequestedData(string Kind, string Question);

/// <summary>data of billing_file.processed and billing_file.rejected.</summary>
public sealed record BillingFileData(string Status, int MemoirCount, int LineCount, int AcceptedCount, int ReducedCount, int RefusedCount, decimal CnsTotal, int ErrorCount);

/// <summary>data of fee_memoir.adjudicated.</summary>
public sealed record FeeMemoirData(string Reference, string Status, int LineCount, int AcceptedCount, int ReducedCount, int RefusedCount, decimal ClaimedTotal, decimal CnsTotal);

/// <summary>data of contestation.decided: the line's payable amount before and after the decision.</summary>
public sealed record ContestationData(Guid ContestationId, int LineNumber, string Status, decimal PayableBefore, decimal? PayableAfter);

/// <summary>data of payment_run.closed (one event per provider of the run): its order amount (0 when nothing is paid) and its return file.</summary>
public sealed record PaymentRunClosedData(string RunNumber, DateOnly ExecutionDate, decimal OrderAmount, Guid ReturnFileId, string ReturnFileUrl);

/// <summary>data of voucher.expiring (7 days before validUntil, on the sandbox clock).</summary>
public sealed record VoucherExpiringData(string Number, DateOnly ValidUntil, int SessionsLeft);

/// <summary>data of voucher.cancelled (LIF-01): when, why and by whom; lines received since are refused VOUCHER_CANCELLED.</summary>
public sealed record VoucherCancelledData(string Number, DateTimeOffset CancelledAt, string Reason, string? CancelledBy);

/// <summary>data of fee_memoir.voided (LIF-02), also when a new memoir replaces it (LIF-03, <c>replaced</c> true).</summary>
public sealed record FeeMemoirVoidedData(string Reference, DateTimeOffset VoidedAt, bool Replaced);

/// <summary>
/// data of fee_memoir_line.reversed and fee_memoir_line.recovered (LIF-04): the debt the paid line became, netted by the
/// next payment run (LIF-05). <c>code</c>: LINE_REVERSED, or the recovery code (DOUBLE_FINANCING, CURE_INTERRUPTED, SESSION_NOT_GIVEN).
/// </summary>
public sealed record FeeMemoirLineTakenBackData(Guid DebtId, string MemoirReference, int LineNumber, string Code, string? Note, decimal Amount, string OriginalPaymentRunNumber);

/// <summary>
/// data of reimbursement_claim.decided: every line decided (at submission, or by a reviewer's last decision); what the
/// insured paid and what is reimbursed (INS-03…08). No personal data: the claim's URL serves the rest to its channel.
/// </summary>
public sealed record ReimbursementClaimDecidedData(string Kind, string Status, string? CompetentFund, int LineCount, int ReimbursedLineCount,
    int RefusedLineCount, decimal PaidTotal, decimal ReimbursedTotal);

/// <summary>data of reimbursement_claim.paid: the run that transferred the reimbursement to the insured, and the fund that paid it (INS-05).</summary>
public sealed record ReimbursementClaimPaidData(string RunNumber, DateOnly ExecutionDate, string CompetentFund, decimal Amount);
