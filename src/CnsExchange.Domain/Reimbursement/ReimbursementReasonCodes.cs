namespace CnsExchange.Domain.Reimbursement;

/// <summary>Reason codes of the insured's route (RULES.md §8, reason-codes.json).</summary>
public static class ReimbursementReasonCodes
{
    public const string InvoiceMissing = "INVOICE_MISSING";
    public const string SessionAlreadyPaid = "SESSION_ALREADY_PAID";
    public const string DuplicateClaim = "DUPLICATE_CLAIM";
    public const string Reimbursed = "REIMBURSED";
}
