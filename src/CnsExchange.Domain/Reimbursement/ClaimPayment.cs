using CnsExchange.Domain.Payments;
using CnsExchange.Domain.Billing;

namespace CnsExchange.Domain.Reimbursement;

/// <summary>Where a claim stands in its payment to the insured (INS-05), as its statement says.</summary>
public enum ClaimPaymentState
{
    /// <summary>A payment run transferred what is reimbursed to the insured's account.</summary>
    Paid,
    /// <summary>Something is reimbursed and the insured's account is known: the next payment run due pays it.</summary>
    Scheduled,
    /// <summary>Something is reimbursed but no account of the insured is known: it waits until one is set.</summary>
    WaitingForBankAccount,
    /// <summary>A line waits for a reviewer; nothing is paid before every line is decided.</summary>
    PendingReview,
    /// <summary>Every line refused: nothing to pay.</summary>
    NothingToPay,
    /// <summary>The claim as a whole is refused (INVOICE_MISSING, INSURED_UNKNOWN).</summary>
    Refused,
}

/// <summary>
/// INS-05: the competent fund (CNS, or the insured's public-sector fund) pays the accepted and reduced lines of a claim to the
/// insured's IBAN by a payment run, within the due days of the claim (<c>reimbursement.payment_due_days</c>, assumption 30);
/// one transfer per claim, in one pain.001 per fund with the fund as debtor; a statement per claim. Any claim kind is paid the
/// same way: what a line pays is its reimbursed amount.
/// </summary>
public static class ClaimPayment
{
    public const string Rule = "INS-05";
    public const string DueDaysParameter = "reimbursement.payment_due_days";

    /// <summary>The day by which a claim submitted on <paramref name="submittedOn"/> must be paid.</summary>
    public static DateOnly DueDate(DateOnly submittedOn, ReferenceCatalog catalog) =>
        submittedOn.AddDays(catalog.IntParameter(DueDaysParameter, submittedOn));

    /// <summary>What a decided line pays the insured: its reimbursed amount when accepted or reduced, else nothing.</summary>
    public static decimal PaidAmount(ClaimLineOutcome outcome, decimal reimbursedAmount) =>
        outcome is ClaimLineOutcome.Accepted or ClaimLineOutcome.Reduced && reimbursedAmount > 0m ? reimbursedAmount : 0m;

    /// <summary>A payment run may take the claim: every line decided, something to pay, an account to pay it to, not paid yet.</summary>
    public static bool Payable(ClaimStatus status, decimal reimbursedTotal, bool hasBankAccount, bool alreadyTaken) =>
        !alreadyTaken && status == ClaimStatus.Adjudicated && reimbursedTotal > 0m && hasBankAccount;

    /// <summary>The state the insured's statement shows.</summary>
    public static ClaimPaymentState StateOf(ClaimStatus status, decimal reimbursedTotal, bool hasBankAccount, bool paid) => status switch
    {
        _ when paid => ClaimPaymentState.Paid,
        ClaimStatus.Paid => ClaimPaymentState.Paid,
        ClaimStatus.Refused => ClaimPaymentState.Refused,
        ClaimStatus.Pending => ClaimPaymentState.PendingReview,
        _ when reimbursedTotal <= 0m => ClaimPaymentState.NothingToPay,
        _ when !hasBankAccount => ClaimPaymentState.WaitingForBankAccount,
        _ => ClaimPaymentState.Scheduled,
    };

    /// <summary>
    /// The reason the statement gives for the payment, in the insured's language: transferred (amount, date, run), due by
    /// a date, waiting for an account, waiting for a reviewer, nothing reimbursed; none for a refused claim (its own reasons say why).
    /// </summary>
    /// <param name="transfer">For a paid claim: "25.76 €, 2026-11-30, PR-2026-0001" style detail.</param>
    public static Reason? StatementReason(ClaimPaymentState state, DateOnly dueDate, string? transfer) => state switch
    {
        ClaimPaymentState.Paid => Reason.Information(ReimbursementReasonCodes.ReimbursementTransferred, Rule, "payment", transfer),
        ClaimPaymentState.Scheduled => Reason.Information(ReimbursementReasonCodes.ReimbursementScheduled, Rule, "payment", Dates.Iso(dueDate)),
        ClaimPaymentState.WaitingForBankAccount => Reason.Pending(ReimbursementReasonCodes.BankAccountMissing, Rule, "bankAccount"),
        ClaimPaymentState.PendingReview => Reason.Pending(ReimbursementReasonCodes.ClaimUnderReview, Rule, "lines"),
        ClaimPaymentState.NothingToPay => Reason.Information(ReimbursementReasonCodes.NothingReimbursed, Rule, "reimbursedTotal"),
        _ => null,
    };

    /// <summary>
    /// The end-to-end id of a claim's transfer: the claim id's 32 hex digits (SEPA characters, at most 35), unique, and on
    /// the insured's bank statement unchanged so that the insured finds the claim it pays.
    /// </summary>
    public static string EndToEndId(Guid claimId) => claimId.ToString("N");

    /// <summary>An IBAN as a statement shows it: country and check digits, then the last 4 characters ("LU03…5678").</summary>
    public static string MaskedIban(string iban)
    {
        var electronic = iban.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return electronic.Length <= 8 ? electronic : $"{electronic[..4]}…{electronic[^4..]}";
    }
}

/// <summary>One transfer of a payment run to an insured person: everything the run pays for one claim (INS-05), account captured at run time.</summary>
public sealed class ClaimPaymentOrder : RunTransfer
{
    /// <summary>Unique: a claim is paid by one transfer, ever.</summary>
    public Guid ClaimId { get; set; }
    /// <summary>The fund that pays (the debtor): the claim's competent fund.</summary>
    public required string Fund { get; set; }
    public Guid InsuredId { get; set; }
    public required string CreditorName { get; set; }
}

public enum ClaimPaymentFileKind
{
    /// <summary>The pain.001 of one fund in one run.</summary>
    Pain001,
    /// <summary>A claim's statement to the insured, in one language and format.</summary>
    Statement,
}

/// <summary>The bytes of a file a run wrote for the insured's route (a fund's pain.001, a claim's statement), written once with its SHA-256.</summary>
public sealed class ClaimPaymentFile : RunFile
{
    public required string Fund { get; set; }
    /// <summary>Null for a fund's pain.001.</summary>
    public Guid? ClaimId { get; set; }
    public ClaimPaymentFileKind Kind { get; set; }
}
