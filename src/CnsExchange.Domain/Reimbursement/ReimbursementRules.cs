using CnsExchange.Domain.Billing;

namespace CnsExchange.Domain.Reimbursement;

/// <summary>
/// INS-01: a validation requested by the insured (insured channel) gives a voucher without third-party payment: the
/// insured pays the provider and claims the refund; the provider's memoir lines on it are refused by BIL-02.
/// </summary>
public static class InsuredValidation
{
    public const string Rule = "INS-01";

    /// <summary>Third-party payment does not apply, and the information that says why.</summary>
    public static (bool Applies, Reason? Information) ThirdPartyPayment() =>
        (false, Reason.Information(CommonReasonCodes.ThirdPartyNotApplicable, Rule, "channel"));
}

/// <summary>
/// INS-03: a reimbursement claim needs its receipted invoice; each physiotherapy session is adjudicated with the voucher
/// rules of the memoir lines (BIL-03…BIL-13, by <see cref="LineAdjudication"/> itself) and reimbursed at
/// rate × min(paid, tariff). Third-party payment (BIL-02) is no condition on this route.
/// </summary>
public static class PhysioClaimAdjudication
{
    public const string Rule = "INS-03";

    public static Reason? InvoiceCheck(bool invoiceAttached) =>
        invoiceAttached ? null : Reason.Refusal(ReimbursementReasonCodes.InvoiceMissing, Rule, "invoice");

    /// <summary>One session of a claim: the memoir line rules on the insured's route, then what the fund refunds.</summary>
    public static LineDecision Adjudicate(LineFacts facts, ReferenceCatalog catalog) =>
        LineAdjudication.Adjudicate(facts with { InsuredRoute = true }, catalog);

    /// <summary>The statement of a paid session: the amount reimbursed (the CNS share of the memoir line).</summary>
    public static Reason Statement(decimal reimbursed) => Reason.Information(ReimbursementReasonCodes.Reimbursed, Rule, "reimbursedAmount", Dates.Amount(reimbursed));
}

/// <summary>
/// INS-04: a session is paid once across routes: a session reimbursed to the insured is never paid to the provider under
/// third-party payment, and the reverse. The key is the voucher and the session date; the database enforces it.
/// </summary>
public static class SessionPaidOnce
{
    public const string Rule = "INS-04";

    /// <param name="paidOnOtherRoute">Where the session is already paid on the other route (a memoir reference or a claim id), if it is.</param>
    public static Reason? Check(string? paidOnOtherRoute) =>
        paidOnOtherRoute is null ? null : Reason.Refusal(ReimbursementReasonCodes.SessionAlreadyPaid, Rule, "sessionDate", paidOnOtherRoute);
}

/// <summary>
/// INS-08: doctors' fees for hospital care that the doctor did not bill to CNS directly (HOS-05: only allowed for a stay
/// over 3 days or a fee invoice over 100 EUR; otherwise the insured pays) are reimbursed to the insured on the doctor's
/// receipted invoice at the HOS-04 rates: each fee is adjudicated by the rules of a doctor's memoir line for the stay
/// (<see cref="HospitalFeeLines"/>: the stay CNS accepted for this insured, the act within it, HOS-04 rate and single-room
/// surcharge, HOS-06, BIL-10 tariff cap, BIL-12), without the direct-billing condition (HOS-05), which is the memoir
/// route's. A fee is paid once across routes: a fee (stay, doctor, date, act) paid to the doctor is not reimbursed, and the
/// reverse; the database enforces it like INS-04.
/// </summary>
public static class DoctorFeeClaim
{
    public const string Rule = "INS-08";

    public static LineDecision Adjudicate(LineFacts facts, ReferenceCatalog catalog) =>
        HospitalFeeLines.Adjudicate(facts with { InsuredRoute = true }, catalog);

    /// <param name="paidOnOtherRoute">Where the fee is already paid (a memoir reference, or another claim id), if it is.</param>
    public static Reason? PaidOnce(string? paidOnOtherRoute) =>
        paidOnOtherRoute is null ? null : Reason.Refusal(ReimbursementReasonCodes.FeeAlreadyPaid, Rule, "fees", paidOnOtherRoute);

    /// <summary>The statement of a reimbursed fee.</summary>
    public static Reason Statement(decimal reimbursed) => Reason.Information(ReimbursementReasonCodes.Reimbursed, Rule, "reimbursedAmount", Dates.Amount(reimbursed));
}
