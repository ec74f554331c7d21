namespace CnsExchange.Domain.Hospital;

/// <summary>Reason codes of the hospital rules (reason-codes.json).</summary>
public static class HospitalReasonCodes
{
    public const string Participation = "HOSPITAL_PARTICIPATION";
    public const string CeilingReached = "PARTICIPATION_CEILING_REACHED";
    public const string NotDueMinor = "PARTICIPATION_NOT_DUE_MINOR";
    public const string ChildbirthDaysExempt = "CHILDBIRTH_DAYS_EXEMPT";
    public const string StayOverlap = "HOSPITAL_STAY_OVERLAP";
    public const string DoctorFeesRate = "DOCTOR_FEES_RATE";
    public const string SingleRoomNotCovered = "SINGLE_ROOM_NOT_COVERED";
    public const string SingleRoomSurchargeNotChargeable = "SINGLE_ROOM_SURCHARGE_NOT_CHARGEABLE";
    public const string SingleRoomSurchargeNotCovered = "SINGLE_ROOM_SURCHARGE_NOT_COVERED";
    public const string DirectBillingAllowed = "DIRECT_BILLING_ALLOWED";
    public const string DirectBillingAboveAmountOnly = "DIRECT_BILLING_ABOVE_AMOUNT_ONLY";
    public const string DirectBillingNotAllowed = "DIRECT_BILLING_NOT_ALLOWED";
    public const string NotCovered = CommonReasonCodes.NotCovered;
    public const string MainOperationNotCovered = "MAIN_OPERATION_NOT_COVERED";
    public const string MealsNotCovered = "MEALS_NOT_COVERED";
    public const string AccompanyingBedNotCovered = "ACCOMPANYING_BED_NOT_COVERED";
    public const string InsuredUnknown = CommonReasonCodes.InsuredUnknown;
}
