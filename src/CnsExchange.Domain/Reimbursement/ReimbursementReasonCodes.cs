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
    /// <summary>INS-06/07: the lodging invoice lacks a mandatory item (date, name, number of nights, first or last night).</summary>
    public const string StayInvoiceIncomplete = "STAY_INVOICE_INCOMPLETE";
    /// <summary>INS-06: private lodging, or an establishment outside Mondorf.</summary>
    public const string LodgingNotApproved = "LODGING_NOT_APPROVED";
    /// <summary>INS-06/07: a night outside the cure.</summary>
    public const string NightOutsideCure = "NIGHT_OUTSIDE_CURE";
    /// <summary>INS-06/07: the night is already paid (or held by a line under review) for this person.</summary>
    public const string NightAlreadyPaid = "NIGHT_ALREADY_PAID";
    /// <summary>INS-06/07: the cure named grants no stay allowance of the kind claimed.</summary>
    public const string StayAllowanceNotGranted = "STAY_ALLOWANCE_NOT_GRANTED";
    /// <summary>INS-06/07: a CNS reviewer must read the invoice (establishment not known, name, cure dates).</summary>
    public const string InvoiceReviewRequired = "INVOICE_REVIEW_REQUIRED";
    /// <summary>INS-07: stay costs abroad above the statutory flat rate.</summary>
    public const string AmountAboveFlatRate = "AMOUNT_ABOVE_FLAT_RATE";
    /// <summary>INS-07: travel costs are never reimbursed.</summary>
    public const string TravelCostsNotCovered = "TRAVEL_COSTS_NOT_COVERED";
    /// <summary>INS-07: the accompanying person's conditions (curist under 18, express request, cure agreed) are not met.</summary>
    public const string AccompanyingPersonNotCovered = "ACCOMPANYING_PERSON_NOT_COVERED";
    /// <summary>INS-08: the doctor's fee is already paid, to the doctor (memoir) or to the insured (claim).</summary>
    public const string FeeAlreadyPaid = "FEE_ALREADY_PAID";
    /// <summary>A reviewer agreed a line that waited for the reading of a document.</summary>
    public const string ReviewerAgreed = "REVIEWER_AGREED";
}
