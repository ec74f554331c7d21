namespace CnsExchange.Domain.Physio.Rules;

/// <summary>VAL-03: a prescription dated after the request date is refused.</summary>
public static class PrescriptionDateInFuture
{
    public const string Rule = "VAL-03";

    public static Reason? Check(DateOnly prescriptionDate, DateOnly requestDate) =>
        prescriptionDate > requestDate ? Reason.Refusal(PhysioReasonCodes.PrescriptionDateInFuture, Rule, "prescriptionDate") : null;
}
