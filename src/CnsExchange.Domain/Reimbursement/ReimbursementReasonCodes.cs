namespace CnsExchange.Domain.Reimbursement;

/// <summary>Reason codes of the insured's route (RULES.md §8, reason-codes.json).</summary>
public static class ReimbursementReasonCodes
{
    public const string InvoiceMissing = "INVOICE_MISSING";
    public const string SessionAlreadyPaid = "SESSION_ALREADY_PAID";
    public const string DuplicateClaim = "DUPLICATE_CLAIM";
    public const string Reimbursed = "REIMBURSED";

    /// <summary>INS-05: transferred to the insured's account (amount, value date, run).</summary>
    public const string ReimbursementTransferred = "REIMBURSEMENT_TRANSFERRED";
    /// <summary>INS-05: the next payment run pays it, by the due date.</summary>
    public const string ReimbursementScheduled = "REIMBURSEMENT_SCHEDULED";
    /// <summary>INS-05: no account of the insured is known; the first run after one is set pays it.</summary>
    public const string BankAccountMissing = "BANK_ACCOUNT_MISSING";
    /// <summary>INS-05: a line waits for a reviewer; the claim is paid once every line is decided.</summary>
    public const string ClaimUnderReview = "CLAIM_UNDER_REVIEW";
    /// <summary>INS-05: every line is refused; nothing is paid.</summary>
    public const string NothingReimbursed = "NOTHING_REIMBURSED";
}
