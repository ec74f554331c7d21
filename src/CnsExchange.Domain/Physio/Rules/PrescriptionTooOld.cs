namespace CnsExchange.Domain.Physio.Rules;

/// <summary>VAL-02: validation must be requested within 31 days of the prescription date (day 31 is still accepted).</summary>
public static class PrescriptionTooOld
{
    public const string Rule = "VAL-02";
    public const string MaxDaysParameter = "physio.validation.max_days_after_prescription";

    public static Reason? Check(DateOnly prescriptionDate, DateOnly requestDate, ReferenceCatalog catalog)
    {
        var maxDays = (int)catalog.Parameter(MaxDaysParameter, requestDate);
        return requestDate.DayNumber - prescriptionDate.DayNumber > maxDays
            ? Reason.Refusal(PhysioReasonCodes.PrescriptionTooOld, Rule, "prescriptionDate")
            : null;
    }
}
